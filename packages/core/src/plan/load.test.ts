import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { PlanLoadError, type PlanProblem } from "./errors.js";
import { decodePlan, loadPlanFile, parsePlanText, planJsonSchema } from "./index.js";

const fixture = (name: string) => fileURLToPath(new URL(`../../testdata/plans/${name}`, import.meta.url));
const Mi = 1024 ** 2;
const Gi = 1024 ** 3;

function problemsOf(run: () => unknown): PlanProblem[] {
  try {
    run();
  } catch (error) {
    if (error instanceof PlanLoadError) return error.problems;
    throw error;
  }
  throw new Error("expected a PlanLoadError");
}
const loadProblems = (text: string) => problemsOf(() => parsePlanText(text, "plan.yaml"));
/** `line path message` for readable assertions. */
const brief = (problems: PlanProblem[]) => problems.map((p) => `${p.line}:${p.column} ${p.path}: ${p.message}`);

const MINIMAL = `name: p
cluster:
  nodes: [{memory: 8Gi, cpu: 4}]
phases:
  - name: all
    services: [a, b, c]
services:
  a: {memory: 128Mi, cpu: 100m}
  b: {memory: 128Mi, cpu: 100m}
  c: {memory: 128Mi, cpu: 100m}
`;

describe("the example plan", () => {
  it("loads and normalizes", async () => {
    const plan = await loadPlanFile(fixture("example.yaml"));
    expect(plan.name).toBe("openpolicy");
    expect(plan.namespace).toBe("openpolicy");
    expect(plan.format).toBe("yaml");
    expect(plan.cluster.nodes).toEqual([
      { count: 1, memory: 8 * Gi, cpu: 16_000, pods: 110, location: { file: fixture("example.yaml"), line: 5, column: 11 } },
    ]);
    expect(plan.cluster.reserved).toEqual({ memory: 0, cpu: 0 });
    expect(plan.cluster.overhead).toBe("none");
    expect(plan.budget).toMatchObject({ memory: 50, cpu: 80, location: { line: 8, column: 1 } });
    expect(plan.rollback).toMatchObject({ memory: 85, unhealthy: 20, latency: 500, errorRate: 5, scope: "phase", timeoutSeconds: 600 });

    const [infrastructure, business] = plan.phases;
    expect(infrastructure!.sequential).toBe(true);
    expect(infrastructure!.batches.map((b) => b.services)).toEqual([["postgresql"], ["scraper-service"], ["redis"], ["rabbitmq"]]);
    expect(infrastructure!.batches.map((b) => b.name)).toEqual(["postgresql", "scraper-service", "redis", "rabbitmq"]);
    expect(infrastructure!.gate).toMatchObject({ memory: 40, cpu: 50, healthy: 100, location: { line: 14 } });
    expect(infrastructure!.declared).toMatchObject({ memory: 3 * Gi, memoryText: "3Gi", cpu: 1450, cpuText: "1450m" });
    expect(infrastructure!.expectedSeconds).toEqual([900, 1200]);
    expect(infrastructure!.location).toMatchObject({ line: 11, column: 5 });
    expect(business!.batches).toEqual([
      { name: "data", services: ["database-service", "storage-service", "search-service"], location: expect.objectContaining({ line: 19 }) },
    ]);

    expect([...plan.services.keys()]).toEqual(["postgresql", "database-service", "scraper-service", "redis", "rabbitmq", "storage-service", "search-service"]);
    const postgresql = plan.services.get("postgresql")!;
    expect(postgresql).toMatchObject({
      requests: { memory: Gi, cpu: 500 },
      limits: { memory: Gi, cpu: 500 },
      usage: { memory: Gi, cpu: 500 },
      usageGiven: false,
      port: 5432,
      validate: { kind: "postgres" },
      kind: "StatefulSet",
      persistent: true,
      startupSeconds: 20,
      replicas: 1,
      location: { line: 21, column: 3 },
    });
    const database = plan.services.get("database-service")!;
    expect(database).toMatchObject({
      requests: { memory: 128 * Mi, cpu: 50 },
      limits: { memory: 256 * Mi, cpu: 200 },
      usage: { memory: 90 * Mi, cpu: 20 },
      usageGiven: true,
      dependsOn: ["postgresql"],
      dependsOnAll: false,
      validate: { kind: "http", path: "/healthz" },
      image: "ghcr.io/openpolicy/database-service:1.0",
      startupSeconds: 15,
      kind: "Deployment",
      strategy: "RollingUpdate",
      rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" },
      persistent: false,
      priority: 0,
      manifests: [],
      env: [],
      location: { line: 22, column: 3 },
    });
  });

  it("does not fail on dependencies the plan does not define (the unknown-dependency check reports those)", () => {
    const plan = parsePlanText(MINIMAL.replace("c: {memory: 128Mi, cpu: 100m}", "c: {memory: 128Mi, dependsOn: [nowhere]}"), "p.yaml");
    expect(plan.services.get("c")!.dependsOn).toEqual(["nowhere"]);
  });
});

describe("normalization", () => {
  it("expands * to every other service, in declaration order", () => {
    const plan = parsePlanText(MINIMAL.replace("c: {memory: 128Mi, cpu: 100m}", 'c: {memory: 128Mi, dependsOn: ["*"]}'), "p.yaml");
    expect(plan.services.get("c")).toMatchObject({ dependsOn: ["a", "b"], dependsOnAll: true });
    expect(plan.services.get("a")).toMatchObject({ dependsOn: [], dependsOnAll: false });
  });

  it("makes a parallel `services` phase one batch named after the phase", () => {
    const plan = parsePlanText(MINIMAL, "p.yaml");
    expect(plan.phases[0]!.batches).toEqual([{ name: "all", services: ["a", "b", "c"], location: { file: "p.yaml", line: 6, column: 5 } }]);
    expect(plan.phases[0]!.sequential).toBe(false);
  });

  it("fills defaults from the kind of service and follows Kubernetes for missing requests", () => {
    const plan = parsePlanText(
      MINIMAL.replace("a: {memory: 128Mi, cpu: 100m}", "a: {resources: {limits: {memory: 1Gi, cpu: 1}}, validate: rabbitmq}")
        .replace("b: {memory: 128Mi, cpu: 100m}", "b: {memory: 64Mi, validate: redis, strategy: RollingUpdate, rollingUpdate: {maxSurge: 1}}")
        .replace("c: {memory: 128Mi, cpu: 100m}", "c: {port: 80, kind: StatefulSet, persistent: false, storage: 2Gi, priority: 5, env: [DATABASE_URL], manifests: [k8s/c.yaml]}"),
      "p.yaml",
    );
    const [a, b, c] = ["a", "b", "c"].map((name) => plan.services.get(name)!);
    expect(a).toMatchObject({ requests: { memory: Gi, cpu: 1000 }, limits: { memory: Gi, cpu: 1000 }, kind: "StatefulSet", persistent: true, startupSeconds: 20 });
    expect(b).toMatchObject({ requests: { memory: 64 * Mi, cpu: 0 }, limits: { memory: 64 * Mi }, kind: "StatefulSet", persistent: false });
    expect(b!.limits.cpu).toBeUndefined();
    expect(b!.rollingUpdate).toEqual({ maxSurge: 1, maxUnavailable: "25%" });
    expect(c).toMatchObject({
      requests: { memory: 0, cpu: 0 },
      validate: { kind: "none" }, // no silent default: missing-validation reports it
      kind: "StatefulSet",
      persistent: false,
      storage: 2 * Gi,
      priority: 5,
      env: ["DATABASE_URL"],
      manifests: ["k8s/c.yaml"],
      startupSeconds: 20,
    });
    expect(plan.rollback).toMatchObject({ scope: "phase", timeoutSeconds: 600 });
    expect(plan.budget).toBeUndefined();
  });

  it("reads every validate form", () => {
    const forms: [string, unknown][] = [
      ["validate: none", { kind: "none" }],
      ["validate: http, port: 8080", { kind: "http", path: "/healthz" }],
      ["validate: tcp, port: 8080", { kind: "tcp", port: 8080 }],
      ["validate: {tcp: 9000}", { kind: "tcp", port: 9000 }],
      ["validate: {http: /ready}", { kind: "http", path: "/ready" }],
      ["validate: {http: {path: /livez, port: 9001, status: 204}}", { kind: "http", path: "/livez", port: 9001, expectStatus: 204 }],
      ["validate: {postgres: {database: app, user: app, passwordSecret: pg}}", { kind: "postgres", database: "app", user: "app", passwordSecret: "pg" }],
      ["memory: 1Mi", { kind: "none" }],
    ];
    for (const [fields, expected] of forms) {
      const plan = parsePlanText(MINIMAL.replace("a: {memory: 128Mi, cpu: 100m}", `a: {${fields}}`), "p.yaml");
      expect(plan.services.get("a")!.validate, fields).toEqual(expected);
    }
  });

  it("reads JSON and reports it as json", async () => {
    const plan = await loadPlanFile(fixture("small.json"));
    expect(plan.format).toBe("json");
    expect(plan.cluster).toMatchObject({ overhead: "kind", nodes: [{ name: "worker", count: 2, memory: 4 * Gi, cpu: 2000, pods: 50 }] });
    expect(plan.phases[0]!.batches).toMatchObject([{ name: "infra", services: ["redis"] }]);
    expect(plan.phases[1]!.batches.map((b) => b.services)).toEqual([["api"], ["web"]]);
    expect(plan.services.get("api")).toMatchObject({ requests: { cpu: 50 }, dependsOn: ["redis", "missing-service"] });
    expect(plan.services.get("web")).toMatchObject({
      requests: { memory: 64 * Mi, cpu: 0 },
      limits: { memory: 64 * Mi },
      dependsOn: ["redis", "api"],
      dependsOnAll: true,
      validate: { kind: "tcp", port: 3000 },
      location: { line: 11, column: 5 },
    });
  });

  it("decodes an object from another front end with that front end's locations", () => {
    const raw = {
      name: "md",
      cluster: { nodes: [{ memory: "8Gi", cpu: 16 }] },
      phases: [{ name: "one", services: ["x"] }],
      services: { x: { memory: "128Mi", cpu: "50m" } },
    };
    const locate = (path: (string | number)[]) => ({ line: 100 + path.length, column: 1 });
    const plan = decodePlan(raw, { file: "plan.md", format: "markdown", locate });
    expect(plan.format).toBe("markdown");
    expect(plan.services.get("x")!.location).toEqual({ file: "plan.md", line: 102, column: 1 });
    const problems = problemsOf(() => decodePlan({ ...raw, services: { x: { memory: "lots" } } }, { file: "plan.md", format: "markdown", locate }));
    expect(brief(problems)).toEqual([`103:1 services.x.memory: "lots" is not a valid memory quantity: ${problems[0]!.message.split(": ").slice(1).join(": ")}`]);
  });
});

describe("problems", () => {
  it("reports every problem of a broken plan at once, each at its line", async () => {
    const error = await loadPlanFile(fixture("many-problems.yaml")).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PlanLoadError);
    const found = brief((error as PlanLoadError).problems);
    expect(found).toEqual([
      '4:10 budget.memory: "150%" is out of range: a percentage is between 0% and 100%',
      '4:24 budget.cpu: "lots" is not a percentage: write it like 50% or 50',
      '5:12 rollback.latency: "5 minutes" is not a duration: write it like 500ms, 15s, 10m, 1h or a number of milliseconds',
      '5:32 rollback.scope: expected one of "phase" | "all", got the text "everything"',
      '8:5 phases[0].sequential: expected true or false, got the text "yes"',
      '10:5 phases[0].expected: "20m-15m" starts after it ends: the first figure must not exceed the second',
      expect.stringMatching(/^12:16 services\.postgresql\.memory: "1Gb" is not a valid memory quantity: unknown suffix "Gb"/),
      '12:40 services.postgresql.port: expected a number, got the text "5432"',
      expect.stringMatching(/^12:54 services\.postgresql\.validate: expected postgres \| redis .* got the text "postgress"; did you mean "postgres"\?$/),
      "14:5 services.api.dependOn: unknown field `dependOn`; did you mean `dependsOn`?",
      '15:28 services.api.resources.requests.memory: memory must not be negative, got "-128Mi"',
      "15:64 services.api.resources.limits.memroy: unknown field `memroy`; did you mean `memory`?",
      "16:16 services.api.validate.htp: unknown field `htp`; did you mean `http`?",
      "17:5 services.api.replicas: expected a whole number, got the number 1.5",
    ]);
    expect((error as PlanLoadError).message.split("\n")[0]).toBe(
      `${fixture("many-problems.yaml")}:4:10: budget.memory: "150%" is out of range: a percentage is between 0% and 100%`,
    );
  });

  it("reports duplicate keys with the schema's problems", async () => {
    const error = await loadPlanFile(fixture("duplicate-keys.yaml")).catch((e: unknown) => e);
    expect(brief((error as PlanLoadError).problems)).toEqual([
      "2:1 name: field `name` is written twice (keys must be unique; the last one would silently win)",
      "8:3 services.a: field `a` is written twice (keys must be unique; the last one would silently win)",
      "8:20 services.a.cpux: unknown field `cpux`; did you mean `cpu`?",
    ]);
  });

  it("reports YAML syntax errors with their position", async () => {
    const error = await loadPlanFile(fixture("syntax-error.yaml")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlanLoadError);
    const problems = (error as PlanLoadError).problems;
    expect(problems.length).toBeGreaterThanOrEqual(1);
    expect(problems[0]).toMatchObject({ line: 4, column: 1, message: expect.stringMatching(/Flow sequence/) });
    expect(problems[0]!.message).not.toMatch(/at line/);
    const tab = loadProblems("name: x\ncluster: {nodes: [}\n");
    expect(tab[0]).toMatchObject({ line: 2 });
  });

  it("says a plan is empty", async () => {
    const empty = await loadPlanFile(fixture("empty.yaml")).catch((e: unknown) => e);
    expect(brief((empty as PlanLoadError).problems)).toEqual(["1:1 : plan is empty"]);
    expect(brief(loadProblems(""))).toEqual(["1:1 : plan is empty"]);
    expect(brief(loadProblems("---\n"))[0]).toMatch(/plan is empty$/);
    expect(brief(loadProblems("null\n"))[0]).toMatch(/plan is empty$/);
    expect(brief(loadProblems("- a\n"))).toEqual(["1:1 : a plan is a mapping of fields (name, cluster, phases, services), got a list"]);
  });

  it("names missing required fields, at the object that should hold them", () => {
    expect(brief(loadProblems("name: x\ncluster:\n  nodes: [{memory: 1Gi}]\n"))).toEqual([
      "1:1 phases: missing required field `phases` (a list)",
      "1:1 services: missing required field `services` (a mapping)",
      "3:11 cluster.nodes[0].cpu: missing required field `cpu` (a CPU quantity such as 500m or 2)",
    ]);
  });

  it("refuses a phase with both or neither of services and batches, and a second document", () => {
    const both = MINIMAL.replace("    services: [a, b, c]", "    services: [a]\n    batches: [{services: [b]}]");
    expect(brief(loadProblems(both))).toEqual(["7:5 phases[0].batches: a phase lists either `services` or `batches`, not both"]);
    const neither = MINIMAL.replace("    services: [a, b, c]\n", "    gate: {healthy: 100%}\n");
    expect(brief(loadProblems(neither))).toEqual(["5:5 phases[0].services: a phase needs `services` or `batches`"]);
    expect(brief(loadProblems(`${MINIMAL}---\nname: again\n`))).toEqual([
      "12:1 : a plan is one YAML document; found 2 (remove the extra `---`)",
    ]);
  });

  it("refuses contradictory service fields", () => {
    const both = MINIMAL.replace("a: {memory: 128Mi, cpu: 100m}", "a: {memory: 128Mi, resources: {requests: {cpu: 1}}}");
    expect(brief(loadProblems(both))).toEqual(["8:22 services.a.resources: use either the memory/cpu shorthand or `resources`, not both"]);
    const recreate = MINIMAL.replace("a: {memory: 128Mi, cpu: 100m}", "a: {validate: postgres, strategy: Recreate}");
    expect(brief(loadProblems(recreate))[0]).toMatch(/^8:27 services\.a\.strategy: `Recreate` applies to Deployments only/);
    const tcp = MINIMAL.replace("a: {memory: 128Mi, cpu: 100m}", "a: {validate: tcp}");
    expect(brief(loadProblems(tcp))).toEqual(["8:7 services.a.validate: `validate: tcp` needs the service's `port` (or write {tcp: PORT})"]);
    const two = MINIMAL.replace("a: {memory: 128Mi, cpu: 100m}", "a: {validate: {tcp: 1, http: /x}}");
    expect(brief(loadProblems(two))).toEqual(["8:7 services.a.validate: give exactly one of http, tcp, postgres (got http, tcp)"]);
  });

  it("does not also call a misspelt required field missing", () => {
    expect(brief(loadProblems(MINIMAL.replace("phases:", "phase:")))).toEqual(["4:1 phase: unknown field `phase`; did you mean `phases`?"]);
  });

  it("lists the allowed fields when nothing is close", () => {
    const problems = loadProblems(MINIMAL.replace("a: {memory: 128Mi, cpu: 100m}", "a: {memory: 128Mi, banana: 1}"));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ line: 8, column: 22, path: "services.a.banana" });
    expect(problems[0]!.message).toMatch(/^unknown field `banana` \(allowed here: description, memory, cpu, resources, /);
  });
});

describe("plan.schema.json", () => {
  it("is up to date with the zod schema (run `pnpm schema` after changing it)", async () => {
    const written = JSON.parse(await readFile(fileURLToPath(new URL("../../schema/plan.schema.json", import.meta.url)), "utf8"));
    expect(written).toEqual(planJsonSchema());
    expect(written).toMatchObject({ $schema: "http://json-schema.org/draft-07/schema#", title: "OpenPolicy Deploy plan", additionalProperties: false });
    expect(written.properties.services.additionalProperties.properties.dependsOn.description).toMatch(/"\*" means every other service/);
  });
});
