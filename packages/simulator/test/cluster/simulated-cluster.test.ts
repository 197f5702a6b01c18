import { describe, expect, it } from "vitest";
import { SimulatedCluster } from "../../src/index.js";
import type { Fault, WorkloadSpec } from "../../src/index.js";
import { conformanceSpec } from "../conformance/cluster-conformance.js";

const Mi = 1024 * 1024;
const Gi = 1024 * Mi;

function cluster(nodes = 1, faults: Fault[] = [], memory = 8 * Gi, cpu = 4000): SimulatedCluster {
  return new SimulatedCluster({
    seed: 1,
    faults,
    nodes: Array.from({ length: nodes }, (_, i) => ({ name: `node-${i + 1}`, memory, cpu, pods: 110, reservedMemory: 0, reservedCpu: 0 })),
  });
}

const spec = (name: string, o: Partial<WorkloadSpec> = {}) => conformanceSpec(name, o);
const until = (c: SimulatedCluster, name: string, status = "Current", timeout = 900) =>
  c.waitForSync((v) => (v.workload(name)?.status === status ? v.now() : undefined), timeout);

describe("SimulatedCluster", () => {
  it("spreads replicas over nodes (LeastAllocated)", async () => {
    const c = cluster(3);
    c.applySync(spec("api", { replicas: 3, requests: { memory: 1 * Gi, cpu: 500 }, limits: { memory: 2 * Gi, cpu: 1000 } }));
    expect(until(c, "api").done).toBe(true);
    expect((await c.nodes()).map((n) => n.pods)).toEqual([1, 1, 1]);
  });

  it("becomes Ready at the first readiness probe after start-up (period 10 s, ±20 % jitter)", async () => {
    const c = cluster();
    c.applySync(spec("app", { expected: { startupSeconds: 25, usage: { memory: 16 * Mi, cpu: 10 } } }));
    until(c, "app");
    const events = await c.events(0);
    const started = events.find((e) => e.reason === "Started")!.t;
    const ready = events.find((e) => e.reason === "Ready")!.t;
    expect((ready - started) % 10).toBe(0);
    expect(ready - started).toBeGreaterThanOrEqual(20);
    expect(ready - started).toBeLessThanOrEqual(30);
  });

  it("StatefulSet OrderedReady: each ordinal is created after the previous one is Ready", async () => {
    const c = cluster();
    c.applySync(spec("db", { kind: "StatefulSet", replicas: 3, persistent: true }));
    until(c, "db");
    const scheduled = (await c.events(0)).filter((e) => e.reason === "Scheduled").map((e) => [e.object, e.t] as const);
    const ready = (await c.events(0)).filter((e) => e.reason === "Ready").map((e) => [e.object, e.t] as const);
    expect(scheduled.map(([o]) => o)).toEqual(["Pod/db-0", "Pod/db-1", "Pod/db-2"]);
    expect(scheduled[1]![1]).toBeGreaterThanOrEqual(ready[0]![1]);
    expect(scheduled[2]![1]).toBeGreaterThanOrEqual(ready[1]![1]);
    expect((await c.volumes()).map((v) => v.name)).toEqual(["data-db-0", "data-db-1", "data-db-2"]);
  });

  it("Recreate terminates the old pods first and starts the new ones after their 30 s grace period", async () => {
    const c = cluster();
    const s = spec("worker", { strategy: "Recreate", replicas: 2 });
    c.applySync(s);
    until(c, "worker");
    const t0 = c.now();
    c.applySync({ ...s, image: "worker:2" });
    until(c, "worker");
    const events = await c.events(t0);
    const killing = events.filter((e) => e.reason === "Killing");
    const scheduled = events.filter((e) => e.reason === "Scheduled");
    expect(killing).toHaveLength(2);
    expect(scheduled[0]!.t - killing[0]!.t).toBeGreaterThanOrEqual(30);
  });

  it("RollingUpdate with 1 replica surges one new pod while the old one keeps serving", async () => {
    const c = cluster();
    const s = spec("api", { replicas: 1 });
    c.applySync(s);
    until(c, "api");
    c.applySync({ ...s, image: "api:2" });
    const during = c.waitForSync((v) => (v.workloadStatus("api")!.pods.length === 2 ? v.workloadStatus("api") : undefined), 60);
    expect(during.done && during.value.pods.filter((p) => p.ready)).toHaveLength(1);
    expect(until(c, "api").done).toBe(true);
  });

  it("OOM-kills a container whose usage exceeds its limit, restarts it with back-off, and never Current", async () => {
    const c = cluster();
    c.applySync(spec("leaky", { expected: { startupSeconds: 5, usage: { memory: 64 * Mi, cpu: 10 } } }));
    const waited = until(c, "leaky", "Current", 120);
    expect(waited.done).toBe(false);
    const reasons = (await c.events(0)).map((e) => e.reason);
    expect(reasons.filter((r) => r === "OOMKilled").length).toBeGreaterThanOrEqual(3);
    expect(reasons).toContain("BackOff");
    const status = (await c.workloadStatus("leaky"))!;
    expect(status.maxRestarts).toBeGreaterThanOrEqual(3);
  });

  it("CPU over the limit throttles (latency rises), never kills", async () => {
    const c = cluster();
    c.applySync(spec("busy", { limits: { memory: 32 * Mi, cpu: 100 }, requests: { memory: 16 * Mi, cpu: 50 }, expected: { startupSeconds: 5, usage: { memory: 16 * Mi, cpu: 300 } } }));
    c.applySync(spec("calm"));
    until(c, "busy");
    until(c, "calm");
    const m = await c.observe();
    const busy = m.services.find((s) => s.name === "busy")!;
    const calm = m.services.find((s) => s.name === "calm")!;
    expect(busy.latencyMs).toBeGreaterThan(calm.latencyMs * 2.5);
    expect((await c.events(0)).some((e) => e.reason === "OOMKilled")).toBe(false);
  });

  it("evicts under memory pressure, the pod furthest over its request first, one per 10 s cycle", async () => {
    const c = cluster(1, [], 1 * Gi);
    // No memory limits: usage may exceed requests until the node runs out.
    c.applySync(spec("hog", { requests: { memory: 100 * Mi, cpu: 10 }, limits: {}, expected: { startupSeconds: 5, usage: { memory: 600 * Mi, cpu: 10 } } }));
    c.applySync(spec("modest", { requests: { memory: 400 * Mi, cpu: 10 }, limits: {}, expected: { startupSeconds: 5, usage: { memory: 450 * Mi, cpu: 10 } } }));
    c.waitForSync(() => undefined, 40);
    const evicted = (await c.events(0)).filter((e) => e.reason === "Evicted");
    expect(evicted.length).toBeGreaterThan(0);
    expect(evicted[0]!.workload).toBe("hog");
    expect(evicted[0]!.t % 10).toBe(0);
  });

  it("does not admit BestEffort pods on a node under MemoryPressure", async () => {
    const c = cluster(1, [], 1 * Gi);
    c.applySync(spec("hog", { requests: { memory: 100 * Mi, cpu: 10 }, limits: {}, expected: { startupSeconds: 5, usage: { memory: 1100 * Mi, cpu: 10 } } }));
    c.waitForSync((v) => (v.nodes()[0]!.memoryPressure ? true : undefined), 60);
    c.applySync(spec("besteffort", { requests: { memory: 0, cpu: 0 }, limits: {} }));
    c.waitForSync((v) => (v.workload("besteffort")!.unschedulablePods > 0 ? true : undefined), 1);
    const failed = (await c.events(0)).find((e) => e.reason === "FailedScheduling" && e.workload === "besteffort");
    expect(failed?.message).toBe("0/1 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/memory-pressure: }. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling..");
  });

  it("marks a Deployment Failed (ProgressDeadlineExceeded) after 600 s without progress", async () => {
    const c = cluster(1, [{ kind: "unready", service: "stuck" }]);
    c.applySync(spec("stuck"));
    const waited = until(c, "stuck", "Failed", 1000);
    expect(waited.done).toBe(true);
    if (waited.done) expect(waited.value).toBeGreaterThanOrEqual(600);
    const reasons = (await c.events(0)).map((e) => e.reason);
    expect(reasons).toContain("Unhealthy");
    expect(reasons).toContain("ProgressDeadlineExceeded");
  });

  it("applies timed faults: crash@t and node-restart@t", async () => {
    const c = cluster(1, [
      { kind: "crash", service: "app", at: 100 },
      { kind: "node-restart", node: "node-1", at: 200, downSeconds: 30 },
    ]);
    c.applySync(spec("app"));
    c.waitForSync(() => undefined, 400);
    const events = await c.events(0);
    expect(events.find((e) => e.reason === "BackOff")?.t).toBe(100);
    expect(events.find((e) => e.reason === "NodeNotReady")?.t).toBe(200);
    expect(events.find((e) => e.reason === "NodeReady")?.t).toBe(230);
    expect((await c.workloadStatus("app"))!.status).toBe("Current");
    expect((await c.workloadStatus("app"))!.maxRestarts).toBe(2);
  });

  it("slow-start delays Ready", async () => {
    const c = cluster(1, [{ kind: "slow-start", service: "gw", seconds: 120 }]);
    c.applySync(spec("gw"));
    const waited = until(c, "gw");
    expect(waited.done && waited.value).toBeGreaterThanOrEqual(96);
  });

  it("retries a Pending pod when resources are freed", async () => {
    const c = cluster(1, [], 1 * Gi);
    c.applySync(spec("first", { requests: { memory: 700 * Mi, cpu: 10 }, limits: { memory: 700 * Mi, cpu: 10 } }));
    until(c, "first");
    c.applySync(spec("second", { requests: { memory: 700 * Mi, cpu: 10 }, limits: { memory: 700 * Mi, cpu: 10 } }));
    c.waitForSync(() => undefined, 20);
    expect((await c.workloadStatus("second"))!.unschedulablePods).toBe(1);
    c.removeSync("first", { keepVolumes: true });
    expect(until(c, "second").done).toBe(true);
  });
});
