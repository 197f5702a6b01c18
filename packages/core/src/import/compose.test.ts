import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkPlanDocument } from "../document/check-document.js";
import { readPlanDocument } from "../document/read-plan.js";
import { planTotals } from "../report/plan-totals.js";
import { importSources } from "./import-sources.js";
import { composeBytes, composeMillicores, composeTargetPort } from "./compose-values.js";
import { fixture } from "../../test/helpers/import-fixtures.js";

const MI = 2 ** 20;
const source = fixture("compose/compose.yaml");
const imported = importSources([source]);
const service = (name: string) => imported.plan.services.get(name)!;
const notesOf = (name: string) => imported.notes.filter((n) => n.service === name);
const lineOf = (line: number) => source.text.split("\n")[line - 1] ?? "";

describe("a Compose file", () => {
  it("reads deploy.resources: reservations are requests, limits are limits, a lone limit is also the request", () => {
    expect(service("db").requests).toEqual({ memory: 512 * MI, cpu: 500 });
    expect(service("db").limits).toEqual({ memory: 1024 * MI, cpu: 1000 });
    expect(service("cache").limits).toEqual({ memory: 256 * MI });
    expect(service("migrate").requests).toEqual({ memory: 128 * MI, cpu: 200 });
    expect(notesOf("migrate").filter((n) => n.kind === "assumed" && n.message.includes("request = its limit"))).toHaveLength(2);
    expect(service("worker").limits).toEqual({ memory: 300 * MI }); // legacy mem_limit
    expect(service("api").replicas).toBe(2);
    // 512 + 128 + 384 + 128 + 2×256 + 192 + 64 (adminer is in a profile not enabled)
    const totals = planTotals(imported.plan).totals;
    expect(totals.memoryBytes).toBe((512 + 128 + 384 + 128 + 2 * 256 + 192 + 64) * MI);
    expect(totals.cpuMillis).toBe(500 + 100 + 250 + 200 + 2 * 250 + 200 + 50);
  });

  it("uses depends_on with its conditions, and env references not in depends_on", () => {
    const deps = Object.fromEntries([...imported.plan.services.values()].map((s) => [s.name, s.dependsOn]));
    expect(deps).toEqual({ db: [], cache: [], queue: [], migrate: ["db"], api: ["db", "cache", "migrate", "queue"], worker: ["queue", "db"], web: ["api"] });
    const started = notesOf("api").find((n) => n.message.includes("service_started"))!;
    expect(lineOf(started.line)).toContain("cache: {condition: service_started}");
    expect(notesOf("api").some((n) => n.kind === "dropped" && n.message.includes("service_completed_successfully"))).toBe(true);
    expect(notesOf("web").some((n) => n.message.includes("required: false"))).toBe(true);
    const amqp = notesOf("api").find((n) => n.message.includes("depends on queue"))!;
    expect(lineOf(amqp.line)).toContain("AMQP_URL");
    expect(amqp.message).not.toContain("guest"); // never the value: it may hold a password
  });

  it("phases are the dependency generations", () => {
    expect(imported.plan.phases.map((p) => p.batches.flatMap((b) => b.services))).toEqual([["db", "cache", "queue"], ["migrate", "worker"], ["api"], ["web"]]);
  });

  it("infers checks from healthchecks, ports from the container side, persistence from named volumes", () => {
    expect(service("db").validate).toEqual({ kind: "postgres" });
    expect(service("cache").validate).toEqual({ kind: "redis" });
    expect(service("queue").validate).toEqual({ kind: "rabbitmq" });
    expect(service("api").validate).toEqual({ kind: "http", path: "/healthz" });
    expect(service("web").validate).toEqual({ kind: "http", path: "/" });
    expect([service("api").port, service("web").port, service("queue").port, service("cache").port]).toEqual([8000, 3000, 5672, 6379]);
    expect([service("db").kind, service("db").persistent, service("queue").kind, service("cache").kind]).toEqual(["StatefulSet", true, "StatefulSet", "Deployment"]);
    expect(service("web").image).toBeUndefined();
    expect(notesOf("web").some((n) => n.message.includes("web:latest"))).toBe(true);
  });

  it("leaves out a service whose profile is not enabled, and includes it with --profile", () => {
    expect(imported.plan.services.has("adminer")).toBe(false);
    const skipped = imported.notes.find((n) => n.service === "adminer")!;
    expect(skipped.kind).toBe("skipped");
    expect(imported.yaml).toContain(skipped.message); // in the header: no service to sit above
    const withDebug = importSources([source], { profiles: ["debug"] });
    expect(withDebug.plan.services.get("adminer")!.dependsOn).toEqual(["db"]);
    expect(withDebug.plan.services.get("adminer")!.port).toBe(8080);
  });

  it("passes check", async () => {
    const dir = await mkdtemp(join(tmpdir(), "opdeploy-compose-"));
    try {
      await writeFile(join(dir, "plan.yaml"), imported.yaml);
      const findings = checkPlanDocument(await readPlanDocument(join(dir, "plan.yaml")));
      expect(findings.filter((f) => f.severity === "error")).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("Compose notations", () => {
  it.each([
    ["512m", 512 * MI],
    ["1G", 1024 * MI],
    ["1.5gb", 1.5 * 1024 * MI],
    ["64k", 64 * 1024],
    [300000, 300000],
    ["lots", undefined],
  ])("byte value %s", (text, bytes) => expect(composeBytes(text)).toBe(bytes));

  it.each([
    ["0.5", 500],
    [2, 2000],
    ["0.0001", 1],
    ["-1", undefined],
  ])("cpus %s", (text, millis) => expect(composeMillicores(text)).toBe(millis));

  it.each([
    ["8080:80", 80],
    ["127.0.0.1:8080:80/tcp", 80],
    ["9090-9091:8080-8081", 8080],
    [3000, 3000],
    [{ target: 443, published: 8443 }, 443],
    ["abc", undefined],
  ])("port %j", (entry, port) => expect(composeTargetPort(entry)).toBe(port));
});
