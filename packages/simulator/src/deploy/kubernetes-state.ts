/** Deploy history and lock on Kubernetes: revision Secrets (revisions.ts) and a Lease (lease-lock.ts). */
import type { Cluster } from "../cluster/cluster.js";
import type { KubeApi } from "../cluster/kubernetes/kube-api.js";
import type { DeployState } from "./deploy-state.js";
import type { LeaseOptions } from "./lease-lock.js";
import { LeaseLock } from "./lease-lock.js";
import { RevisionStore } from "./revisions.js";

/**
 * The history and lock a deploy or rollback on `cluster` uses: Secrets and a Lease when it is a
 * Kubernetes cluster (it has an API and a namespace); other clusters must be given one.
 */
export function deployStateOf(cluster: Cluster, what: "deploy" | "rollback", options: LeaseOptions = {}): DeployState {
  const real = cluster as Partial<{ api: KubeApi; namespace: string }>;
  if (!real.api || !real.namespace) throw new Error(`${what}: a cluster other than Kubernetes needs \`state\` (e.g. memoryDeployState())`);
  return kubernetesDeployState(real.api, real.namespace, options);
}

export function kubernetesDeployState(api: KubeApi, namespace: string, options: LeaseOptions = {}): DeployState {
  return {
    revisions: new RevisionStore(api, namespace),
    lease: (name, lease) => new LeaseLock(api, namespace, name, { ...options, ...lease }),
  };
}
