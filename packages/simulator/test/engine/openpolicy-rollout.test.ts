import { describe, expect, it } from "vitest";
import { SimulatedCluster, simulate, simulatedNodes, workloadFromService } from "../../src/index.js";
import type { SimulationResult } from "../../src/index.js";
import { Gi, Mi, makeService, openPolicyPlan, openPolicyServices, OPENPOLICY_PHASES, makePlan, OPENPOLICY_ROLLBACK } from "../helpers/plan-builder.js";

const types = (r: SimulationResult) => r.events.map((e) => e.type);

describe("rollout of the OpenPolicy plan (26 services, one 8Gi / 16-core node)", () => {
  it("succeeds, runs every phase in order and passes every gate", async () => {
    const plan = openPolicyPlan();
    const result = await simulate(plan, { seed: 42 });
    expect(result.verdict).toBe("succeeded");
    expect(result.failure).toBeUndefined();
    expect(result.phases.map((p) => [p.name, p.status])).toEqual(OPENPOLICY_PHASES.map((p) => [p.name, "succeeded"]));
    for (const phase of result.phases) {
      expect(phase.gate?.passed).toBe(true);
      expect(phase.steps.every((s) => s.status === "succeeded" && s.readyAt !== undefined)).toBe(true);
      expect(phase.startedAt).toBeLessThanOrEqual(phase.endedAt!);
    }
    // Phases do not overlap.
    for (let i = 1; i < result.phases.length; i++) expect(result.phases[i]!.startedAt).toBeGreaterThanOrEqual(result.phases[i - 1]!.endedAt!);
    // Requests: 5,888Mi of 8Gi = 71.9% after the last phase (the seed's own figures).
    const last = result.phases[4]!.gate!.checks.find((c) => c.metric === "memory" && c.by === "requests");
    expect(last?.actual).toBe(Math.round((5888 / 8192) * 1000) / 10);
    expect(types(result).filter((t) => t === "PhaseStarted")).toHaveLength(5);
    expect(types(result).filter((t) => t === "GatePassed")).toHaveLength(5);
    expect(types(result).filter((t) => t === "ValidationPassed")).toHaveLength(26);
    expect(types(result).filter((t) => t === "Ready")).toHaveLength(26);
    expect(result.nodes).toHaveLength(1);
    expect(result.nodes[0]!.requestedMemory).toBe(5888 * Mi);
    expect(result.memory.length).toBeGreaterThan(5);
    expect(result.memory.every((s, i) => i === 0 || s.t > result.memory[i - 1]!.t)).toBe(true);
  });

  it("runs a sequential phase one service after another, and a batch's services together", async () => {
    const result = await simulate(openPolicyPlan(), { seed: 3 });
    const infra = result.phases[0]!.steps;
    for (let i = 1; i < infra.length; i++) expect(infra[i]!.startedAt).toBeGreaterThanOrEqual(infra[i - 1]!.readyAt!);
    const batch = result.phases[1]!.steps.filter((s) => s.batch === "core-business.1");
    expect(new Set(batch.map((s) => s.startedAt)).size).toBe(1);
  });

  it("is deterministic: the same seed gives byte-identical JSON", async () => {
    const a = JSON.stringify(await simulate(openPolicyPlan(), { seed: 9 }));
    const b = JSON.stringify(await simulate(openPolicyPlan(), { seed: 9 }));
    expect(a).toBe(b);
    const faulty = { seed: 5, faults: [{ kind: "oom" as const, service: "web" }] };
    expect(JSON.stringify(await simulate(openPolicyPlan(), faulty))).toBe(JSON.stringify(await simulate(openPolicyPlan(), faulty)));
  });

  it("kind overhead puts the kube-system pods (950m / 290Mi) on the node, and phase 1's 40% gate fails by requests", async () => {
    const result = await simulate(openPolicyPlan({ overhead: "kind" }), { seed: 1 });
    const gate = result.phases[0]!.gate!;
    const byRequests = gate.checks.find((c) => c.metric === "memory" && c.by === "requests")!;
    // (3Gi + 290Mi) / 8Gi = 41.0 %
    expect(byRequests.actual).toBe(Math.round(((3072 + 290) / 8192) * 1000) / 10);
    expect(gate.passed).toBe(false);
    expect(result.verdict).toBe("rolled-back");
    expect(result.failure?.reason).toBe("GateFailed");
    expect(types(result)).toContain("GateFailed");
  });
});

describe("failures", () => {
  it("a service whose usage exceeds its memory limit is OOMKilled, backs off, and the phase rolls back", async () => {
    const services = [...openPolicyServices(), makeService("report-service", { memory: 128 * Mi, cpu: 50, limitMemory: 256 * Mi, usageMemory: 400 * Mi, dependsOn: ["postgresql"] })];
    const phases = OPENPOLICY_PHASES.map((p) => (p.name === "utility" ? { ...p, batches: [[...p.batches[0]!, "report-service"]] } : p));
    const plan = makePlan({ name: "openpolicy+report", services, phases, rollback: OPENPOLICY_ROLLBACK });
    const result = await simulate(plan, { seed: 11 });
    expect(types(result)).toContain("OOMKilled");
    expect(types(result)).toContain("BackOff");
    expect(result.events.find((e) => e.type === "OOMKilled")?.service).toBe("report-service");
    expect(result.verdict).toBe("rolled-back");
    expect(result.failure).toMatchObject({ reason: "CrashLoopBackOff", service: "report-service", phase: "utility" });
    const utility = result.phases.find((p) => p.name === "utility")!;
    expect(utility.status).toBe("rolled-back");
    expect(result.phases.slice(0, 4).every((p) => p.status === "succeeded")).toBe(true);
    expect(types(result)).toContain("RollbackTriggered");
    // Scope "phase": only the utility services are removed, in reverse order.
    expect(result.rollback?.services.map((s) => s.service).sort()).toEqual(["admin", "cache-service", "mobile-api", "report-service", "web"]);
    expect(result.rollback?.completed).toBe(true);
    // Back-off delays: immediate first restart, then 10 s, 20 s ...
    const backoffs = result.events.filter((e) => e.type === "BackOff" && e.message.startsWith("Back-off"));
    expect(backoffs[0]?.message).toContain("Back-off 10s");
    expect(backoffs[1]?.message).toContain("Back-off 20s");
  });

  it("a phase whose requests overflow the node fails on FailedScheduling within one probe period", async () => {
    const services = [...openPolicyServices(), makeService("ml-service", { memory: 3 * Gi, cpu: 1000, dependsOn: ["postgresql"] })];
    const phases = [...OPENPOLICY_PHASES, { name: "ml", batches: [["ml-service"]] }];
    const plan = makePlan({ name: "openpolicy+ml", services, phases, rollback: OPENPOLICY_ROLLBACK });
    const result = await simulate(plan, { seed: 2 });
    const failed = result.events.find((e) => e.type === "FailedScheduling");
    expect(failed?.service).toBe("ml-service");
    expect(failed?.message).toBe("0/1 nodes are available: 1 Insufficient memory. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod..");
    expect(result.failure?.reason).toBe("Unschedulable");
    expect(result.failure?.phase).toBe("ml");
    expect(result.failure!.detectionSeconds).toBeLessThanOrEqual(10);
    expect(result.verdict).toBe("rolled-back");
    const ml = result.phases.find((p) => p.name === "ml")!;
    expect(ml.endedAt! - ml.startedAt!).toBeLessThanOrEqual(10);
  });

  it("an upgrade with no headroom reproduces the surge Pending: the new 1Gi pod waits while the old 512Mi pod holds its memory", async () => {
    // Old revision: postgresql and scraper-service at 512Mi, as Deployments (the user's manifests).
    const asDeployment = { kind: "Deployment" as const, persistent: false };
    // One plan, two versions: the plan's name is in every object's labels and owner label.
    const fromPlan = makePlan({
      name: "openpolicy",
      services: openPolicyServices({ postgresql: { memory: 512 * Mi, ...asDeployment }, "scraper-service": { memory: 512 * Mi } }),
      phases: OPENPOLICY_PHASES,
      nodes: [{ memory: 5800 * Mi, cpu: 16000 }],
    });
    const plan = makePlan({
      name: "openpolicy",
      services: openPolicyServices({ postgresql: { memory: 1 * Gi, ...asDeployment } }),
      phases: OPENPOLICY_PHASES,
      nodes: [{ memory: 5800 * Mi, cpu: 16000 }],
      rollback: OPENPOLICY_ROLLBACK,
    });
    // The cluster view first: old pod Running and Ready, new pod Pending.
    const cluster = new SimulatedCluster({ seed: 1, nodes: simulatedNodes(plan) });
    cluster.preload([...fromPlan.services.values()].map(workloadFromService));
    const free = (await cluster.nodes())[0]!;
    expect(free.allocatable.memory - free.requested.memory).toBeLessThan(1 * Gi);
    await cluster.apply(workloadFromService(plan.services.get("postgresql")!));
    await cluster.waitFor((v) => (v.workload("postgresql")!.unschedulablePods > 0 ? true : undefined), 60);
    await cluster.waitFor(() => undefined, 120);
    const status = (await cluster.workloadStatus("postgresql"))!;
    const pending = status.pods.filter((p) => p.phase === "Pending");
    const running = status.pods.filter((p) => p.phase === "Running" && p.ready);
    expect(pending).toHaveLength(1);
    expect(pending[0]!.revision).toBe(status.revision);
    expect(pending[0]!.message).toBe("0/1 nodes are available: 1 Insufficient memory. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod..");
    expect(running).toHaveLength(1);
    expect(running[0]!.revision).not.toBe(status.revision);
    expect((await cluster.nodes())[0]!.requested.memory).toBe(free.requested.memory);

    // The engine: fails fast and restores the previous revision.
    const result = await simulate(plan, { seed: 1, from: fromPlan });
    expect(result.failure).toMatchObject({ reason: "Unschedulable", service: "postgresql", phase: "infrastructure" });
    expect(result.failure!.detectionSeconds).toBeLessThanOrEqual(10);
    expect(result.rollback?.services).toEqual([{ service: "postgresql", action: "restored", ok: true }]);
    expect(result.verdict).toBe("rolled-back");
    expect(result.nodes[0]!.requestedMemory).toBe(free.requested.memory);
  });

  it("a validation failure stops the step and rolls back", async () => {
    const result = await simulate(openPolicyPlan(), { seed: 1, faults: [{ kind: "validation-fail", service: "redis" }] });
    expect(result.failure).toMatchObject({ reason: "ValidationFailed", service: "redis" });
    expect(types(result)).toContain("ValidationFailed");
    expect(result.rollback?.services.map((s) => s.service)).toEqual(["redis", "scraper-service", "postgresql"]);
  });

  it("rollback scope all undoes earlier phases too, never deleting volumes", async () => {
    const plan = openPolicyPlan({ rollback: { ...OPENPOLICY_ROLLBACK, scope: "all" } });
    const cluster = new SimulatedCluster({ seed: 4, nodes: simulatedNodes(plan), faults: [{ kind: "validation-fail", service: "web" }] });
    const result = await simulate(plan, { seed: 4, cluster });
    expect(result.rollback?.scope).toBe("all");
    expect(result.rollback?.services).toHaveLength(26);
    expect(result.rollback?.services[result.rollback.services.length - 1]?.service).toBe("postgresql");
    expect(result.phases.slice(0, 4).every((p) => p.status === "rolled-back")).toBe(true);
    const volumes = await cluster.volumes();
    expect(volumes.map((v) => v.name).sort()).toEqual(["data-postgresql-0", "data-rabbitmq-0", "data-redis-0"]);
    expect((await cluster.workloadStatus("postgresql"))).toBeUndefined();
  });

  it("reports steps through onStep and resumes from completed steps without re-applying them", async () => {
    const updates: string[] = [];
    await simulate(openPolicyPlan(), { seed: 1, onStep: (u) => void updates.push(`${u.service}:${u.status}`) });
    expect(updates.slice(0, 3)).toEqual(["postgresql:started", "postgresql:ready", "postgresql:succeeded"]);
    expect(updates.filter((u) => u.endsWith(":succeeded"))).toHaveLength(26);

    const plan = openPolicyPlan();
    const done = ["postgresql", "scraper-service"];
    const cluster = new SimulatedCluster({ seed: 1, nodes: simulatedNodes(plan) });
    cluster.preload(done.map((n) => workloadFromService(plan.services.get(n)!)));
    const result = await simulate(plan, { seed: 1, cluster, resumeFrom: done });
    expect(result.verdict).toBe("succeeded");
    expect(result.phases[0]!.steps.map((s) => s.status)).toEqual(["resumed", "resumed", "succeeded", "succeeded"]);
    expect(result.events.filter((e) => e.type === "Scheduled" && e.service === "postgresql")).toHaveLength(0);
  });

  it("a rollback trigger on node memory fires while usage grows", async () => {
    const result = await simulate(openPolicyPlan(), { seed: 1, faults: [{ kind: "memory-growth", service: "scraper-service", bytesPerSecond: 10 * Mi }] });
    // 1Gi limit = 2Gi; grows 10Mi/s: OOMKilled, the memory trigger or phase 1's memory gate (40 %
    // by usage), whichever sees it first.
    expect(result.verdict).toBe("rolled-back");
    expect(["RollbackTrigger", "CrashLoopBackOff", "GateFailed"]).toContain(result.failure?.reason);
    expect(result.failure?.message).toMatch(/memory|restarted/);
  });
});
