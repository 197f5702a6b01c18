/**
 * The scenario plans of packages/simulator/testdata/fidelity (issue 9): each file's header works
 * out Kubernetes' answer from upstream source; here `check` and `simulate` must both give it.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { checkPlan, parsePlanText, type Plan } from "@openpolicy/core";
import { simulate } from "../../src/index.js";

const load = (name: string): Plan => {
  const file = fileURLToPath(new URL(`../../testdata/fidelity/${name}`, import.meta.url));
  return parsePlanText(readFileSync(file, "utf8"), file);
};

const NO_VICTIMS = (n: number) => `preemption: 0/${n} nodes are available: ${n} No preemption victims found for incoming pod..`;

/** The rule check reports about fit, its message, and the simulation's failure. */
async function both(plan: Plan) {
  const finding = checkPlan(plan).find((f) => f.rule === "unschedulable" || f.rule === "capacity-exceeded");
  const result = await simulate(plan, { seed: 1 });
  return { finding, failure: result.failure };
}

describe("fidelity scenarios: check and simulate give Kubernetes' answer", () => {
  it("two 4Gi nodes, three 2.5Gi replicas: the third stays Pending", async () => {
    const { finding, failure } = await both(load("two-nodes-three-replicas.yaml"));
    const message = `0/2 nodes are available: 2 Insufficient memory. ${NO_VICTIMS(2)}`;
    expect(finding?.rule).toBe("capacity-exceeded");
    expect(finding?.message).toContain(message);
    expect(failure?.reason).toBe("Unschedulable");
    expect(failure?.message).toContain(message);
  });

  it("an 8Gi kind node and a 7,987Mi app: unschedulable behind kind's kube-system pods", async () => {
    const { finding, failure } = await both(load("kind-8gi-7987mi.yaml"));
    const message = `0/1 nodes are available: 1 Insufficient memory. ${NO_VICTIMS(1)}`;
    expect(finding?.rule).toBe("unschedulable");
    expect(finding?.message).toContain(message);
    expect(failure?.message).toContain(message);
  });

  it("kind with workers: the control plane is tainted, the fifth replica stays Pending", async () => {
    const { finding, failure } = await both(load("kind-workers.yaml"));
    const message =
      "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient memory. " +
      "preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod..";
    expect(finding?.rule).toBe("capacity-exceeded");
    expect(finding?.message).toContain(message);
    expect(failure?.message).toContain(message);
  });

  it("a stock 4Gi node keeps 100Mi for eviction: a 4,000Mi pod never schedules", async () => {
    const plan = load("stock-node-threshold.yaml");
    const { finding, failure } = await both(plan);
    expect(finding?.rule).toBe("unschedulable");
    expect(failure?.reason).toBe("Unschedulable");
    plan.cluster.reserved.memory = 0;
    const without = await both(plan);
    expect(without.finding).toBeUndefined();
    expect(without.failure).toBeUndefined();
  });

  it("4 replicas at 25%/25%: 2 new pods are scheduled at the rollout's first instant", async () => {
    const plan = load("rolling-4-replicas.yaml");
    const from = load("rolling-4-replicas.yaml");
    from.services.get("web")!.image = "example/web:1";
    const result = await simulate(plan, { seed: 1, from });
    expect(result.verdict).toBe("succeeded");
    const scheduled = result.events.filter((e) => e.type === "Scheduled" && e.service === "web");
    const first = Math.min(...scheduled.map((e) => e.t));
    expect(scheduled.filter((e) => e.t === first)).toHaveLength(2);
  });
});
