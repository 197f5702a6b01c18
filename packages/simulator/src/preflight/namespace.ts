/**
 * The namespace as the deploy will find it:
 * - it exists (the rendered objects do not create it; a Role-only deployer cannot read it, and
 *   then it exists — its RoleBinding lives there);
 * - every object the plan would apply that exists already: labelled for another plan (the deploy
 *   refuses it: an error naming it) or unlabelled (adopted, as `kubectl apply` does: a warning);
 * - leftovers of an interrupted deploy: the latest revision still `deploying` (resume offered
 *   when it is this plan's content, else the next deploy marks it failed);
 * - the plan's Lease held by a live deployer: a warning — the deploy's own lease step refuses
 *   with the holder and expiry (exit 3); the lock is transient, not a defect of plan or cluster.
 */
import type { Finding, KubernetesObject } from "@openpolicy/core";
import type { Json } from "../cluster/kubernetes/kube-api.js";
import { collectionPath } from "../cluster/kubernetes/kube-api.js";
import { timestampMs } from "../cluster/kubernetes/kstatus.js";
import { PLAN_LABEL } from "../cluster/kubernetes/render-workload.js";
import { LEASE_DURATION_SECONDS } from "../deploy/lease-lock.js";
import { RevisionStore } from "../deploy/revisions.js";
import type { Revision } from "../deploy/revisions.js";
import type { PreflightContext } from "./context.js";
import { isKubeApiError, preflightFinding, readList, readObject, unverified } from "./context.js";

/** apiVersion and REST collection of the kinds the renderer writes. */
const COLLECTIONS: Record<string, { apiVersion: string; plural: string }> = {
  Deployment: { apiVersion: "apps/v1", plural: "deployments" },
  StatefulSet: { apiVersion: "apps/v1", plural: "statefulsets" },
  Service: { apiVersion: "v1", plural: "services" },
  ConfigMap: { apiVersion: "v1", plural: "configmaps" },
  PersistentVolumeClaim: { apiVersion: "v1", plural: "persistentvolumeclaims" },
  Secret: { apiVersion: "v1", plural: "secrets" },
  ServiceAccount: { apiVersion: "v1", plural: "serviceaccounts" },
};

export async function checkNamespace(ctx: PreflightContext): Promise<Finding[]> {
  const [exists, objects, leftovers, lease] = await Promise.all([namespaceExists(ctx), ownership(ctx), interrupted(ctx), heldLease(ctx)]);
  return [...exists, ...objects, ...leftovers, ...lease];
}

async function namespaceExists(ctx: PreflightContext): Promise<Finding[]> {
  const read = await readObject(ctx.api, collectionPath("v1", "namespaces", undefined, ctx.namespace));
  if (!read.ok || read.object !== undefined) return [];
  return [preflightFinding("preflight-missing-reference", `namespace ${ctx.namespace} does not exist; create it first (kubectl create namespace ${ctx.namespace}) — the deploy does not.`, ctx.plan.location)];
}

/** The objects to apply, each once, with the services that apply them. */
function objectsToApply(ctx: PreflightContext): Map<string, { object: KubernetesObject; services: string[] }> {
  const out = new Map<string, { object: KubernetesObject; services: string[] }>();
  for (const r of ctx.rendered) {
    for (const object of [...r.shared, ...r.objects]) {
      const key = `${object.kind}/${object.metadata.name}`;
      const entry = out.get(key) ?? { object, services: [] };
      entry.services.push(r.service.name);
      out.set(key, entry);
    }
  }
  return out;
}

async function ownership(ctx: PreflightContext): Promise<Finding[]> {
  const wanted = objectsToApply(ctx);
  const kinds = [...new Set([...wanted.values()].map((w) => w.object.kind))].filter((k) => COLLECTIONS[k] !== undefined);
  const findings: Finding[] = [];
  const lists = await Promise.all(kinds.map(async (kind) => [kind, await readList(ctx.api, collectionPath(COLLECTIONS[kind]!.apiVersion, COLLECTIONS[kind]!.plural, ctx.namespace))] as const));
  const unmanaged: { key: string; services: string[] }[] = [];
  for (const [kind, list] of lists) {
    if (!list.ok) {
      findings.push(unverified(ctx, `which ${kind} objects already exist in ${ctx.namespace}`, list.why));
      continue;
    }
    const live = new Map(list.items.map((o) => [String((o.metadata as Json).name), o]));
    for (const [key, w] of wanted) {
      if (w.object.kind !== kind) continue;
      const existing = live.get(w.object.metadata.name);
      if (!existing) continue;
      const owner = ((existing.metadata as Json).labels as Record<string, string> | undefined)?.[PLAN_LABEL];
      if (owner === ctx.slug) continue;
      if (owner === undefined) {
        unmanaged.push({ key, services: w.services });
        continue;
      }
      const location = ctx.plan.services.get(w.services[0]!)?.location ?? ctx.plan.location;
      findings.push(
        preflightFinding(
          "preflight-object-conflict",
          `${key} in ${ctx.namespace} belongs to plan ${owner} (label ${PLAN_LABEL}); plan ${ctx.slug} does not take over another plan's objects (the deploy would stop there, half-way). Rename the service or deploy into another namespace.`,
          location,
          w.services,
        ),
      );
    }
  }
  if (unmanaged.length > 0) {
    findings.push(
      preflightFinding(
        "preflight-object-unmanaged",
        `${unmanaged.length} object(s) the plan applies already exist without ${PLAN_LABEL}: ${unmanaged.map((u) => u.key).join(", ")}. The deploy adopts them (as kubectl apply does); if another tool manages them, stop it first.`,
        ctx.plan.location,
        [...new Set(unmanaged.flatMap((u) => u.services))],
      ),
    );
  }
  return findings;
}

async function interrupted(ctx: PreflightContext): Promise<Finding[]> {
  let latest: Revision | undefined;
  try {
    latest = (await new RevisionStore(ctx.api, ctx.namespace).list(ctx.slug)).at(-1);
  } catch (error) {
    if (isKubeApiError(error) && error.status !== 401) return [unverified(ctx, `the deploy history of ${ctx.slug}`, `HTTP ${error.status}`)];
    throw error;
  }
  if (latest?.status !== "deploying") return [];
  const done = [...new Set(latest.steps.filter((s) => s.status === "succeeded").map((s) => s.service))];
  const same = latest.digest === ctx.digest;
  const message = same
    ? `revision ${latest.version} of this plan was interrupted with ${done.length} step(s) done (${done.join(", ") || "none"}); \`opdeploy deploy\` resumes it without applying those again.`
    : `revision ${latest.version} (${latest.description}) was interrupted and came from different plan content; the next deploy marks it failed and starts a new revision — the objects it applied stay until then.`;
  return [preflightFinding("preflight-interrupted-deploy", message, ctx.plan.location, done)];
}

async function heldLease(ctx: PreflightContext): Promise<Finding[]> {
  const name = `opdeploy-${ctx.slug}`;
  const read = await readObject(ctx.api, collectionPath("coordination.k8s.io/v1", "leases", ctx.namespace, name));
  if (!read.ok) return [unverified(ctx, `the Lease ${name}`, read.why)];
  const spec = (read.object?.spec ?? {}) as Json;
  const holder = spec.holderIdentity;
  if (typeof holder !== "string" || holder === "") return [];
  const renewed = timestampMs(spec.renewTime) ?? timestampMs(spec.acquireTime) ?? 0;
  const duration = typeof spec.leaseDurationSeconds === "number" ? spec.leaseDurationSeconds : LEASE_DURATION_SECONDS;
  const age = Math.max(0, Math.round((ctx.now() - renewed) / 1000));
  // A lease older than its duration is stale: its holder died and the deploy takes it over (lease-lock.ts).
  if (age > duration) return [];
  return [
    preflightFinding(
      "preflight-lease-held",
      `Lease ${name} is held by ${holder} (renewed ${age} s ago, valid ${duration} s): another deploy or rollback of this plan is running, and a deploy started now is refused (exit 3); wait for it, or for the lease to expire once its holder stops.`,
      ctx.plan.location,
    ),
  ];
}
