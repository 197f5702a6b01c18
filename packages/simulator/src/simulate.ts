import { clusterNodeNames, type ManifestText, type Plan } from "@openpolicy/core";
import type { Cluster } from "./cluster/cluster.js";
import { defaultPlanWorkloads, planWorkloads } from "./cluster/plan-workloads.js";
import type { SimulatedNodeSpec } from "./cluster/simulated/simulated-cluster.js";
import { SimulatedCluster } from "./cluster/simulated/simulated-cluster.js";
import type { Fault } from "./faults/fault.js";
import type { RolloutOptions } from "./engine/run-rollout.js";
import { runRollout } from "./engine/run-rollout.js";
import type { SimulationResult } from "./engine/result.js";

export interface SimulateOptions {
  seed?: number;
  faults?: Fault[];
  /** The plan currently deployed: its services run (Ready) before the rollout starts. */
  from?: Plan;
  /** Run against this cluster instead of a fresh simulated one built from `plan.cluster`. */
  cluster?: Cluster;
  onStep?: RolloutOptions["onStep"];
  resumeFrom?: RolloutOptions["resumeFrom"];
  settleSeconds?: number;
  /** The files services name in `manifests:` (`PlanDocument.manifests`): those services run the user's objects. */
  manifests?: readonly ManifestText[];
}

/** Node names: `<group name or "node">-<n>`, numbered from 1 across groups without a name. */
export function simulatedNodes(plan: Plan): SimulatedNodeSpec[] {
  const nodes: SimulatedNodeSpec[] = [];
  const names = clusterNodeNames(plan.cluster);
  for (const [g, group] of plan.cluster.nodes.entries()) {
    for (const name of names[g]!) {
      nodes.push({
        name,
        memory: group.memory,
        cpu: group.cpu,
        pods: group.pods,
        reservedMemory: plan.cluster.reserved.memory,
        reservedCpu: plan.cluster.reserved.cpu,
      });
    }
  }
  return nodes;
}

/**
 * Rehearses `plan` on a simulated cluster built from `plan.cluster` (or on `options.cluster`).
 * Deterministic: the same plan, faults and seed give a byte-identical `JSON.stringify(result)`.
 */
export async function simulate(plan: Plan, options: SimulateOptions = {}): Promise<SimulationResult> {
  const seed = options.seed ?? 1;
  // One source for the preloaded `from` state and the rollout: both run core's rendered objects.
  const workloads = options.manifests?.length ? planWorkloads({ manifests: options.manifests }) : defaultPlanWorkloads();
  let cluster = options.cluster;
  if (!cluster) {
    const simulated = new SimulatedCluster({
      nodes: simulatedNodes(plan),
      seed,
      faults: options.faults ?? [],
      overhead: plan.cluster.overhead,
      name: plan.name,
      namespace: plan.namespace,
    });
    const from = options.from;
    if (from) simulated.preload([...from.services.values()].map((service) => workloads(from, service)));
    cluster = simulated;
  }
  const rolloutOptions: RolloutOptions = { seed, workloads };
  if (options.from) rolloutOptions.from = options.from;
  if (options.onStep) rolloutOptions.onStep = options.onStep;
  if (options.resumeFrom) rolloutOptions.resumeFrom = options.resumeFrom;
  if (options.settleSeconds !== undefined) rolloutOptions.settleSeconds = options.settleSeconds;
  return runRollout(cluster, plan, rolloutOptions);
}
