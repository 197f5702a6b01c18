/**
 * DefaultPreemption in the simulated cluster. Expected answers follow upstream:
 * pkg/scheduler/framework/preemption/preemption.go (Preempt, pickOneNodeForPreemption,
 * prepareCandidate), plugins/defaultpreemption/default_preemption.go (SelectVictimsOnNode,
 * PodEligibleToPreemptOthers) and the cases of TestPickOneNodeForPreemption / TestPreempt.
 */
import type { KubernetesObject } from "@openpolicy/core";
import { describe, expect, it } from "vitest";
import { SimulatedCluster } from "../../src/index.js";
import type { ClusterEvent, PodStatus, WorkloadSpec } from "../../src/index.js";
import { pickOneNodeForPreemption, selectVictimsOnNode, simulatedUid } from "../../src/cluster/simulated/preemption.js";
import type { SimNode, SimPod } from "../../src/cluster/simulated/sim-types.js";
import { workloadFromObjects } from "../../src/cluster/workload-from-objects.js";
import { conformanceSpec } from "../conformance/cluster-conformance.js";

const Mi = 1024 * 1024;

function cluster(nodes: number, memoryMi = 1000): SimulatedCluster {
  return new SimulatedCluster({
    seed: 1,
    nodes: Array.from({ length: nodes }, (_, i) => ({ name: `node-${i + 1}`, memory: memoryMi * Mi, cpu: 4000, pods: 110, reservedMemory: 0, reservedCpu: 0 })),
  });
}

/** One replica asking `memoryMi`, with a priority (and policy) as a user's PriorityClass gives it. */
function pod(name: string, memoryMi: number, priority: number, o: Partial<WorkloadSpec> = {}): WorkloadSpec {
  const memory = memoryMi * Mi;
  return conformanceSpec(name, { requests: { memory, cpu: 10 }, limits: { memory, cpu: 20 }, priority, expected: { startupSeconds: 1, usage: { memory, cpu: 10 } }, ...o });
}

const current = (c: SimulatedCluster, name: string, timeout = 300) =>
  c.waitForSync((v) => (v.workload(name)?.status === "Current" ? v.now() : undefined), timeout);

function podsOf(c: SimulatedCluster, workload: string): PodStatus[] {
  const result = c.waitForSync((v) => v.workloadStatus(workload)?.pods, 0);
  if (!result.done) throw new Error(`no workload ${workload}`);
  return result.value;
}
const podOf = (c: SimulatedCluster, workload: string) => podsOf(c, workload).find((p) => !p.terminating)!;

const byReason = (events: ClusterEvent[], reason: string) => events.filter((e) => e.reason === reason);

/** Applies each spec in turn, once the previous one is Current. */
function place(c: SimulatedCluster, ...specs: WorkloadSpec[]): void {
  for (const spec of specs) {
    c.applySync(spec);
    current(c, spec.name);
  }
}

/** Applies a pod that will not fit, lets 120 s pass; its pod and the preemptions since. */
async function applyStuck(c: SimulatedCluster, spec: WorkloadSpec) {
  const t0 = c.now();
  c.applySync(spec);
  c.waitForSync(() => undefined, 120);
  return { pod: podOf(c, spec.name), preempted: byReason(await c.events(t0), "Preempted") };
}

describe("preemption in the simulated cluster", () => {
  /** Two nodes, one pod of priority 0 on one, one of priority 100 on the other (600Mi each of 1000Mi). */
  async function twoNodesFull(): Promise<{ c: SimulatedCluster; lowNode: string; midNode: string }> {
    const c = cluster(2);
    place(c, pod("low", 600, 0), pod("mid", 600, 100));
    return { c, lowNode: (podOf(c, "low")).node!, midNode: (podOf(c, "mid")).node! };
  }

  it("preempts the lowest-priority pod, which gets the upstream event; the preemptor binds after its grace period", async () => {
    const { c, lowNode, midNode } = await twoNodesFull();
    expect(lowNode).not.toBe(midNode);
    const t0 = c.now();
    const victim = (podOf(c, "low")).name;
    c.applySync(pod("urgent", 800, 1000));
    expect(current(c, "urgent").done).toBe(true);
    const events = await c.events(t0);
    // Node choice: both nodes hold one victim; the lower highest-victim priority (0 < 100) wins.
    expect(byReason(events, "Preempted")).toEqual([
      { t: t0, type: "Normal", reason: "Preempted", object: `Pod/${victim}`, message: `Preempted by pod ${simulatedUid("default", (podOf(c, "urgent")).name)} on node ${lowNode}`, workload: "low", node: lowNode },
    ]);
    expect(byReason(events, "Killing").map((e) => e.object)).toEqual([`Pod/${victim}`]);
    // After a successful preemption the PostFilter status is Success: no "preemption:" part.
    // Retries while the victim terminates (its replacement is created at once) record nothing new.
    expect(byReason(events, "FailedScheduling").filter((e) => e.workload === "urgent").map((e) => e.message)).toEqual([
      "0/2 nodes are available: 2 Insufficient memory.",
    ]);
    // The victim holds its memory for the 30 s grace period; the preemptor then binds to its nominated node.
    const scheduled = byReason(events, "Scheduled").find((e) => e.workload === "urgent")!;
    expect(scheduled.t).toBe(t0 + 30);
    expect(scheduled.node).toBe(lowNode);
    expect((podOf(c, "mid")).node).toBe(midNode);
  });

  it("the victim's replacement counts the nominated preemptor in and finds no victims of its own", async () => {
    const { c } = await twoNodesFull();
    const t0 = c.now();
    c.applySync(pod("urgent", 800, 1000));
    current(c, "urgent");
    const replacement = podsOf(c, "low").find((p) => p.phase === "Pending")!;
    expect(replacement.message).toBe("0/2 nodes are available: 2 Insufficient memory. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod..");
    // The ReplicaSet replaced the deleted pod at once (it no longer counts a terminating pod).
    const created = byReason(await c.events(t0), "FailedScheduling").find((e) => e.workload === "low")!;
    expect(created.t).toBe(t0);
  });

  it("preemptionPolicy Never never preempts: the pod stays Pending, and the preemption part says why", async () => {
    const { c } = await twoNodesFull();
    const { pod: polite, preempted } = await applyStuck(c, pod("polite", 800, 1000, { preemptionPolicy: "Never" }));
    expect(polite.phase).toBe("Pending");
    // default_preemption.go PodEligibleToPreemptOthers refuses before looking at any node.
    expect(polite.message).toBe("0/2 nodes are available: 2 Insufficient memory. preemption: not eligible due to preemptionPolicy=Never.");
    expect(preempted).toEqual([]);
  });

  it("lower-priority pods that would not make room are no candidates: the preemption part gives what is left without them", async () => {
    const c = cluster(1);
    place(c, pod("low", 300, 0));
    const { pod: big, preempted } = await applyStuck(c, pod("big", 1200, 1000));
    // SelectVictimsOnNode: without every lower-priority pod the pod still does not fit, so the
    // node's status is the filter's reason again.
    expect(big.message).toBe("0/1 nodes are available: 1 Insufficient memory. preemption: 0/1 nodes are available: 1 Insufficient memory..");
    expect(preempted).toEqual([]);
  });

  it("pods of equal or higher priority are never victims", async () => {
    const c = cluster(1);
    place(c, pod("peer", 600, 1000), pod("boss", 300, 2000));
    const { pod: urgent, preempted } = await applyStuck(c, pod("urgent", 800, 1000));
    expect(urgent.message).toBe("0/1 nodes are available: 1 Insufficient memory. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod..");
    expect(preempted).toEqual([]);
  });

  it("reprieves the more important pods: higher priority first, then the longer running", async () => {
    const c = cluster(1);
    place(c, pod("old", 300, 0), pod("mid", 300, 10));
    c.waitForSync(() => undefined, 60);
    place(c, pod("young", 300, 0));
    const t0 = c.now();
    // 100Mi free, 400Mi wanted: without all three it fits; mid, then old, are added back; young is the victim.
    c.applySync(pod("urgent", 400, 1000));
    expect(current(c, "urgent").done).toBe(true);
    expect(byReason(await c.events(t0), "Preempted").map((e) => e.workload)).toEqual(["young"]);
  });
});

describe("preemptionPolicy from the objects", () => {
  const objects = (podSpec: Record<string, unknown>): KubernetesObject[] => [
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "app" },
      spec: { template: { spec: { containers: [{ name: "app", image: "app:1" }], ...podSpec } } },
    } as KubernetesObject,
  ];
  const priorityClass = (preemptionPolicy?: string): KubernetesObject =>
    ({ apiVersion: "scheduling.k8s.io/v1", kind: "PriorityClass", metadata: { name: "urgent" }, value: 1000, ...(preemptionPolicy ? { preemptionPolicy } : {}) }) as KubernetesObject;
  const read = (podSpec: Record<string, unknown>, shared: KubernetesObject[]) =>
    workloadFromObjects({ name: "app", objects: objects(podSpec), shared, expected: { startupSeconds: 1, usage: { memory: 0, cpu: 0 } }, dependsOn: [] });

  it("the PriorityClass's policy, PreemptLowerPriority by default; the pod spec's own wins", () => {
    expect(read({ priorityClassName: "urgent" }, [priorityClass()]).preemptionPolicy).toBe("PreemptLowerPriority");
    expect(read({ priorityClassName: "urgent" }, [priorityClass("Never")]).preemptionPolicy).toBe("Never");
    expect(read({ priorityClassName: "urgent", preemptionPolicy: "Never" }, [priorityClass()]).preemptionPolicy).toBe("Never");
    expect(read({}, []).preemptionPolicy).toBe("PreemptLowerPriority");
  });
});

/**
 * pickOneNodeForPreemption over the cases of upstream's TestPickOneNodeForPreemption: nodes of 500m /
 * 5 × 200Mi, pods small/medium/large = 1/2/3 × 200Mi, the preemptor very large (5 × 200Mi), so every
 * pod on a candidate is a victim; priorities neg −100, low 0, mid 100, high 1000, veryHigh 10000.
 */
describe("pickOneNodeForPreemption (upstream TestPickOneNodeForPreemption)", () => {
  const unit = 200 * Mi;
  const [neg, low, mid, high, veryHigh] = [-100, 0, 100, 1000, 10000];
  type Spec = [size: number, priority: number, startDay?: number];
  const simPod = (size: number, priority: number, boundAt = 1): SimPod =>
    ({ spec: { priority }, request: { memory: size * unit, cpu: size * 100 }, boundAt }) as unknown as SimPod;
  const simNode = (name: string, pods: Spec[]): SimNode => {
    const set = new Set(pods.map(([size, priority, day]) => simPod(size, priority, day)));
    const requested = { memory: 0, cpu: 0 };
    for (const p of set) {
      requested.memory += p.request.memory;
      requested.cpu += p.request.cpu;
    }
    return { name, pods: set, podCount: set.size, requested, allocatable: { memory: 5 * unit, cpu: 500 }, allocatablePods: 110, taints: [] } as unknown as SimNode;
  };
  const pick = (preemptorPriority: number, nodes: Record<string, Spec[]>): string => {
    const preemptor = simPod(5, preemptorPriority);
    const candidates = Object.entries(nodes).flatMap(([name, pods]) => {
      const node = simNode(name, pods);
      const victims = selectVictimsOnNode(preemptor, node);
      return victims ? [{ node, victims }] : [];
    });
    return pickOneNodeForPreemption(candidates).node.name;
  };

  it("machine with min highest priority pod is picked", () => {
    expect(pick(high, { m1: [[2, mid], [3, mid]], m2: [[2, mid], [2, low]], m3: [[2, low], [2, low]] })).toBe("m3");
  });

  it("when highest priorities are the same, minimum sum of priorities is picked", () => {
    expect(pick(high, { m1: [[2, mid], [3, mid]], m2: [[3, mid], [2, low]], m3: [[2, mid], [2, mid]] })).toBe("m2");
  });

  it("when highest priority and sum are the same, minimum number of pods is picked", () => {
    const nodes: Record<string, Spec[]> = {
      m1: [[1, mid], [1, neg], [1, mid], [1, neg]],
      m2: [[3, mid], [2, neg]],
      m3: [[2, mid], [1, neg], [1, low]],
    };
    expect(pick(high, nodes)).toBe("m2");
  });

  it("sum of adjusted priorities (each + 2^31) is considered", () => {
    expect(pick(high, { m1: [[1, mid], [1, neg], [1, neg]], m2: [[3, mid], [2, neg]], m3: [[2, mid], [1, neg], [1, low]] })).toBe("m2");
  });

  it("non-overlapping lowest high priority, sum priorities, and number of pods", () => {
    const nodes: Record<string, Spec[]> = {
      m1: [[1, mid], [1, low], [1, low]],
      m2: [[3, high]],
      m3: [[2, mid], [1, low], [1, low], [2, low]],
      m4: [[2, mid], [1, mid], [1, mid], [1, neg]],
    };
    expect(pick(veryHigh, nodes)).toBe("m1");
  });

  it("same priority, same number of victims, different start time for each machine's pod", () => {
    expect(pick(high, { m1: [[2, mid, 3], [2, mid, 3]], m2: [[2, mid, 4], [2, mid, 4]], m3: [[2, mid, 2], [2, mid, 2]] })).toBe("m2");
  });

  it("same priority, same number of victims, different start time for all pods", () => {
    expect(pick(high, { m1: [[2, mid, 5], [2, mid, 3]], m2: [[2, mid, 6], [2, mid, 2]], m3: [[2, mid, 4], [2, mid, 7]] })).toBe("m3");
  });

  it("different priority, same number of victims, different start time for all pods", () => {
    expect(pick(high, { m1: [[2, low, 5], [2, mid, 3]], m2: [[2, mid, 7], [2, low, 2]], m3: [[2, low, 4], [2, mid, 6]] })).toBe("m2");
  });

  it("a full tie goes to the first node", () => {
    expect(pick(high, { m1: [[2, mid], [3, mid]], m2: [[2, mid], [3, mid]] })).toBe("m1");
  });

  it("no node without a lower-priority pod, nor one where removing them all is not enough, is a candidate", () => {
    const preemptor = simPod(5, high);
    expect(selectVictimsOnNode(preemptor, simNode("m1", [[3, high]]))).toBeUndefined();
    expect(selectVictimsOnNode(preemptor, simNode("m2", [[1, low], [1, high]]))).toBeUndefined();
  });
});
