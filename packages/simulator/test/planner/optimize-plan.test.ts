import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { checkPlan, criticalPath, parsePlanText, planTotals, type Plan } from "@openpolicy/core";
import { simulate } from "../../src/simulate.js";
import { CapacityModel, formatOptimizeText, optimizePlan, optimizeToJson, renderOptimizeMarkdown, surgePods } from "../../src/planner/index.js";
import { batchPositions } from "./plan-equivalence.js";

const example = (name: string) => fileURLToPath(new URL(`../../../../examples/openpolicy/${name}`, import.meta.url));
const load = (name: string): Plan => parsePlanText(readFileSync(example(name), "utf8"), example(name));

function expectDependenciesFirst(plan: Plan, ignored: { service: string; dependency: string }[] = []): void {
  const position = batchPositions(plan);
  for (const service of plan.services.values()) {
    expect(position.has(service.name), `${service.name} placed`).toBe(true);
    for (const dependency of service.dependsOn) {
      if (ignored.some((d) => d.service === service.name && d.dependency === dependency)) continue;
      expect(position.get(dependency)!, `${dependency} before ${service.name}`).toBeLessThan(position.get(service.name)!);
    }
  }
}

describe("optimizePlan on examples/openpolicy/plan.fixed.yaml", async () => {
  const plan = load("plan.fixed.yaml");
  const result = await optimizePlan(plan);

  it("produces a plan with no error findings that simulates successfully", async () => {
    expect(checkPlan(result.optimized).filter((f) => f.severity === "error")).toEqual([]);
    const rehearsal = await simulate(result.optimized, { seed: 1 });
    expect(rehearsal.verdict).toBe("succeeded");
    expect(rehearsal.durationSeconds).toBe(result.makespan.seconds);
  });

  it("is no slower than the hand-written plan and no faster than the critical path", async () => {
    const handWritten = await simulate(plan, { seed: 1 });
    expect(result.handWritten.seconds).toBe(handWritten.durationSeconds);
    expect(result.makespan.seconds!).toBeLessThanOrEqual(handWritten.durationSeconds);
    expect(result.lowerBound.seconds).toBe(criticalPath(plan).seconds);
    expect(result.makespan.seconds!).toBeGreaterThanOrEqual(result.lowerBound.seconds);
    expect(result.ratio).toBe(Math.round((result.makespan.seconds! / handWritten.durationSeconds) * 1000) / 1000);
  });

  it("keeps the same services and settings, and orders every dependency first", () => {
    expect(result.optimized.services).toBe(plan.services);
    expect(result.optimized.cluster).toEqual(plan.cluster);
    expect(result.optimized.rollback).toEqual(plan.rollback);
    expect(result.cycles).toEqual([]);
    expect(result.droppedDependencies).toEqual([]);
    expectDependenciesFirst(result.optimized);
    const names = result.optimized.phases.flatMap((p) => p.batches.flatMap((b) => b.services));
    expect([...names].sort()).toEqual([...plan.services.keys()].sort());
  });

  it("carries the gates over as ceilings that the requests meet", () => {
    const totals = planTotals(result.optimized);
    const last = result.optimized.phases[result.optimized.phases.length - 1]!;
    expect(last.gate?.memory).toBe(plan.phases[plan.phases.length - 1]!.gate?.memory);
    result.optimized.phases.forEach((phase, i) => {
      if (phase.gate?.memory === undefined) return;
      expect(totals.phases[i]!.cumulative.memoryBytes * 100).toBeLessThanOrEqual(phase.gate.memory * totals.allocatable.memoryBytes);
    });
    expect(result.violations).toEqual([]);
  });

  it("lists what changed and reports it in text, Markdown and JSON", () => {
    const moved = result.changes.filter((c) => c.kind === "moved").map((c) => c.service);
    expect(moved.length).toBeGreaterThan(0);
    for (const name of moved) expect(plan.services.has(name!)).toBe(true);
    const text = formatOptimizeText(result);
    expect(text).toContain(`optimized     ${result.makespan.seconds} s`);
    expect(text).toContain(`lower bound   ${result.lowerBound.seconds} s`);
    expect(text).toContain("readiness probe period");
    const markdown = renderOptimizeMarkdown(result);
    expect(markdown).toContain("| Phase | Gate | Batch | Services |");
    const json = JSON.parse(JSON.stringify(optimizeToJson(result))) as { makespan: { seconds: number }; optimizedYaml: string };
    expect(json.makespan.seconds).toBe(result.makespan.seconds);
    expect(parsePlanText(json.optimizedYaml, "optimized.yaml").phases.map((p) => p.name)).toEqual(result.optimized.phases.map((p) => p.name));
  });

  it("is deterministic", async () => {
    const again = await optimizePlan(load("plan.fixed.yaml"));
    expect(JSON.stringify(optimizeToJson(again))).toBe(JSON.stringify(optimizeToJson(result)));
  });
});

describe("optimizePlan on examples/openpolicy/plan.yaml (a cycle through api-gateway's \"*\")", async () => {
  const plan = load("plan.yaml");
  const result = await optimizePlan(plan, { maxCandidates: 80 });

  it("breaks the cycle at the \"*\" edges and says so", () => {
    expect(result.cycles).toHaveLength(1);
    expect(result.cycles[0]!.throughStar).toBe(true);
    expect(result.cycles[0]!.members).toEqual(["api-gateway", "web", "admin", "mobile-api"]);
    expect(result.droppedDependencies).toEqual([
      { service: "api-gateway", dependency: "web", fromStar: true },
      { service: "api-gateway", dependency: "admin", fromStar: true },
      { service: "api-gateway", dependency: "mobile-api", fromStar: true },
    ]);
    expect(result.changes.filter((c) => c.kind === "cycle-broken")).toHaveLength(3);
    expect(formatOptimizeText(result)).toContain("The dependencies contain a cycle: api-gateway → web → api-gateway");
    expect(renderOptimizeMarkdown(result)).toContain("### Dependency cycle");
  });

  it("orders every dependency it kept, and says what no order can fix", async () => {
    expectDependenciesFirst(result.optimized, result.droppedDependencies);
    const position = batchPositions(result.optimized);
    expect(position.get("web")!).toBeGreaterThan(position.get("api-gateway")!);
    expect(result.notes.some((n) => n.includes("budget of 50%"))).toBe(true);
    expect((await simulate(result.optimized, { seed: 1 })).verdict).toBe("succeeded");
  });
});

/** Six 512Mi apps on a node with room for them plus two surge pods: an upgrade must roll at most two at once. */
function tightPlan(version: number): Plan {
  const names = ["a", "b", "c", "d", "e", "f"];
  const services = names.map((n) => `  ${n}: {memory: 512Mi, cpu: 100m, validate: none, image: "app:${version}", startup: 20s}`).join("\n");
  return parsePlanText(
    `name: tight
cluster:
  nodes: [{memory: 4Gi, cpu: "4"}]
phases:
  - {name: all, services: [${names.join(", ")}], gate: {memory: 100%}}
services:
${services}
`,
    "tight.yaml",
  );
}

describe("optimizePlan on a capacity-tight upgrade", async () => {
  const from = tightPlan(1);
  const plan = tightPlan(2);
  const result = await optimizePlan(plan, { from, maxCandidates: 40 });

  it("never proposes a batch whose surge pods overflow the node", () => {
    const allocatable = plan.cluster.nodes[0]!.memory;
    const running = [...from.services.values()].reduce((sum, s) => sum + s.requests.memory * s.replicas, 0);
    for (const phase of result.optimized.phases) {
      for (const batch of phase.batches) {
        const surge = batch.services.reduce((sum, name) => sum + plan.services.get(name)!.requests.memory * surgePods(plan.services.get(name)!), 0);
        expect(running + surge, `batch ${batch.name}`).toBeLessThanOrEqual(allocatable);
      }
    }
    expect(new CapacityModel(plan, { from }).check(result.optimized.phases.flatMap((p) => p.batches.map((b) => b.services)))).toBeUndefined();
    expect(result.violations).toEqual([]);
  });

  it("reports that the hand-written single batch cannot roll, and the optimized upgrade succeeds", async () => {
    expect(result.notes.some((n) => n.includes("hand-written order itself breaks"))).toBe(true);
    // All six rolling at once: the third surge pod stays Pending and the rollout rolls back.
    expect(result.handWritten.verdict).not.toBe("succeeded");
    expect(result.handWritten.seconds).toBeUndefined();
    expect(result.ratio).toBeUndefined();
    expect(formatOptimizeText(result)).toContain("hand-written  did not simulate");
    const rehearsal = await simulate(result.optimized, { seed: 1, from });
    expect(rehearsal.verdict).toBe("succeeded");
    expect(result.makespan.seconds).toBe(rehearsal.durationSeconds);
  });
});

describe("optimizePlan options", () => {
  it("keeps the hand-written phase names where the grouping coincides", async () => {
    const plan = parsePlanText(
      `name: one
cluster: {nodes: [{memory: 1Gi, cpu: "1"}]}
phases:
  - {name: only, services: [a, b], gate: {memory: 90%}}
services:
  a: {memory: 64Mi, cpu: 50m, validate: none}
  b: {memory: 64Mi, cpu: 50m, validate: none}
`,
      "one.yaml",
    );
    const result = await optimizePlan(plan);
    expect(result.optimized.phases.map((p) => [p.name, p.batches.map((b) => b.services)])).toEqual([["only", [["a", "b"]]]]);
    expect(result.changes).toEqual([]);
    expect(result.makespan.seconds).toBe(result.handWritten.seconds);
  });

  it("scores candidates by the p95 of several seeds", async () => {
    const result = await optimizePlan(load("plan.fixed.yaml"), { runs: 3, seed: 7, maxCandidates: 30 });
    expect(result.search.seeds).toEqual([7, 8, 9]);
    expect(result.makespan.runs).toHaveLength(3);
    // Nearest-rank p95 of three values is the largest.
    expect(result.makespan.seconds).toBe(Math.max(...result.makespan.runs));
    expect(result.search.candidatesSimulated).toBeLessThanOrEqual(30);
  });

  it("keeps one phase per generation when phases may not merge", async () => {
    const result = await optimizePlan(load("plan.fixed.yaml"), { mergePhases: false, maxCandidates: 30 });
    expect(result.optimized.phases.length).toBeGreaterThan(1);
    expect(result.optimized.phases.every((p) => p.gate !== undefined)).toBe(true);
    expectDependenciesFirst(result.optimized);
  });

  it("rejects nonsense options with a planner: error", async () => {
    await expect(optimizePlan(load("plan.fixed.yaml"), { runs: 0 })).rejects.toThrow(/^planner: runs/);
    await expect(optimizePlan(load("plan.fixed.yaml"), { maxCandidates: 1.5 })).rejects.toThrow(/^planner: maxCandidates/);
  });
});
