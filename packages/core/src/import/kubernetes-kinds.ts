/**
 * What the importer does with each kind of object. The plan describes workloads; everything else
 * in the input is named in a note, so nothing is dropped without a word.
 */
import type { ManifestObject } from "../manifests/parse-manifests.js";

export const WORKLOAD_KINDS = new Set(["Deployment", "StatefulSet"]);

/** Workload kinds the plan cannot describe (it deploys Deployments and StatefulSets). */
const OTHER_WORKLOADS = new Set(["DaemonSet", "Job", "CronJob", "Pod", "ReplicaSet", "ReplicationController"]);

/** The note for an object that does not become a service; undefined when it is used. */
export function kubernetesSkipNote(o: ManifestObject, used: boolean): string | undefined {
  if (used) return undefined;
  if (o.kind === "") return `a document without kind (not a Kubernetes object): not imported`;
  if (OTHER_WORKLOADS.has(o.kind)) return `${o.kind} ${o.name} is not imported: the plan deploys Deployments and StatefulSets only`;
  if (o.kind === "Service") return `Service ${o.name} selects no Deployment or StatefulSet of the input; used only to resolve references`;
  if (o.kind === "ConfigMap") return `ConfigMap ${o.name}: read for references, not part of the plan`;
  return `${o.kind} ${o.name} is not part of the plan (kept in your manifests; the plan does not apply it)`;
}
