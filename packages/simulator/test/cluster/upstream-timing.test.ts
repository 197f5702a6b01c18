/**
 * Controller and kubelet timing as upstream (issue 9): each expectation is worked out from the
 * upstream source cited in its test, not read off the simulator.
 */
import { describe, expect, it } from "vitest";
import { SimulatedCluster } from "../../src/index.js";
import type { Fault, SimulatedNodeSpec } from "../../src/index.js";
import { conformanceSpec } from "../conformance/cluster-conformance.js";

const Mi = 1024 * 1024;
const Gi = 1024 * Mi;

const nodes = (count: number, memory: number, cpu = 4000): SimulatedNodeSpec[] =>
  Array.from({ length: count }, (_, i) => ({ name: `node-${i + 1}`, memory, cpu, pods: 110, reservedMemory: 0, reservedCpu: 0 }));

function cluster(options: { nodes: SimulatedNodeSpec[]; faults?: Fault[]; overhead?: "none" | "kind" }): SimulatedCluster {
  return new SimulatedCluster({ seed: 1, faults: options.faults ?? [], nodes: options.nodes, overhead: options.overhead ?? "none" });
}

const current = (c: SimulatedCluster, name: string, timeout = 900) =>
  c.waitForSync((v) => (v.workload(name)?.status === "Current" ? v.now() : undefined), timeout);

describe("Deployment rolling update (pkg/controller/deployment/rolling.go)", () => {
  it("4 replicas at 25%/25%: +1 new, −1 old, +1 new in the syncs at t = 0 — 2 new pods before any is Ready", async () => {
    const c = cluster({ nodes: nodes(1, 8 * Gi) });
    c.preload([conformanceSpec("web", { replicas: 4 })]);
    const t0 = c.now();
    c.applySync(conformanceSpec("web", { replicas: 4, image: "registry.k8s.io/pause:3.10" }));
    c.waitForSync(() => undefined, 0);
    const status = (await c.workloadStatus("web"))!;
    const fresh = status.pods.filter((p) => p.revision === status.revision);
    const oldLeft = status.pods.filter((p) => p.revision !== status.revision && !p.terminating);
    // ResolveFenceposts: surge ⌈1⌉ = 1, unavailable ⌊1⌋ = 1. Sync 1 (reconcileNewReplicaSet): new 0 → 1
    // (total 5 = 4 + surge). Sync 2 (reconcileOldReplicaSets): maxScaledDown = 5 − 3 − 1 = 1, old 4 → 3.
    // Sync 3: the terminating pod no longer counts (spec.replicas), total 4 → new 1 → 2.
    expect(c.now()).toBe(t0);
    expect(fresh).toHaveLength(2);
    expect(oldLeft).toHaveLength(3);
    expect(status.pods.filter((p) => p.terminating)).toHaveLength(1);
  });

  it("a full node: the new pod is created in the sync right after the old one is scaled down, not when it is gone", async () => {
    // One 1Gi node, 2 replicas of 400Mi, maxSurge 0 / maxUnavailable 1: the old pod terminates
    // (30 s grace) and its replacement is created at once; it stays Pending until the memory is free.
    const c = cluster({ nodes: nodes(1, 1 * Gi) });
    const spec = { replicas: 2, requests: { memory: 400 * Mi, cpu: 10 }, limits: { memory: 400 * Mi, cpu: 20 }, maxSurge: 0, maxUnavailable: 1 };
    c.preload([conformanceSpec("api", spec)]);
    c.applySync(conformanceSpec("api", { ...spec, image: "registry.k8s.io/pause:3.10" }));
    c.waitForSync(() => undefined, 0);
    const status = (await c.workloadStatus("api"))!;
    expect(status.pods.filter((p) => p.revision === status.revision)).toHaveLength(1);
    expect(status.pods.filter((p) => p.terminating)).toHaveLength(1);
    expect(current(c, "api").done).toBe(true);
  });
});

describe("kubelet restartCount (pkg/kubelet/kuberuntime computePodActions)", () => {
  it("rises when the container is recreated, not when it exits: it stays put during the back-off", async () => {
    const c = cluster({ nodes: nodes(1, 8 * Gi), faults: [{ kind: "crash", service: "app" }] });
    c.applySync(conformanceSpec("app", { expected: { startupSeconds: 20, usage: { memory: 16 * Mi, cpu: 10 } } }));
    // First exit → immediate restart (restarts 1); second exit → 10 s back-off.
    const backOff = c.waitForSync((v) => (v.events(0).some((e) => e.reason === "BackOff" && e.message.startsWith("Back-off 10s")) ? v.now() : undefined), 600);
    expect(backOff.done).toBe(true);
    expect((await c.workloadStatus("app"))!.pods[0]!.restarts).toBe(1);
    c.waitForSync(() => undefined, 10);
    expect((await c.workloadStatus("app"))!.pods[0]!.restarts).toBe(2);
  });
});

describe("kind with workers (kind kubeadminit action, kind#2805)", () => {
  it("keeps app pods off the tainted control plane", async () => {
    const c = cluster({ nodes: nodes(3, 8 * Gi), overhead: "kind" });
    c.applySync(conformanceSpec("web", { replicas: 4 }));
    expect(current(c, "web").done).toBe(true);
    const placed = (await c.workloadStatus("web"))!.pods.map((p) => p.node);
    expect(placed).not.toContain("node-1");
    expect(new Set(placed)).toEqual(new Set(["node-2", "node-3"]));
  });

  it("a single kind node takes app pods (the taint is removed when there are no workers)", async () => {
    const c = cluster({ nodes: nodes(1, 8 * Gi), overhead: "kind" });
    c.applySync(conformanceSpec("web", { replicas: 2 }));
    expect(current(c, "web").done).toBe(true);
  });

  it("nodes share the host's memory: pods that fit each node's report still OOM once together above the host", async () => {
    // Two workers of a 4Gi host, each reporting 4Gi: 2 × 2.5Gi fits the scheduler (one per worker),
    // but 5Gi of use (plus kube-system) is more than the host has, so the kernel kills a container.
    const c = cluster({ nodes: nodes(3, 4 * Gi), overhead: "kind" });
    const heavy = { memory: 2560 * Mi, cpu: 10 };
    c.applySync(conformanceSpec("cache", { replicas: 2, requests: heavy, limits: {}, expected: { startupSeconds: 5, usage: heavy } }));
    c.waitForSync(() => undefined, 120);
    const oom = (await c.events(0)).filter((e) => e.reason === "OOMKilled" && e.workload === "cache");
    expect(oom.length).toBeGreaterThan(0);
    expect((await c.nodes()).every((n) => !n.memoryPressure)).toBe(true);
  });
});

describe("memory-pressure taint (TaintNodesByCondition)", () => {
  it("holds for evictionPressureTransitionPeriod (5 min) after the eviction that cleared the signal", async () => {
    const c = cluster({ nodes: nodes(1, 1 * Gi) });
    c.applySync(conformanceSpec("hog", { requests: { memory: 100 * Mi, cpu: 10 }, limits: {}, expected: { startupSeconds: 5, usage: { memory: 1100 * Mi, cpu: 10 } } }));
    const evicted = c.waitForSync((v) => v.events(0).find((e) => e.reason === "Evicted")?.t, 120);
    expect(evicted.done).toBe(true);
    const evictedAt = evicted.done ? evicted.value : 0;
    c.applySync(conformanceSpec("small", { requests: { memory: 10 * Mi, cpu: 10 } }));
    // pkg/kubelet/eviction/eviction_manager.go: the condition stays for the transition period
    // after the last observation of the signal (the eviction cycle), so the taint does too.
    c.waitForSync(() => undefined, evictedAt + 290 - c.now());
    expect(c.view.workload("small")!.unschedulablePods).toBe(1);
    const bound = c.waitForSync((v) => v.events(0).find((e) => e.reason === "Scheduled" && e.workload === "small")?.t, 60);
    expect(bound.done).toBe(true);
    if (bound.done) expect(bound.value).toBeGreaterThanOrEqual(evictedAt + 300);
  });

  it("keeps a Burstable pod off too: its toleration would come from an admission plugin that is off by default", async () => {
    const c = cluster({ nodes: nodes(1, 1 * Gi) });
    c.applySync(conformanceSpec("hog", { requests: { memory: 100 * Mi, cpu: 10 }, limits: {}, expected: { startupSeconds: 5, usage: { memory: 1100 * Mi, cpu: 10 } } }));
    c.waitForSync((v) => (v.nodes()[0]!.memoryPressure ? true : undefined), 60);
    c.applySync(conformanceSpec("burstable", { requests: { memory: 10 * Mi, cpu: 10 } }));
    const stuck = c.waitForSync((v) => (v.workload("burstable")!.unschedulablePods > 0 ? true : undefined), 1);
    expect(stuck.done).toBe(true);
  });
});
