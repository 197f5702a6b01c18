import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parsePlanText, type Plan } from "@openpolicy/core";
import { cpuQuantityText, memoryQuantityText, optimizePlan, planToYaml } from "../../src/planner/index.js";
import { comparablePlan } from "./plan-equivalence.js";

const example = (name: string) => fileURLToPath(new URL(`../../../../examples/openpolicy/${name}`, import.meta.url));
const load = (name: string): Plan => parsePlanText(readFileSync(example(name), "utf8"), example(name));
const roundTrip = (plan: Plan): Plan => parsePlanText(planToYaml(plan), "roundtrip.yaml");

describe("planToYaml", () => {
  it.each(["plan.yaml", "plan.fixed.yaml"])("writes %s back so it loads to an equivalent plan", (name) => {
    const plan = load(name);
    const reloaded = roundTrip(plan);
    expect(comparablePlan(reloaded)).toEqual(comparablePlan(plan));
    // The comparison does look at the services: a changed start-up is a difference.
    reloaded.services.get("web")!.startupSeconds += 1;
    expect(comparablePlan(reloaded)).not.toEqual(comparablePlan(plan));
  });

  it("round-trips the optimized plan with its phases and batches", async () => {
    const result = await optimizePlan(load("plan.fixed.yaml"), { maxCandidates: 60 });
    const reloaded = roundTrip(result.optimized);
    expect(comparablePlan(reloaded)).toEqual(comparablePlan(result.optimized));
    expect(reloaded.phases.map((p) => p.batches.map((b) => b.services))).toEqual(result.optimized.phases.map((p) => p.batches.map((b) => b.services)));
  });

  it("keeps what defaults would otherwise change: \"*\" written after names, validations, surge, storage, odd sizes", () => {
    const text = `
name: shapes
namespace: elsewhere
cluster:
  nodes: [{name: big, count: 2, memory: 4Gi, cpu: 3500m, pods: 30}]
  reserved: {memory: 100M, cpu: 250m}
  overhead: kind
budget: {cpu: 62.5%}
rollback: {latency: 750ms, scope: all, timeout: 90s}
phases:
  - {name: base, sequential: true, services: [db, queue], gate: {cpu: 50%}, declared: {memory: "1.5Gi", cpu: "0.75"}, expected: 2m-3m}
  - name: apps
    batches:
      - {services: [api]}
      - {name: last, services: [gw, odd]}
services:
  db: {memory: 1Gi, cpu: 500m, validate: {postgres: {database: app, user: me}}, storage: 2Gi}
  queue: {memory: 512Mi, cpu: 250m, validate: rabbitmq, persistent: false, priority: 10}
  api:
    resources: {requests: {memory: 100M}, limits: {memory: 200M, cpu: "1"}}
    replicas: 3
    port: 8080
    dependsOn: [db]
    validate: {http: {path: /ready, port: 8081, status: 204}}
    rollingUpdate: {maxSurge: 2, maxUnavailable: 0}
    usage: {memory: 50M, cpu: 10m}
    env: [A, B]
    manifests: [k8s/api.yaml]
    image: example/api:1
  gw: {cpu: 100m, dependsOn: [queue, "*"], validate: {tcp: 9000}, strategy: Recreate}
  odd: {memory: 1000001, cpu: 1m, validate: none, kind: StatefulSet, startup: 3s}
`;
    const plan = parsePlanText(text, "shapes.yaml");
    expect(plan.services.get("gw")!.dependsOn).toEqual(["queue", "db", "api", "odd"]);
    const written = planToYaml(plan);
    expect(written).toContain('dependsOn: [queue, "*"]');
    expect(comparablePlan(parsePlanText(written, "again.yaml"))).toEqual(comparablePlan(plan));
  });

  it("puts an optional comment on top", () => {
    const text = planToYaml(load("plan.fixed.yaml"), { comment: "optimized by opdeploy\nsecond line" });
    expect(text.startsWith("# optimized by opdeploy\n# second line\n")).toBe(true);
  });
});

describe("quantity text", () => {
  it("uses the largest exact binary unit for memory, bytes otherwise", () => {
    expect(memoryQuantityText(8 * 1024 ** 3)).toBe("8Gi");
    expect(memoryQuantityText(1536 * 1024 ** 2)).toBe("1536Mi");
    expect(memoryQuantityText(1000001)).toBe(1000001);
    expect(memoryQuantityText(0)).toBe(0);
  });
  it("writes whole cores as cores and the rest in millicores", () => {
    expect(cpuQuantityText(16000)).toBe("16");
    expect(cpuQuantityText(1450)).toBe("1450m");
    expect(cpuQuantityText(0)).toBe(0);
  });
});
