/** Deploy history and lock on Kubernetes: revision Secrets (revisions.ts) and a Lease (lease-lock.ts). */
import type { KubeApi } from "../cluster/kubernetes/kube-api.js";
import type { DeployState } from "./deploy-state.js";
import type { LeaseOptions } from "./lease-lock.js";
import { LeaseLock } from "./lease-lock.js";
import { RevisionStore } from "./revisions.js";

export function kubernetesDeployState(api: KubeApi, namespace: string, options: LeaseOptions = {}): DeployState {
  return {
    revisions: new RevisionStore(api, namespace),
    lease: (name, lease) => new LeaseLock(api, namespace, name, { ...options, ...lease }),
  };
}
