/**
 * The second deploy, rehearsed through the engine a real deploy uses: re-deploy, upgrade, a start
 * slower than the startup probe allows, faults on the new revision only, `--phase`, and the gate
 * rule for upgrades (docs/gates.md). Example plans are the repository's own.
 */
import { fileURLToPath } from "node:url";
import { loadPlanFile } from "@openpolicy/core";
import type { Plan } from "@openpolicy/core";
import { describe, expect, it } from "vitest";
import {
  PhasePrerequisiteError,
  SimulatedCluster,
  measureGate,
  planWorkloads,
  runRollout,
  simulate,
  simulatedNodes,
  startupProbeOutcome,
  templateHash,
} from "../../src/index.js";
import type { NodeStatus } from "../../src/index.js";

const example = (file: string) => fileURLToPath(new URL(`../../../../examples/openpolicy/${file}`, import.meta.url));
const loadExample = (file: string) => loadPlanFile(example(file));

function withService(plan: Plan, name: string, change: (s: ReturnType<Plan["services"]["get"]> & object) => void): Plan {
  const services = new Map(plan.services);
  const copy = structuredClone(plan.services.get(name)!);
  change(copy);
  services.set(name, copy);
  return { ...plan, services };
}

describe("re-deploying an unchanged plan", () => {
  it("restarts no pod and passes every gate (plan.fixed.yaml --from plan.fixed.yaml)", async () => {
    const plan = await loadExample("plan.fixed.yaml");
    const result = await simulate(plan, { seed: 1, from: plan });
    expect(result.failure).toBeUndefined();
    expect(result.verdict).toBe("succeeded");
    for (const phase of result.phases) expect(phase.gate?.passed).toBe(true);
    // Nothing was scheduled, started or killed: every apply was a no-op.
    const podEvents = result.events.filter((e) => ["Scheduled", "Started", "Killing", "BackOff"].includes(e.type));
    expect(podEvents).toEqual([]);
    // Phase 1's gate measures phase 1 and what is not the plan's (kind's system pods), not the
    // whole platform: 3Gi + ~290Mi of 8Gi, as on a fresh install.
    const infra = result.phases[0]!.gate!.checks.find((c) => c.metric === "memory" && c.by === "requests")!;
    expect(infra.actual).toBe(41);
  });

  it("gives each gate the same reading as on a fresh install", async () => {
    const plan = await loadExample("plan.fixed.yaml");
    const fresh = await simulate(plan, { seed: 1 });
    const again = await simulate(plan, { seed: 1, from: plan });
    const requests = (r: typeof fresh) => r.phases.map((p) => p.gate!.checks.find((c) => c.metric === "memory" && c.by === "requests")!.actual);
    expect(requests(again)).toEqual(requests(fresh));
  });
});

describe("upgrades", () => {
  it("still catches the user's surge deadlock (plan.previous.yaml → plan.fixed.yaml)", async () => {
    const plan = await loadExample("plan.fixed.yaml");
    const previous = await loadExample("plan.previous.yaml");
    const result = await simulate(plan, { seed: 1, from: previous });
    expect(result.verdict).toBe("rolled-back");
    expect(result.failure?.message).toMatch(/Insufficient memory/);
  });

  it("rolls exactly the services whose rendered pod template changed (startup and validate included)", async () => {
    const plan = await loadExample("plan.fixed.yaml");
    const slower = withService(plan, "etl", (s) => (s.startupSeconds = 60));
    const rechecked = withService(slower, "auth-service", (s) => (s.validate = { kind: "tcp", port: 9002 }));
    const workloads = planWorkloads();
    expect(templateHash(workloads(plan, plan.services.get("etl")!))).not.toBe(templateHash(workloads(slower, slower.services.get("etl")!)));
    const result = await simulate(rechecked, { seed: 1, from: plan });
    expect(result.verdict).toBe("succeeded");
    const scheduled = new Set(result.events.filter((e) => e.type === "Scheduled").map((e) => e.service));
    expect([...scheduled].sort()).toEqual(["auth-service", "etl"]);
  });

  it("leaves the old revision running when the new one crashes, so the rehearsed rollback succeeds", async () => {
    const plan = await loadExample("plan.fixed.yaml");
    const next = withService(plan, "web", (s) => (s.image = "web:2.0.0"));
    const result = await simulate(next, { seed: 1, from: plan, faults: [{ kind: "crash", service: "web" }] });
    expect(result.failure).toMatchObject({ reason: "CrashLoopBackOff", service: "web" });
    expect(result.verdict).toBe("rolled-back");
    expect(result.rollback!.completed).toBe(true);
    expect(result.rollback!.services.find((s) => s.service === "web")).toMatchObject({ action: "restored", ok: true });
    // Only pods of the new revision crashed: every BackOff names a pod created by the rollout.
    const crashed = result.events.filter((e) => e.type === "BackOff" && e.service === "web");
    expect(crashed.length).toBeGreaterThan(0);
    const unchanged = result.events.filter((e) => e.type === "BackOff" && e.service !== "web");
    expect(unchanged).toEqual([]);
  });
});

describe("the startup probe as rendered", () => {
  it("kills a container that needs 300 s when the plan says 30 s: a crash loop, as on Kubernetes", async () => {
    const plan = await loadExample("plan.fixed.yaml");
    // core renders startupProbe period 5 s, failureThreshold ceil((2·30+30)/5) = 18: killed at 85 s.
    const spec = planWorkloads()(plan, plan.services.get("database-service")!);
    expect(spec.startupProbe).toMatchObject({ periodSeconds: 5, failureThreshold: 18 });
    expect(startupProbeOutcome(spec.startupProbe, 300)).toEqual({ startedAt: Infinity, killAt: 85 });
    expect(startupProbeOutcome(spec.startupProbe, 30)).toEqual({ startedAt: 30 });
    const result = await simulate(plan, { seed: 1, faults: [{ kind: "slow-start", service: "database-service", seconds: 300 }] });
    expect(result.verdict).toBe("rolled-back");
    expect(result.failure).toMatchObject({ reason: "CrashLoopBackOff", service: "database-service" });
    const killed = result.events.filter((e) => e.service === "database-service" && /failed startup probe/.test(e.message));
    expect(killed.length).toBeGreaterThanOrEqual(2);
  });
});

describe("--phase", () => {
  it("is refused on an empty cluster, naming what is missing", async () => {
    const plan = await loadExample("plan.fixed.yaml");
    const cluster = new SimulatedCluster({ nodes: simulatedNodes(plan), seed: 1, overhead: plan.cluster.overhead });
    const refused = runRollout(cluster, plan, { phase: "business" });
    await expect(refused).rejects.toBeInstanceOf(PhasePrerequisiteError);
    await expect(runRollout(cluster, plan, { phase: "business" })).rejects.toThrow(/phase infrastructure: postgresql \(not on the cluster\)/);
    expect(await cluster.workloadStatus("database-service")).toBeUndefined();
  });

  it("after phase 1, runs phase 2 alone and counts only what is deployed", async () => {
    const plan = await loadExample("plan.fixed.yaml");
    const cluster = new SimulatedCluster({ nodes: simulatedNodes(plan), seed: 1, overhead: plan.cluster.overhead });
    const first = await runRollout(cluster, plan, { phase: "infrastructure" });
    expect(first.verdict).toBe("succeeded");
    expect(first.phases.map((p) => p.status)).toEqual(["succeeded", "skipped", "skipped", "skipped", "skipped"]);
    const second = await runRollout(cluster, plan, { phase: "business" });
    expect(second.failure).toBeUndefined();
    expect(second.verdict).toBe("succeeded");
    expect(second.phases[1]!.gate?.passed).toBe(true);
    expect(await cluster.workloadStatus("monitoring-service")).toBeUndefined();
  });
});

describe("measureGate", () => {
  const node = (memory: number, requested: number, used: number): NodeStatus => ({
    name: "n",
    capacity: { memory, cpu: 1000 },
    allocatable: { memory, cpu: 1000 },
    requested: { memory: requested, cpu: 0 },
    terminatingRequested: { memory: 0, cpu: 0 },
    used: { memory: used, cpu: 0 },
    pods: 1,
    ready: true,
    memoryPressure: false,
  });

  it("takes the later phases' pods out of requests and usage", () => {
    const gate = measureGate({ memory: 40 }, [node(1000, 700, 500)], [{ requested: { memory: 400, cpu: 0 }, used: { memory: 300, cpu: 0 } }], []);
    expect(gate.checks).toEqual([
      { metric: "memory", threshold: 40, actual: 30, by: "requests", passed: true },
      { metric: "memory", threshold: 40, actual: 20, by: "usage", passed: true },
    ]);
  });

  it("reads healthy over the watched services, 100 % when there are none", () => {
    expect(measureGate({ healthy: 100 }, [], [], []).checks[0]).toMatchObject({ actual: 100, passed: true });
    const gate = measureGate({ healthy: 100 }, [], [], [{ name: "a", ready: true }, { name: "b", ready: false }]);
    expect(gate.checks[0]).toMatchObject({ metric: "healthy", actual: 50, passed: false });
  });
});

describe("priority, from the objects", () => {
  it("a service's priority is rendered as a PriorityClass its pods name, and the rehearsal reads it from there", async () => {
    const plan = await loadExample("plan.fixed.yaml");
    const urgent = withService(plan, "postgresql", (s) => (s.priority = 1000));
    const spec = planWorkloads()(urgent, urgent.services.get("postgresql")!);
    const workload = spec.objects!.find((o) => o.kind === "StatefulSet" || o.kind === "Deployment")!;
    const podSpec = (workload.spec as { template: { spec: Record<string, unknown> } }).template.spec;
    expect(podSpec.priorityClassName).toBe("opdeploy-priority-1000");
    expect(spec.shared!.find((o) => o.kind === "PriorityClass")).toMatchObject({ metadata: { name: "opdeploy-priority-1000" }, value: 1000, preemptionPolicy: "Never" });
    expect(spec.priority).toBe(1000);
    // Priority is in the pod template: changing it rolls the pods, on Kubernetes as here.
    expect(spec.revision).not.toBe(planWorkloads()(plan, plan.services.get("postgresql")!).revision);
    // Priority 0 needs no class.
    const plain = planWorkloads()(plan, plan.services.get("redis")!);
    expect(plain.priority).toBe(0);
    expect(plain.shared!.some((o) => o.kind === "PriorityClass")).toBe(false);
  });
});

describe("containers that cannot start, rehearsed", () => {
  it("image-pull and missing-secret fail the step at once with the kubelet's reason; in an upgrade the old pods keep serving", async () => {
    const plan = await loadExample("plan.fixed.yaml");
    const pull = await simulate(plan, { seed: 1, faults: [{ kind: "image-pull", service: "web" }] });
    expect(pull.failure).toMatchObject({ reason: "ContainerStartFailed", service: "web" });
    expect(pull.failure!.message).toMatch(/^web: ErrImagePull: failed to pull image "web:latest"/);
    expect(pull.failure!.detectionSeconds).toBeLessThanOrEqual(5);
    const secret = await simulate(plan, { seed: 1, faults: [{ kind: "missing-secret", service: "auth-service" }] });
    expect(secret.failure).toMatchObject({ reason: "ContainerStartFailed", service: "auth-service" });
    expect(secret.failure!.message).toContain("CreateContainerConfigError");
    // An upgrade whose new web image does not exist: rolled back, the old web never stopped.
    const next = withService(plan, "web", (s) => (s.image = "web:9.9.9"));
    const upgrade = await simulate(next, { seed: 1, from: plan, faults: [{ kind: "image-pull", service: "web" }] });
    expect(upgrade.verdict).toBe("rolled-back");
    expect(upgrade.failure?.message).toContain('"web:9.9.9"');
    // Nothing of web was stopped before the rollback began (maxUnavailable 25% of 1 replica is 0).
    expect(upgrade.events.filter((e) => e.type === "Killing" && e.service === "web" && e.t < upgrade.rollback!.startedAt)).toEqual([]);
    expect(upgrade.rollback!.services.find((s) => s.service === "web")).toMatchObject({ action: "restored", ok: true });
  });
});
