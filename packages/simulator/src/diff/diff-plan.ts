/**
 * `opdeploy diff`: what `deploy` would change on the live cluster, object by object, like
 * `kubectl diff` (staging/src/k8s.io/kubectl/pkg/cmd/diff/diff.go) and `helm diff`.
 *
 * - The objects are exactly those `deploy` applies: `planWorkloads({ namespace })` for every
 *   service in rollout order, shared objects once (the preflight's `renderPlan`).
 * - Each goes to the server as a server-side apply with `dryRun=All` under opdeploy's field
 *   manager, so defaulting, admission and the merge with fields other managers own are the
 *   server's, not a guess; the result is compared with the live object, both without status and
 *   server-populated metadata (comparable.ts). Nothing is written.
 * - A conflict with another field manager is shown as such (deploy would refuse it unless that
 *   manager is opdeploy's own); the diff is then of a forced apply, what taking over would do.
 * - `pruned`: live objects labelled `opdeploy.io/plan=<plan>` that the plan no longer renders.
 *   PersistentVolumeClaims never are (they hold data; no command of ours deletes them), and
 *   cluster-scoped objects are shared between plans.
 */
import type { KubernetesObject, ManifestText, Plan } from "@openpolicy/core";
import { createTwoFilesPatch } from "diff";
import type { Json, KubeApi } from "../cluster/kubernetes/kube-api.js";
import { KubeApiError } from "../cluster/kubernetes/kube-api.js";
import { FIELD_MANAGER, conflictManagers } from "../cluster/kubernetes/kubernetes-cluster.js";
import { PLAN_LABEL } from "../cluster/kubernetes/render-workload.js";
import { planWorkloads } from "../cluster/plan-workloads.js";
import { planSlug } from "../deploy/plan-slug.js";
import { renderPlan } from "../preflight/context.js";
import { comparableYaml, maskedSecrets } from "./comparable.js";
import { ResourceMap } from "./resources.js";

export type ObjectChange = "created" | "changed" | "unchanged" | "pruned" | "refused" | "rejected";

export interface ObjectDiff {
  kind: string;
  name: string;
  /** Absent for cluster-scoped objects. */
  namespace?: string;
  change: ObjectChange;
  /** The services whose rollout applies it (none for pruned objects). */
  services: string[];
  /** Unified diff, live → after the apply (created: from nothing; pruned: to nothing). */
  diff?: string;
  /** Why deploy would stop here (refused: another plan's object; rejected: the server's message), or a field conflict. */
  message?: string;
}

export interface PlanDiff {
  plan: string;
  namespace: string;
  objects: ObjectDiff[];
  summary: Record<ObjectChange, number>;
  /** Anything but `unchanged` (the `diff` exit status 1). */
  changed: boolean;
  /** What could not be looked at (a collection the deployer may not list). */
  warnings: string[];
}

export interface DiffTarget {
  api: KubeApi;
  namespace: string;
  /** The files services name in `manifests:`: those services are diffed with the user's objects, as deploy applies them. */
  manifests?: readonly ManifestText[];
}

/**
 * Kinds a deploy applies whose leftovers are looked for, besides the kinds the plan renders: the
 * ones deploy/rbac.yaml lets the deployer apply and list.
 */
const PRUNABLE: readonly { apiVersion: string; kind: string }[] = [
  { apiVersion: "apps/v1", kind: "Deployment" },
  { apiVersion: "apps/v1", kind: "StatefulSet" },
  { apiVersion: "v1", kind: "Service" },
  { apiVersion: "v1", kind: "ConfigMap" },
  { apiVersion: "v1", kind: "Secret" },
];

export async function diffPlan(target: DiffTarget, plan: Plan): Promise<PlanDiff> {
  const resources = new ResourceMap(target.api);
  const slug = planSlug(plan);
  const wanted = new Map<string, { object: KubernetesObject; services: string[] }>();
  for (const r of renderPlan(plan, planWorkloads({ namespace: target.namespace, ...(target.manifests ? { manifests: target.manifests } : {}) }))) {
    for (const object of [...r.shared, ...r.objects]) {
      const key = objectKey(object.apiVersion, object.kind, object.metadata.name);
      const entry = wanted.get(key) ?? { object, services: [] };
      if (!entry.services.includes(r.service.name)) entry.services.push(r.service.name);
      wanted.set(key, entry);
    }
  }
  const objects: ObjectDiff[] = [];
  for (const { object, services } of wanted.values()) objects.push(await diffObject(target, resources, slug, structuredClone(object), services));
  const warnings: string[] = [];
  objects.push(...(await pruned(target, resources, slug, wanted, warnings)));
  const summary: Record<ObjectChange, number> = { created: 0, changed: 0, unchanged: 0, pruned: 0, refused: 0, rejected: 0 };
  for (const o of objects) summary[o.change]++;
  return { plan: slug, namespace: target.namespace, objects, summary, changed: objects.some((o) => o.change !== "unchanged"), warnings };
}

function objectKey(apiVersion: string, kind: string, name: string): string {
  return `${apiVersion}|${kind}|${name}`;
}

function unifiedDiff(label: string, before: string, after: string): string {
  return createTwoFilesPatch(`live/${label}`, `plan/${label}`, before, after, undefined, undefined, { context: 3 });
}

async function diffObject(target: DiffTarget, resources: ResourceMap, slug: string, object: KubernetesObject, services: string[]): Promise<ObjectDiff> {
  const info = await resources.lookup(object.apiVersion, object.kind);
  const label = `${object.kind}/${object.metadata.name}`;
  const base: ObjectDiff = { kind: object.kind, name: object.metadata.name, change: "unchanged", services };
  if (!info) return { ...base, change: "rejected", message: `the server does not serve kind ${object.kind} in ${object.apiVersion}` };
  if (info.namespaced) {
    object.metadata.namespace = target.namespace;
    base.namespace = target.namespace;
  }
  const path = await resources.path(object.apiVersion, object.kind, target.namespace, object.metadata.name);
  const live = await target.api.get(path!);
  const owner = ((live?.metadata as Json | undefined)?.labels as Record<string, string> | undefined)?.[PLAN_LABEL];
  if (info.namespaced && owner !== undefined && owner !== slug) {
    return { ...base, change: "refused", message: `it belongs to plan ${owner} (label ${PLAN_LABEL}); deploy does not take over another plan's objects` };
  }
  let after: Json;
  let message: string | undefined;
  try {
    after = await dryRunApply(target.api, object, false);
  } catch (error) {
    if (!(error instanceof KubeApiError)) throw error;
    if (error.status === 409) {
      const managers = conflictManagers(error);
      message = `fields are managed by ${managers.map((m) => JSON.stringify(m)).join(", ") || "another field manager"}; deploy takes them over only from its own managers (the diff shows a forced apply)`;
      after = await dryRunApply(target.api, object, true);
    } else if (error.status === 400 || error.status === 404 || error.status === 422) {
      // 404: the namespace does not exist (the deploy does not create it either).
      return { ...base, change: "rejected", message: error.message.replace(/^cluster: /, "") };
    } else {
      throw error;
    }
  }
  const [before, next] = object.kind === "Secret" ? maskedSecrets(live, after) : [comparableYaml(live), comparableYaml(after)];
  const change: ObjectChange = live === undefined ? "created" : before === next ? "unchanged" : "changed";
  const out: ObjectDiff = { ...base, change };
  if (change !== "unchanged") out.diff = unifiedDiff(label, before, next);
  if (message !== undefined) out.message = message;
  return out;
}

function dryRunApply(api: KubeApi, object: KubernetesObject, force: boolean): Promise<Json> {
  return api.serverSideApply(object as never, { fieldManager: FIELD_MANAGER, force, dryRun: true }) as Promise<Json>;
}

/** Live objects of the plan (by label) of kinds it could have applied that it renders no more. */
async function pruned(target: DiffTarget, resources: ResourceMap, slug: string, wanted: Map<string, unknown>, warnings: string[]): Promise<ObjectDiff[]> {
  const kinds = new Map(PRUNABLE.map((k) => [`${k.apiVersion}|${k.kind}`, k]));
  for (const key of wanted.keys()) {
    const [apiVersion, kind] = key.split("|") as [string, string];
    if (kind !== "PersistentVolumeClaim") kinds.set(`${apiVersion}|${kind}`, { apiVersion, kind });
  }
  const out: ObjectDiff[] = [];
  for (const { apiVersion, kind } of kinds.values()) {
    const info = await resources.lookup(apiVersion, kind);
    if (!info?.namespaced) continue;
    const path = (await resources.path(apiVersion, kind, target.namespace))!;
    const { status, body } = await target.api.request("GET", path, { query: { labelSelector: `${PLAN_LABEL}=${slug}` } });
    if (status === 403) {
      warnings.push(`cannot list ${info.plural} in ${target.namespace} (forbidden): leftovers of that kind are not shown`);
      continue;
    }
    if (status < 200 || status >= 300) throw target.api.statusError("GET", path, status, body);
    for (const item of (body?.items ?? []) as Json[]) {
      const name = String((item.metadata as Json).name);
      if (wanted.has(objectKey(apiVersion, kind, name))) continue;
      // Names only for Secrets: their data must never reach a diff.
      const diff = kind === "Secret" ? undefined : unifiedDiff(`${kind}/${name}`, comparableYaml(item), "");
      out.push({ kind, name, namespace: target.namespace, change: "pruned", services: [], ...(diff !== undefined ? { diff } : {}) });
    }
  }
  return out;
}
