/**
 * The memory trigger reads each node against its own allocatable — except on kind, whose nodes
 * are containers on one host and share its memory: there all nodes' pods count against the host.
 */
import { describe, expect, it } from "vitest";
import { RollbackTriggers } from "../../src/engine/rollback-triggers.js";
import type { ClusterView, NodeStatus } from "../../src/index.js";
import { Gi, makePlan, makeService } from "../helpers/plan-builder.js";

function node(name: string, usedGi: number): NodeStatus {
  return {
    name,
    capacity: { memory: 8 * Gi, cpu: 4000 },
    allocatable: { memory: 8 * Gi, cpu: 4000 },
    requested: { memory: 0, cpu: 0 },
    terminatingRequested: { memory: 0, cpu: 0 },
    used: { memory: usedGi * Gi, cpu: 0 },
    pods: 1,
    ready: true,
    memoryPressure: false,
  };
}

function view(nodes: NodeStatus[]): ClusterView {
  return {
    now: () => 100,
    workload: () => undefined,
    workloadStatus: () => undefined,
    workloadNames: () => [],
    workloadResources: () => undefined,
    nodes: () => nodes,
    metrics: () => ({ t: 100, services: [], averageLatencyMs: 0, errorRate: 0 }),
    events: () => [],
  };
}

function plan(overhead: "kind" | "none") {
  const p = makePlan({ name: "m", services: [makeService("a", { memory: Gi, cpu: 100 })], phases: [{ name: "p", batches: [["a"]] }], rollback: { memory: 70, forSeconds: 0 } });
  return { ...p, cluster: { ...p.cluster, overhead } };
}

describe("memory trigger", () => {
  const nodes = [node("n1", 3), node("n2", 3)];
  it("per node elsewhere: two nodes at 37.5% each do not fire a 70% trigger", () => {
    expect(new RollbackTriggers(plan("none"), 0, 10).evaluate(view(nodes), new Set())).toBeUndefined();
  });
  it("on kind the nodes share the host: 6Gi of an 8Gi host is 75% and fires", () => {
    const fired = new RollbackTriggers(plan("kind"), 0, 10).evaluate(view(nodes), new Set());
    expect(fired).toMatchObject({ kind: "fail", reason: "RollbackTrigger", message: "rollback trigger: kind host memory usage 75% of allocatable (all 2 nodes) > 70%" });
  });
});
