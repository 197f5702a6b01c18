import { describe, expect, it } from "vitest";
import { parsePlanText } from "@openpolicy/core";
import { CapacityModel, surgePods } from "../../src/planner/index.js";

const plan = (overhead: "none" | "kind", nodes = "[{memory: 1Gi, cpu: \"2\", pods: 4}]") =>
  parsePlanText(
    `name: small
cluster: {nodes: ${nodes}, overhead: ${overhead}}
phases: [{name: all, services: [a, b, c]}]
services:
  a: {memory: 512Mi, cpu: 500m, validate: none}
  b: {memory: 384Mi, cpu: 500m, validate: none, replicas: 2, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}
  c: {memory: 64Mi, cpu: 100m, validate: none, strategy: Recreate}
`,
    "small.yaml",
  );

describe("CapacityModel", () => {
  it("accepts pods that fit and names the first batch that does not", () => {
    const model = new CapacityModel(plan("none", '[{memory: 2Gi, cpu: "2"}]'));
    expect(model.check([["a"], ["b", "c"]])).toBeUndefined();
    const tight = new CapacityModel(plan("none"));
    // a (512Mi) + two b pods (768Mi) > 1Gi: the second batch overflows.
    expect(tight.check([["a"], ["b"], ["c"]])).toEqual({ batch: 1, message: expect.stringContaining("a pod of b fits on no node") });
  });

  it("counts the node's pod limit and kind's kube-system pods", () => {
    // 4 pods per node: a, b, b, c is exactly four.
    expect(new CapacityModel(plan("none", '[{memory: 4Gi, cpu: "4", pods: 4}]')).check([["a", "b", "c"]])).toBeUndefined();
    expect(new CapacityModel(plan("none", '[{memory: 4Gi, cpu: "4", pods: 3}]')).check([["a", "b", "c"]])?.batch).toBe(0);
    // kind's control plane requests 950m CPU on the first node: a and two b pods no longer fit in 2 cores.
    expect(new CapacityModel(plan("kind", '[{memory: 4Gi, cpu: "2"}]')).check([["a", "b"]])?.batch).toBe(0);
    expect(new CapacityModel(plan("none", '[{memory: 4Gi, cpu: "2"}]')).check([["a", "b"]])).toBeUndefined();
  });

  it("adds surge pods only for services the running release already has, and not for Recreate", () => {
    // 1892Mi less the kubelet's 100Mi eviction threshold: 1792Mi allocatable.
    const target = plan("none", '[{memory: 1892Mi, cpu: "4"}]');
    const services = target.services;
    expect(surgePods(services.get("a")!)).toBe(1); // 25% of 1, rounded up
    expect(surgePods(services.get("b")!)).toBe(1);
    expect(surgePods(services.get("c")!)).toBe(0);
    // Running: a, b×2, c = 1344Mi of 1792Mi. Rolling b (+384Mi) fits; rolling a (+512Mi) does not.
    const upgrade = new CapacityModel(target, { from: target });
    expect(upgrade.check([["c"], ["b"]])).toBeUndefined();
    expect(upgrade.check([["c"], ["a"]])).toEqual({ batch: 1, message: expect.stringContaining("surge pod of a") });
    // A fresh install of the same batches needs no surge.
    expect(new CapacityModel(target).check([["c"], ["a"]])).toBeUndefined();
  });
});
