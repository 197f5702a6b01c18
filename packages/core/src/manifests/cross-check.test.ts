import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { Finding } from "../checks/finding.js";
import { RULES } from "../checks/finding.js";
import type { Plan } from "../plan/model.js";
import { Gi, Mi, planBuilder } from "../../test/helpers/plan-builder.js";
import { crossCheckManifests } from "./cross-check.js";
import { parseManifests } from "./parse-manifests.js";

const FIXTURES = fileURLToPath(new URL("../../testdata/manifests/", import.meta.url));
const FILES = ["configmap", "audit-service", "analytics-service", "opa-service", "cache-service", "scraper-service", "clean-service", "broken"];

function fixture(name: string): { file: string; text: string } {
  const file = `testdata/manifests/${name}.yaml`;
  return { file, text: readFileSync(`${FIXTURES}${name}.yaml`, "utf8") };
}

/** The 1-based line of the `# expect: <tag>` marker in a fixture. */
function lineOf(name: string, tag: string): number {
  const lines = fixture(name).text.split("\n");
  const index = lines.findIndex((l) => l.includes(`# expect: ${tag}`));
  if (index < 0) throw new Error(`test: no "# expect: ${tag}" in ${name}.yaml`);
  return index + 1;
}

/** A plan in the user's figures; each listed service points at its own fixture and the ConfigMap. */
function userPlan(): Plan {
  const http = (path = "/readyz") => ({ kind: "http" as const, path });
  const limits = { memory: 256 * Mi, cpu: 100 };
  const plan = planBuilder("openpolicy", "plan.yaml")
    .service("postgresql", { memory: 1 * Gi, cpu: 500, port: 5432, kind: "StatefulSet", persistent: true, validate: { kind: "postgres" } })
    .service("audit-service", { port: 9016, limits, validate: http() })
    .service("analytics-service", { port: 9015, limits, validate: http() })
    .service("opa-service", { port: 9017, limits, validate: { kind: "tcp", port: 9017 } })
    .service("cache-service", { port: 9016, limits, validate: http() })
    .service("scraper-service", { memory: 1 * Gi, cpu: 500, limits: { memory: 2 * Gi, cpu: 1000 }, port: 9016, validate: http() })
    .service("clean-service", { port: 9020, replicas: 2, limits, validate: http() })
    .service("broken", { port: 9999 })
    .service("generated", { port: 9030, dependsOn: ["postgresql"] })
    .build();
  for (const name of ["audit-service", "analytics-service", "opa-service", "cache-service", "scraper-service", "clean-service", "broken"]) {
    plan.services.get(name)!.manifests = [`testdata/manifests/${name}.yaml`, "testdata/manifests/configmap.yaml"];
  }
  plan.services.get("cache-service")!.env = ["REDIS_URL", "CACHE_URL", "QUEUE_URL"];
  plan.services.get("clean-service")!.env = ["DATABASE_URL", "TEST_DATABASE_URL"];
  // A generated service reading a variable the generated ConfigMap does not define.
  plan.services.get("generated")!.env = ["DATABASE_URL", "DATABASE_PASSWORD", "PRODUCTION_DATABASE_URL"];
  return plan;
}

function findingsFor(findings: Finding[], service: string): Array<Pick<Finding, "rule" | "severity"> & { line: number; file: string }> {
  return findings
    .filter((f) => f.services.includes(service))
    .map((f) => ({ rule: f.rule, severity: f.severity, file: f.location.file, line: f.location.line }));
}

describe("crossCheckManifests on the user's mismatches", () => {
  const plan = userPlan();
  const findings = crossCheckManifests(plan, FILES.map(fixture));

  it("uses only registered rule ids", () => {
    for (const f of findings) expect(Object.keys(RULES)).toContain(f.rule);
    expect(RULES["manifest-mismatch"].severity).toBe("error");
    expect(RULES["manifest-env-missing"].severity).toBe("error");
  });

  it("finds the readiness probe on 9007 while the container listens on 9016, at the probe's port line", () => {
    expect(findingsFor(findings, "audit-service")).toEqual([
      { rule: "manifest-mismatch", severity: "error", file: "testdata/manifests/audit-service.yaml", line: lineOf("audit-service", "readiness-port") },
    ]);
    const message = findings.find((f) => f.services[0] === "audit-service")!.message;
    expect(message).toContain("readinessProbe checks port 9007");
    expect(message).toContain("9016");
  });

  it("finds the Service targetPort 9006 that reaches no container port (9015)", () => {
    expect(findingsFor(findings, "analytics-service")).toEqual([
      { rule: "manifest-mismatch", severity: "error", file: "testdata/manifests/analytics-service.yaml", line: lineOf("analytics-service", "target-port") },
    ]);
    expect(findings.find((f) => f.services[0] === "analytics-service")!.message).toMatch(/targetPort 9006 .*9015/);
  });

  it("finds a manifest on 9008 for a service the plan puts on 9017: container, probe and Service", () => {
    expect(findingsFor(findings, "opa-service")).toEqual([
      { rule: "manifest-mismatch", severity: "error", file: "testdata/manifests/opa-service.yaml", line: lineOf("opa-service", "container-ports") },
      { rule: "manifest-mismatch", severity: "error", file: "testdata/manifests/opa-service.yaml", line: lineOf("opa-service", "opa-readiness") },
      { rule: "manifest-mismatch", severity: "warning", file: "testdata/manifests/opa-service.yaml", line: lineOf("opa-service", "service-ports") },
    ]);
  });

  it("finds CACHE_URL read from a ConfigMap key that does not exist, and QUEUE_URL set by nothing", () => {
    expect(findingsFor(findings, "cache-service")).toEqual([
      { rule: "manifest-env-missing", severity: "warning", file: "testdata/manifests/cache-service.yaml", line: lineOf("cache-service", "env-list") },
      { rule: "manifest-env-missing", severity: "error", file: "testdata/manifests/cache-service.yaml", line: lineOf("cache-service", "cache-url-key") },
    ]);
    const [queue, cache] = findings.filter((f) => f.services[0] === "cache-service");
    expect(queue!.message).toContain("QUEUE_URL");
    expect(cache!.message).toContain('key CACHE_URL of ConfigMap "openpolicy-config", which defines only DATABASE_URL, RABBITMQ_URL, REDIS_URL');
  });

  it("warns when the memory limit and the replica count differ from the plan", () => {
    expect(findingsFor(findings, "scraper-service")).toEqual([
      { rule: "manifest-mismatch", severity: "warning", file: "testdata/manifests/scraper-service.yaml", line: lineOf("scraper-service", "replicas") },
      { rule: "manifest-mismatch", severity: "warning", file: "testdata/manifests/scraper-service.yaml", line: lineOf("scraper-service", "memory-limit") },
    ]);
    const memory = findings.find((f) => f.services[0] === "scraper-service" && f.message.includes("limits.memory"))!;
    expect(memory.message).toContain("limits.memory is 1Gi in the manifest but 2Gi in the plan");
  });

  it("reports nothing for a manifest that agrees (named and numbered ports, env from the ConfigMap)", () => {
    expect(findingsFor(findings, "clean-service")).toEqual([]);
  });

  it("reports invalid YAML instead of throwing", () => {
    const broken = findings.filter((f) => f.services[0] === "broken");
    expect(broken.length).toBeGreaterThan(0);
    expect(broken.every((f) => f.rule === "manifest-mismatch" && f.severity === "error" && f.location.file === "testdata/manifests/broken.yaml")).toBe(true);
  });

  it("checks the env of generated services against the generated ConfigMap", () => {
    const generated = findings.filter((f) => f.services[0] === "generated");
    expect(generated.map((f) => [f.rule, f.severity, f.location])).toEqual([
      ["manifest-env-missing", "warning", plan.services.get("generated")!.location],
    ]);
    expect(generated[0]!.message).toContain("PRODUCTION_DATABASE_URL");
  });

  it("reports no finding for the services without env or own manifests", () => {
    expect(findingsFor(findings, "postgresql")).toEqual([]);
  });
});

describe("crossCheckManifests details", () => {
  it("reports a missing workload at the plan's service line", () => {
    const plan = planBuilder("p").service("ghost", { port: 80 }).build();
    plan.services.get("ghost")!.manifests = ["ghost.yaml"];
    const findings = crossCheckManifests(plan, [{ file: "ghost.yaml", text: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n" }]);
    expect(findings.map((f) => [f.rule, f.severity, f.location.line])).toEqual([["manifest-mismatch", "error", plan.services.get("ghost")!.location.line]]);
  });

  it("checks exec probe ports and the Service selector", () => {
    const plan = planBuilder("p").service("db", { port: 5433, kind: "StatefulSet", validate: { kind: "postgres" }, limits: { memory: 128 * Mi, cpu: 50 } }).build();
    plan.services.get("db")!.manifests = ["db.yaml"];
    const text = [
      "apiVersion: apps/v1",
      "kind: StatefulSet",
      "metadata: {name: db}",
      "spec:",
      "  serviceName: db",
      "  selector: {matchLabels: {app: db}}",
      "  template:",
      "    metadata: {labels: {app: db}}",
      "    spec:",
      "      containers:",
      "        - name: db",
      "          image: postgres:16",
      "          ports: [{containerPort: 5433}]",
      "          resources: {requests: {memory: 128Mi, cpu: 50m}, limits: {memory: 128Mi, cpu: 50m}}",
      "          readinessProbe:",
      "            exec: {command: [pg_isready, -h, 127.0.0.1, -p, '5432']}",
      "---",
      "apiVersion: v1",
      "kind: Service",
      "metadata: {name: db}",
      "spec:",
      "  selector: {app: database}",
      "  ports: [{port: 5433}]",
    ].join("\n");
    const findings = crossCheckManifests(plan, [{ file: "db.yaml", text }]);
    expect(findings.map((f) => [f.rule, f.severity, f.location.line])).toEqual([
      ["manifest-mismatch", "error", 16],
      ["manifest-mismatch", "error", 22],
    ]);
    expect(findings[0]!.message).toContain("against port 5432 but the service listens on 5433");
    expect(findings[1]!.message).toContain("no endpoints");
  });

  it("locates fields inside kind: List items", () => {
    const { objects } = parseManifests([
      { file: "list.yaml", text: "apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Service\n    metadata:\n      name: a\n" },
    ]);
    expect(objects.map((o) => [o.kind, o.name])).toEqual([["Service", "a"]]);
    expect(objects[0]!.locate(["metadata", "name"])).toEqual({ file: "list.yaml", line: 7, column: 7 });
    // An absent field is reported where its nearest written parent is.
    expect(objects[0]!.locate(["spec", "ports"]).line).toBe(4);
  });
});
