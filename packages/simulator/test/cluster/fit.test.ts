/**
 * Cases ported from kubernetes pkg/scheduler/framework/plugins/noderesources/fit_test.go
 * (TestEnoughRequests): node allocatable milliCPU 10, memory 20, pods 32
 * (makeAllocatableResources(10, 20, 32, ...)); the node already runs one pod with the given
 * request. Extended-resource, hugepage and ephemeral-storage cases are not ported (not modelled).
 */
import { describe, expect, it } from "vitest";
import { failedSchedulingMessage, insufficientResources, leastAllocatedScore, podRequest } from "../../src/index.js";
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

describe("FailedScheduling message (FitError.Error)", () => {
  it("reads exactly as kubectl shows it for one node", () => {
    expect(failedSchedulingMessage(1, [["Insufficient memory"]])).toBe("0/1 nodes are available: 1 Insufficient memory.");
  });
  it("counts reasons over nodes and sorts them", () => {
    const message = failedSchedulingMessage(3, [["Insufficient memory"], ["Insufficient cpu", "Insufficient memory"], ["Insufficient memory"]]);
    expect(message).toBe("0/3 nodes are available: 1 Insufficient cpu, 3 Insufficient memory.");
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
