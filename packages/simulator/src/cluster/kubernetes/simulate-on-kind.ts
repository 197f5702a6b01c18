/**
 * `opdeploy simulate --on kind`: the same rehearsal as `simulate`, but on a real (throw-away)
 * kind cluster: create it, run the rollout with the real backend, remove the cluster. Same
 * `SimulationResult` shape; times are wall-clock seconds. Without Docker: KindUnavailableError.
 */
import type { Plan } from "@openpolicy/core";
import type { SimulationResult } from "../../engine/result.js";
import { runRollout } from "../../engine/run-rollout.js";
import type { RolloutOptions } from "../../engine/run-rollout.js";
import { createKindCluster } from "./kind-cluster.js";
import { KubernetesCluster } from "./kubernetes-cluster.js";
import { collectionPath } from "./kube-api.js";
import { planRenderer } from "./render-workload.js";

export interface SimulateOnKindOptions {
  image?: string;
  settleSeconds?: number;
  onStep?: RolloutOptions["onStep"];
  log?: (line: string) => void;
}

export async function simulateOnKind(plan: Plan, options: SimulateOnKindOptions = {}): Promise<SimulationResult> {
  const kind = await createKindCluster({ ...(options.image ? { image: options.image } : {}), ...(options.log ? { log: options.log } : {}) });
  try {
    const cluster = await KubernetesCluster.connect({ kubeconfigYaml: kind.kubeconfig, namespace: plan.namespace, render: planRenderer([plan]), name: `kind/${plan.name}` });
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
