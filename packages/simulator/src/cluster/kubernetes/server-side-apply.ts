/**
 * Writes of KubernetesCluster (kubernetes-cluster.ts): server-side apply with field manager
 * `opdeploy` that takes over conflicting fields only from managers we own, and refuses objects
 * labelled as another plan's.
 */
import type { KubernetesObject } from "@openpolicy/core";
import { ClusterError } from "../cluster.js";
import type { Json, KubeApi } from "./kube-api.js";
import { KubeApiError, collectionPath } from "./kube-api.js";
import { PLAN_LABEL } from "./render-workload.js";

export const FIELD_MANAGER = "opdeploy";

/** Kinds without a namespace that a plan applies (shared by plans, never owned by one). */
export const CLUSTER_SCOPED: ReadonlySet<string> = new Set(["PriorityClass", "Namespace", "StorageClass"]);

/** REST collection names of the kinds a plan applies. */
const PLURALS: Record<string, string> = {
  Deployment: "deployments",
  StatefulSet: "statefulsets",
  Service: "services",
  ConfigMap: "configmaps",
  PersistentVolumeClaim: "persistentvolumeclaims",
  Secret: "secrets",
  ServiceAccount: "serviceaccounts",
};

/** Where objects are applied, and whose fields may be taken over. */
export interface ApplyTarget {
  api: KubeApi;
  namespace: string;
  /** Field managers whose conflicting fields we may take over with force (besides FIELD_MANAGER). */
  ownedFieldManagers?: readonly string[] | undefined;
}

/** Server-side apply of one object; takes over conflicting fields only from managers we own. */
export async function applyOwnedObject(target: ApplyTarget, object: KubernetesObject, options: { dryRun: boolean; owner?: string | undefined }): Promise<Json> {
  const { api, namespace } = target;
  const { dryRun } = options;
  if (!CLUSTER_SCOPED.has(object.kind)) object.metadata.namespace ??= namespace;
  if (options.owner !== undefined && !CLUSTER_SCOPED.has(object.kind)) await assertNotOwnedByAnother(target, object, options.owner);
  try {
    return (await api.serverSideApply(object, { fieldManager: FIELD_MANAGER, force: false, dryRun })) as unknown as Json;
  } catch (error) {
    if (!(error instanceof KubeApiError) || error.status !== 409) throw error;
    const owned = new Set([FIELD_MANAGER, ...(target.ownedFieldManagers ?? [])]);
    const managers = conflictManagers(error);
    if (managers.length === 0 || managers.some((m) => !owned.has(m))) {
      throw new ClusterError(
        `apply ${object.kind}/${object.metadata.name}: fields are managed by ${managers.map((m) => JSON.stringify(m)).join(", ") || "another field manager"}; not taking them over (${error.message.replace(/^cluster: /, "")})`,
      );
    }
    return (await api.serverSideApply(object, { fieldManager: FIELD_MANAGER, force: true, dryRun })) as unknown as Json;
  }
}

/**
 * Refuses an object that exists labelled as another plan's (opdeploy.io/plan): two plans in one
 * namespace must not take over each other's Deployments. Unlabelled objects are adopted, as
 * `kubectl apply` does; the label is then ours.
 */
async function assertNotOwnedByAnother(target: ApplyTarget, object: KubernetesObject, owner: string): Promise<void> {
  const owners = await liveOwner(target, object.apiVersion, object.kind, object.metadata.name);
  if (owners !== undefined && owners !== owner) {
    throw new ClusterError(`apply ${object.kind}/${object.metadata.name}: it belongs to plan ${owners} (label ${PLAN_LABEL}); plan ${owner} does not take over another plan's objects`);
  }
}

/** The live object's owning plan, or undefined when it does not exist or carries no owner. */
export async function liveOwner(target: ApplyTarget, apiVersion: string, kind: string, name: string): Promise<string | undefined> {
  const { api, namespace } = target;
  const plural = PLURALS[kind];
  if (!plural) return undefined;
  const path = collectionPath(apiVersion, plural, namespace, name);
  const { status, body } = await api.request("GET", path);
  if (status === 404) return undefined;
  if (status < 200 || status >= 300) throw api.statusError("GET", path, status, body);
  return ((body?.metadata as Json | undefined)?.labels as Record<string, string> | undefined)?.[PLAN_LABEL];
}

/** Field managers named in a 409 apply conflict (Status details.causes or the message). */
export function conflictManagers(error: KubeApiError): string[] {
  const texts: string[] = [error.message];
  const causes = ((error.body?.details as Json | undefined)?.causes ?? []) as Json[];
  for (const cause of causes) texts.push(String(cause.message ?? ""));
  const managers = new Set<string>();
  for (const text of texts) for (const match of text.matchAll(/conflicts? with "([^"]+)"/g)) managers.add(match[1]!);
  return [...managers];
}
