/**
 * `check` places pods per node with the scheduler's rules (issue 9): the cases where summing
 * requests over the cluster said "fits" and Kubernetes leaves a pod Pending.
 */
import { describe, expect, it } from "vitest";
import { Gi, Mi, planBuilder } from "../../test/helpers/plan-builder.js";
import { parsePlanText } from "../plan/index.js";
import { checkPlan } from "./check-plan.js";
import { fitPlan } from "./fit-plan.js";

const rules = (plan: Parameters<typeof checkPlan>[0], rule: string) => checkPlan(plan).filter((f) => f.rule === rule);

describe("per-node fit in check", () => {
  it("two 4Gi nodes and three 2.5Gi replicas: one pod stays Pending though 7.5Gi < 8Gi", () => {
    const plan = planBuilder()
      .cluster({ nodes: 2, memory: 4 * Gi, cpu: 4000 })
      .service("app", { memory: 2560 * Mi, cpu: 100, replicas: 3 })
      .phase("p", { batches: [["app"]] })
      .build();
    const [finding] = rules(plan, "capacity-exceeded");
    expect(finding!.services).toEqual(["app"]);
    // fit.go: 4Gi − 2.5Gi = 1.5Gi left on each node, less than 2.5Gi.
    expect(finding!.message).toContain("0/2 nodes are available: 2 Insufficient memory.");
    expect(rules(plan, "unschedulable")).toEqual([]);
  });

  it("an 8Gi kind node and a 7,987Mi app: kind's kube-system pods hold 290Mi, so it is unschedulable", () => {
    const build = (memory: number) =>
      planBuilder()
        .cluster({ memory: 8 * Gi, cpu: 16_000, overhead: "kind" })
        .service("big", { memory, cpu: 100 })
        .phase("p", { batches: [["big"]] })
        .build();
    const [finding] = rules(build(7987 * Mi), "unschedulable");
    expect(finding!.message).toContain("0/1 nodes are available: 1 Insufficient memory.");
    expect(finding!.message).toContain("kind's kube-system pods");
    // 8,192Mi − 290Mi = 7,902Mi is exactly what is left: equality fits (fit.go).
    expect(rules(build(7902 * Mi), "unschedulable")).toEqual([]);
    expect(rules(build(7903 * Mi), "unschedulable")).toHaveLength(1);
  });

  it("kind with workers: the control plane keeps its NoSchedule taint and takes no app pod", () => {
    const plan = planBuilder()
      .cluster({ nodes: 2, memory: 4 * Gi, cpu: 4000, overhead: "kind" })
      .service("app", { memory: 1 * Gi, cpu: 100, replicas: 4 })
      .phase("p", { batches: [["app"]] })
      .build();
    // The worker holds kindnet (50Mi) and three 1Gi pods; the fourth finds the control plane tainted.
    const report = fitPlan(plan);
    expect(report.firstPending?.message).toBe(
      "0/2 nodes are available: 1 Insufficient memory, 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }. " +
        "preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling..",
    );
  });

  it("a single kind node is untainted (kind removes the taint when there are no workers)", () => {
    const plan = planBuilder()
      .cluster({ nodes: 1, memory: 4 * Gi, cpu: 4000, overhead: "kind" })
      .service("app", { memory: 1 * Gi, cpu: 100, replicas: 3 })
      .phase("p", { batches: [["app"]] })
      .build();
    expect(fitPlan(plan).firstPending).toBeUndefined();
  });

  it("places phases cumulatively: a later phase fails where an earlier one left no room", () => {
    const plan = planBuilder()
      .cluster({ nodes: 2, memory: 2 * Gi, cpu: 4000 })
      .service("a", { memory: 1536 * Mi, replicas: 2 })
      .service("b", { memory: 1 * Gi })
      .phase("one", { batches: [["a"]] })
      .phase("two", { batches: [["b"]] })
      .build();
    const report = fitPlan(plan);
    expect(report.firstPending).toMatchObject({ service: "b", phaseIndex: 1, batchIndex: 0 });
    expect(report.unschedulable.size).toBe(0);
  });

  it("a plan's own priority never preempts (its PriorityClass says Never): the preemption part says so", () => {
    const plan = planBuilder()
      .cluster({ nodes: 1, memory: 2 * Gi, cpu: 4000 })
      .service("low", { memory: 1 * Gi })
      .service("high", { memory: 3 * Gi })
      .phase("one", { batches: [["low"]] })
      .phase("two", { batches: [["high"]] })
      .build();
    plan.services.get("high")!.priority = 1000;
    // render/ gives every non-zero priority a PriorityClass with preemptionPolicy: Never, and
    // default_preemption.go PodEligibleToPreemptOthers refuses such a pod before looking at nodes.
    const report = fitPlan(plan);
    expect(report.unschedulable.get("high")).toContain("preemption: not eligible due to preemptionPolicy=Never.");
    expect(report.firstPending?.message).toBe("0/1 nodes are available: 1 Insufficient memory. preemption: not eligible due to preemptionPolicy=Never.");
  });

  it("a stock kubelet keeps 100Mi for hard eviction: a 4Gi node has 3,996Mi allocatable unless reserved says otherwise", () => {
    // pkg/kubelet/eviction/defaults_linux.go: memory.available<100Mi; kind sets no memory threshold.
    const plan = (cluster: string) =>
      parsePlanText(`name: t\ncluster: ${cluster}\nphases: [{name: p, services: [app]}]\nservices:\n  app: {memory: 4000Mi, cpu: 100m, validate: none}\n`, "t.yaml");
    const stock = plan('{nodes: [{memory: 4Gi, cpu: "2"}]}');
    expect(stock.cluster.reserved.memory).toBe(100 * Mi);
    expect(fitPlan(stock).unschedulable.get("app")).toContain("1 Insufficient memory");
    expect(fitPlan(plan('{nodes: [{memory: 4Gi, cpu: "2"}], reserved: {memory: "0"}}')).unschedulable.size).toBe(0);
    const kind = plan('{nodes: [{memory: 4Gi, cpu: "2"}], overhead: kind}');
    expect(kind.cluster.reserved.memory).toBe(0);
  });
});
