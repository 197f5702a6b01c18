/**
 * Cases ported from kubernetes pkg/scheduler/framework/plugins/noderesources/fit_test.go
 * (TestEnoughRequests): node allocatable milliCPU 10, memory 20, pods 32
 * (makeAllocatableResources(10, 20, 32, ...)); the node already runs one pod with the given
 * request. Extended-resource, hugepage and ephemeral-storage cases are not ported (not modelled).
 */
import { describe, expect, it } from "vitest";
import { balancedAllocationScore, failedSchedulingMessage, fitErrorMessage, insufficientResources, leastAllocatedScore, podRequest, podRequests, resourceScore, scheduleOne } from "../../src/index.js";
import { numFeasibleNodesToFind, topologySpreadScores } from "@openpolicy/core";
import type { ResourcePair } from "../../src/index.js";

const r = (cpu: number, memory: number): ResourcePair => ({ cpu, memory });
const node = (existing: ResourcePair) => ({ allocatable: r(10, 20), allocatablePods: 32, requested: existing, podCount: 1 });

const cases: { name: string; containers: ResourcePair[]; init?: ResourcePair[]; existing: ResourcePair; want: string[] }[] = [
  { name: "no resources requested always fits", containers: [], existing: r(10, 20), want: [] },
  { name: "too many resources fails", containers: [r(1, 1)], existing: r(10, 20), want: ["Insufficient cpu", "Insufficient memory"] },
  { name: "too many resources fails due to init container cpu", containers: [r(1, 1)], init: [r(3, 1)], existing: r(8, 19), want: ["Insufficient cpu"] },
  { name: "too many resources fails due to highest init container cpu", containers: [r(1, 1)], init: [r(3, 1), r(2, 1)], existing: r(8, 19), want: ["Insufficient cpu"] },
  { name: "too many resources fails due to init container memory", containers: [r(1, 1)], init: [r(1, 3)], existing: r(9, 19), want: ["Insufficient memory"] },
  { name: "too many resources fails due to highest init container memory", containers: [r(1, 1)], init: [r(1, 3), r(1, 2)], existing: r(9, 19), want: ["Insufficient memory"] },
  { name: "init container fits because it's the max, not sum, of containers and init containers", containers: [r(1, 1)], init: [r(1, 1)], existing: r(9, 19), want: [] },
  { name: "multiple init containers fit because it's the max, not sum, of containers and init containers", containers: [r(1, 1)], init: [r(1, 1), r(1, 1)], existing: r(9, 19), want: [] },
  { name: "both resources fit", containers: [r(1, 1)], existing: r(5, 5), want: [] },
  { name: "one resource memory fits", containers: [r(2, 1)], existing: r(9, 5), want: ["Insufficient cpu"] },
  { name: "one resource cpu fits", containers: [r(1, 2)], existing: r(5, 19), want: ["Insufficient memory"] },
  { name: "equal edge case", containers: [r(5, 1)], existing: r(5, 19), want: [] },
  { name: "equal edge case for init container", containers: [r(4, 1)], init: [r(5, 1)], existing: r(5, 19), want: [] },
];

describe("NodeResourcesFit (fit_test.go TestEnoughRequests)", () => {
  for (const c of cases) {
    it(c.name, () => {
      const request = podRequest({ containers: c.containers, initContainers: c.init ?? [] });
      expect(insufficientResources(request, node(c.existing))).toEqual(c.want);
    });
  }

  it("requests + overhead fits (overhead 3m / 13)", () => {
    expect(podRequest({ containers: [r(1, 1)], overhead: r(3, 13) })).toEqual(r(4, 14));
    expect(insufficientResources(podRequest({ containers: [r(1, 1)], overhead: r(3, 13) }), node(r(5, 5)))).toEqual([]);
  });

  it("requests + overhead does not fit for memory (overhead 1m / 15)", () => {
    expect(insufficientResources(podRequest({ containers: [r(1, 1)], overhead: r(1, 15) }), node(r(5, 5)))).toEqual(["Insufficient memory"]);
  });

  it("reports Too many pods first", () => {
    expect(insufficientResources(r(1, 1), { allocatable: r(10, 20), allocatablePods: 1, requested: r(0, 0), podCount: 1 })).toEqual(["Too many pods"]);
  });
});

describe("FailedScheduling message (FitError.Error + DefaultPreemption PostFilter)", () => {
  const unschedulable = (reasons: string[]) => ({ verdict: { reasons, unresolvable: false }, victims: 0, afterVictims: reasons });
  it("reads as kubectl shows it for one node: the preemption part ends in '..'", () => {
    expect(failedSchedulingMessage([unschedulable(["Insufficient memory"])])).toBe(
      "0/1 nodes are available: 1 Insufficient memory. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod..",
    );
  });
  it("counts reasons over nodes and sorts them; tainted nodes are not helped by preemption", () => {
    const message = failedSchedulingMessage([
      unschedulable(["Insufficient memory"]),
      unschedulable(["Insufficient cpu", "Insufficient memory"]),
      { verdict: { reasons: ["node(s) had untolerated taint {node.kubernetes.io/unreachable: }"], unresolvable: true }, victims: 0, afterVictims: [] },
    ]);
    expect(message).toBe(
      // sort.Strings on "<count> <reason>": the count leads.
      "0/3 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }, 2 Insufficient memory. " +
        "preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod..",
    );
  });
  it("the filter part alone is fitErrorMessage", () => {
    expect(fitErrorMessage(2, [["Too many pods"], ["Too many pods"]])).toBe("0/2 nodes are available: 2 Too many pods.");
  });
});

/**
 * Ported from kubernetes pkg/scheduler/framework/plugins/noderesources/balanced_allocation_test.go
 * (TestNodeResourcesBalancedAllocation): cpuOnly requests 3000m / 0, cpuAndMemory 3000m / 5000;
 * cpuOnly runs on node1, cpuAndMemory on node2 where a case schedules them.
 */
describe("BalancedAllocation score (balanced_allocation.go)", () => {
  const cpuOnly = r(3000, 0);
  const cpuAndMemory = r(3000, 5000);
  it("skips a pod that requests nothing (PreScore Skip): every node scores 0", () => {
    expect(balancedAllocationScore(r(0, 0), r(4000, 10000), r(0, 0))).toBe(0);
  });
  it("nothing scheduled, resources requested, differently sized nodes: 87 and 100", () => {
    expect(balancedAllocationScore(cpuAndMemory, r(4000, 10000), r(0, 0))).toBe(87);
    expect(balancedAllocationScore(cpuAndMemory, r(6000, 10000), r(0, 0))).toBe(100);
  });
  it("resources requested, pods scheduled with resources: 82 and 95", () => {
    expect(balancedAllocationScore(cpuAndMemory, r(10000, 20000), cpuOnly)).toBe(82);
    expect(balancedAllocationScore(cpuAndMemory, r(10000, 20000), cpuAndMemory)).toBe(95);
  });
  it("differently sized nodes: 82 and 80", () => {
    expect(balancedAllocationScore(cpuAndMemory, r(10000, 20000), cpuOnly)).toBe(82);
    expect(balancedAllocationScore(cpuAndMemory, r(10000, 50000), cpuAndMemory)).toBe(80);
  });
  it("requested resources at node capacity: 50 and 75", () => {
    expect(balancedAllocationScore(cpuOnly, r(6000, 10000), cpuOnly)).toBe(50);
    expect(balancedAllocationScore(cpuOnly, r(6000, 10000), cpuAndMemory)).toBe(75);
  });
});

describe("scheduleOne: default weights and selectHost", () => {
  const node = (name: string, allocatable: ResourcePair, requested: ResourcePair) => ({
    name,
    allocatable,
    allocatablePods: 110,
    requested,
    nonZeroRequested: requested,
    podCount: 1,
    taints: [],
  });
  it("adds LeastAllocated and BalancedAllocation with weight 1 each", () => {
    // node-a: least (50+50)/2 = 50, balanced 100 → 150; node-b: least (75+25)/2 = 50, balanced 75 → 125.
    const a = node("node-a", r(4000, 4000), r(1000, 1000));
    const b = node("node-b", r(4000, 4000), r(0, 2000));
    const pod = { request: r(1000, 1000), priority: 0 };
    expect(resourceScore(pod.request, a)).toBe(150);
    expect(resourceScore(pod.request, b)).toBe(125);
    expect(scheduleOne(pod, [b, a], { random: () => 0.99 }).node?.name).toBe("node-a");
  });
  it("picks among equal scores with the seeded stream: the n-th tie replaces the choice when random·n < 1", () => {
    const nodes = [node("n1", r(4000, 4000), r(0, 0)), node("n2", r(4000, 4000), r(0, 0)), node("n3", r(4000, 4000), r(0, 0))];
    const pod = { request: r(100, 100), priority: 0 };
    const draws = (values: number[]) => {
      let i = 0;
      return () => values[i++]!;
    };
    // n2: 0.4·2 = 0.8 < 1 → n2; n3: 0.5·3 = 1.5 → keep n2.
    expect(scheduleOne(pod, nodes, { random: draws([0.4, 0.5]) }).node?.name).toBe("n2");
    // n2: 0.6·2 = 1.2 → keep n1; n3: 0.2·3 = 0.6 < 1 → n3.
    expect(scheduleOne(pod, nodes, { random: draws([0.6, 0.2]) }).node?.name).toBe("n3");
  });
});

describe("LeastAllocated score (least_allocated.go)", () => {
  it("scores the free fraction with integer division, averaged over cpu and memory", () => {
    // cpu (4000−3000)·100/4000 = 25, memory (10000−5000)·100/10000 = 50 → 37
    expect(leastAllocatedScore(r(0 + 1000, 2000), r(4000, 10000), r(2000, 3000))).toBe(37);
  });
  it("counts a zero-request pod as 100m / 200Mi for scoring", () => {
    const Mi = 1024 * 1024;
    // cpu (1000−100)·100/1000 = 90, memory (2000Mi−200Mi)·100/2000Mi = 90
    expect(leastAllocatedScore(r(0, 0), r(1000, 2000 * Mi), r(0, 0))).toBe(90);
  });
  it("is 0 for a resource the node cannot hold", () => {
    expect(leastAllocatedScore(r(5000, 1), r(4000, 100), r(0, 0))).toBe(49);
  });
});

/**
 * Native sidecars (KEP-753; k8s.io/component-helpers/resource PodRequests): an init container with
 * restartPolicy Always runs for the pod's whole life, so it adds to the app containers, and each
 * later ordinary init container runs next to the sidecars started before it. The real backend and
 * the simulated cluster both read pods through this function.
 */
describe("podRequests with sidecars and limit-only containers", () => {
  const container = (cpu: string, memory: string, extra: Record<string, unknown> = {}) => ({ name: "c", resources: { requests: { cpu, memory } }, ...extra });
  it("adds a sidecar to the app containers", () => {
    const pod = { spec: { initContainers: [container("500m", "64Mi", { restartPolicy: "Always" })], containers: [container("1", "128Mi")] } };
    expect(podRequests(pod)).toEqual({ cpu: 1500, memory: 192 * 1024 * 1024 });
  });
  it("an ordinary init container after a sidecar runs beside it: max(Σ app + sidecars, init + earlier sidecars)", () => {
    const pod = {
      spec: {
        initContainers: [container("1", "0", { restartPolicy: "Always" }), container("5", "0"), container("2", "0", { restartPolicy: "Always" }), container("5", "0")],
        containers: [container("1", "0")],
      },
    };
    // App + sidecars: 1 + 1 + 2 = 4 cores; the last init container runs beside both sidecars: 5 + 3 = 8.
    expect(podRequests(pod).cpu).toBe(8000);
  });
  it("a container with only a limit requests the limit (API defaulting)", () => {
    const pod = { spec: { containers: [{ name: "c", resources: { limits: { cpu: "250m", memory: "256Mi" } } }] } };
    expect(podRequests(pod)).toEqual({ cpu: 250, memory: 256 * 1024 * 1024 });
  });
});

/** Ported from kubernetes pkg/scheduler/schedule_one_test.go TestNumFeasibleNodesToFind (default percentage). */
describe("numFeasibleNodesToFind and the rotating start (schedule_one.go)", () => {
  it.each([
    [10, 10],
    [1000, 420],
    [6000, 300],
  ])("%i nodes → %i feasible nodes to find", (nodes, want) => {
    expect(numFeasibleNodesToFind(nodes)).toBe(want);
  });

  it("stops after the nodes it needs and starts the next cycle where it stopped", () => {
    const nodes = Array.from({ length: 150 }, (_, i) => ({
      name: `n${i}`,
      allocatable: r(4000, 4000),
      allocatablePods: 110,
      requested: r(0, 0),
      nonZeroRequested: r(0, 0),
      podCount: 0,
      taints: [],
    }));
    const rotation = { nextStartNodeIndex: 0 };
    // 150 nodes: max(100, 150 · 48%) = 100 nodes are filtered, all feasible and tied.
    scheduleOne({ request: r(100, 100), priority: 0 }, nodes, { random: () => 0.99, rotation });
    expect(rotation.nextStartNodeIndex).toBe(100);
    // The next cycle looks at n100 … n149 then n0 … n49; with every draw ≥ 1/n the first stays.
    expect(scheduleOne({ request: r(100, 100), priority: 0 }, nodes, { random: () => 0.99, rotation }).node?.name).toBe("n100");
    expect(rotation.nextStartNodeIndex).toBe(50);
  });
});

/**
 * PodTopologySpread system defaults, scoring (plugins/podtopologyspread/scoring.go): hostname
 * constraint maxSkew 3, weight ln(n + 2), NormalizeScore 100 · (max + min − s) / max.
 */
describe("PodTopologySpread system default scores", () => {
  it("3 nodes with 0, 1 and 2 matching pods: raw 2, 4, 5 → 100, 60, 40", () => {
    // ln 5 = 1.609: round(0 + 2) = 2, round(1.609 + 2) = 4, round(3.219 + 2) = 5.
    expect(topologySpreadScores([0, 1, 2])).toEqual([100, 60, 40]);
  });
  it("no matching pod anywhere: raw maxSkew − 1 = 2 everywhere → every node 100", () => {
    expect(topologySpreadScores([0, 0])).toEqual([100, 100]);
  });
  it("weighs 2 against the resource scores: the node without a sibling wins a resource tie", () => {
    const node = (name: string) => ({ name, allocatable: r(4000, 4000), allocatablePods: 110, requested: r(1000, 1000), nonZeroRequested: r(1000, 1000), podCount: 1, taints: [] });
    const nodes = [node("has-sibling"), node("empty-of-it")];
    const result = scheduleOne({ request: r(100, 100), priority: 0 }, nodes, {
      random: () => 0,
      matchingPodsOn: (n) => (n.name === "has-sibling" ? 1 : 0),
    });
    expect(result.node?.name).toBe("empty-of-it");
  });
});
