/**
 * `opdeploy simulate --on kind`: the same rehearsal as `simulate`, but on a real (throw-away)
 * kind cluster: create it (the kind CLI when installed, else testcontainers — kind-cluster.ts),
 * run the rollout with the real backend, remove the cluster. Same `SimulationResult` shape;
 * times are wall-clock seconds. Without Docker: KindUnavailableError; a failed cluster setup:
 * KindSetupError naming the step and where its logs were kept.
 */
import type { Plan } from "@openpolicy/core";
import type { SimulationResult } from "../../engine/result.js";
import { runRollout } from "../../engine/run-rollout.js";
import type { RolloutOptions } from "../../engine/run-rollout.js";
import { createKindCluster } from "./kind-cluster.js";
import type { CreateKindClusterOptions } from "./kind-cluster.js";
import { KubernetesCluster } from "./kubernetes-cluster.js";
import { collectionPath } from "./kube-api.js";

export interface SimulateOnKindOptions {
  image?: string;
  /** How to make the cluster (default: the kind CLI when installed, else testcontainers). */
  via?: CreateKindClusterOptions["via"];
  settleSeconds?: number;
  onStep?: RolloutOptions["onStep"];
  log?: (line: string) => void;
}

export async function simulateOnKind(plan: Plan, options: SimulateOnKindOptions = {}): Promise<SimulationResult> {
  // A fresh name per run: two rehearsals (or a user's own cluster) never collide. As many nodes
  // as `cluster.nodes` says: the first is the control plane, the rest workers (kind then keeps the
  // control-plane taint, as the simulated cluster does). Every kind node reports the host's CPU
  // and memory whatever the plan's figures say.
  const nodeCount = plan.cluster.nodes.reduce((sum, group) => sum + group.count, 0);
  const kind = await createKindCluster({
    name: `opdeploy-sim-${Date.now().toString(36)}`,
    workers: Math.max(0, nodeCount - 1),
    ...(options.image ? { image: options.image } : {}),
    ...(options.via ? { via: options.via } : {}),
    ...(options.log ? { log: options.log } : {}),
  });
  try {
    const cluster = await KubernetesCluster.connect({ kubeconfigYaml: kind.kubeconfig, namespace: plan.namespace, name: `kind/${plan.name}` });
    try {
      // The plan's namespace (admin credentials here, so no RBAC question).
      await cluster.api.request("POST", collectionPath("v1", "namespaces"), { body: { apiVersion: "v1", kind: "Namespace", metadata: { name: plan.namespace } } });
      const rollout: RolloutOptions = {};
      if (options.settleSeconds !== undefined) rollout.settleSeconds = options.settleSeconds;
      if (options.onStep) rollout.onStep = options.onStep;
      return await runRollout(cluster, plan, rollout);
    } finally {
      await cluster.close();
    }
  } finally {
    await kind.stop();
  }
}
