/**
 * What every preflight check reads: the plan's rendered objects (the very objects `deploy`
 * would apply, from `planWorkloads`) and a read-only view of the live cluster. Reads never
 * write; a read the deployer may not make (403) or the server does not serve (404 on a
 * collection) is answered as "unreadable" so the check can say what it could not verify —
 * all problems are reported at once, none hides another. Only a server that cannot be reached
 * or refuses our credentials (401) throws: that is the exit-3 case, not a finding.
 */
import type { KubernetesObject, Plan, Service, SourceLocation } from "@openpolicy/core";
import { RULES, type Finding, type RuleId } from "@openpolicy/core";
import type { Json, KubeApi } from "../cluster/kubernetes/kube-api.js";
import { KubeApiError } from "../cluster/kubernetes/kube-api.js";
import type { WorkloadSource } from "../cluster/plan-workloads.js";

/** A cluster to check against: a connected `KubernetesCluster` or just its API and namespace. */
export interface PreflightTarget {
  api: KubeApi;
  namespace: string;
}

/** One service's rendered objects, as `deploy` applies them. */
export interface RenderedService {
  service: Service;
  objects: KubernetesObject[];
  shared: KubernetesObject[];
}

export type ListResult = { ok: true; items: Json[] } | { ok: false; why: string };
export type GetResult = { ok: true; object: Json | undefined } | { ok: false; why: string };

export interface PreflightContext {
  api: KubeApi;
  namespace: string;
  plan: Plan;
  /** The plan's slug: the value of opdeploy.io/plan on its objects. */
  slug: string;
  /** The content digest the deploy records in its revision (planDigest of what it deploys). */
  digest: string;
  /** Services in rollout order (phase, batch), each once. */
  rendered: RenderedService[];
  /** Every node (cluster-scoped list, read once). */
  nodes: Json[];
  /** Pods of every namespace, or of the deploy namespace only when the cluster-wide list is forbidden. */
  pods: { items: Json[]; scope: "cluster" | "namespace" };
  now: () => number;
  /** Whether the deploy will be a server-side dry run (fewer verbs needed). */
  dryRun: boolean;
}

export function statusWhy(status: number, body: Json | undefined): string {
  const message = typeof body?.message === "string" ? body.message : "";
  const what = status === 403 ? "forbidden" : status === 404 ? "not served" : `HTTP ${status}`;
  return message ? `${what}: ${message}` : what;
}

/** 401 means the API server refused our credentials: the whole preflight cannot run (exit 3). */
function refuseUnauthorized(api: KubeApi, method: string, path: string, status: number, body: Json | undefined): void {
  if (status === 401) throw api.statusError(method, path, status, body);
}

export async function readList(api: KubeApi, path: string, labelSelector?: string): Promise<ListResult> {
  const { status, body } = await api.request("GET", path, labelSelector ? { query: { labelSelector } } : {});
  refuseUnauthorized(api, "GET", path, status, body);
  if (status < 200 || status >= 300) return { ok: false, why: api.redact(statusWhy(status, body)) };
  return { ok: true, items: Array.isArray(body?.items) ? (body.items as Json[]) : [] };
}

/** One object: `object` undefined when it does not exist (404). */
export async function readObject(api: KubeApi, path: string): Promise<GetResult> {
  const { status, body } = await api.request("GET", path);
  refuseUnauthorized(api, "GET", path, status, body);
  if (status === 404) return { ok: true, object: undefined };
  if (status < 200 || status >= 300) return { ok: false, why: api.redact(statusWhy(status, body)) };
  return { ok: true, object: body };
}

/** A finding of `rule`; `severity` overrides the rule's default where one rule covers both cases. */
export function preflightFinding(
  rule: RuleId,
  message: string,
  location: SourceLocation,
  services: string[] = [],
  extra: { phase?: string; severity?: Finding["severity"] } = {},
): Finding {
  const finding: Finding = { rule, severity: extra.severity ?? RULES[rule].severity, message, services, location };
  if (extra.phase !== undefined) finding.phase = extra.phase;
  return finding;
}

/** "could not verify X: forbidden: …" */
export function unverified(ctx: PreflightContext, what: string, why: string, services: string[] = []): Finding {
  return preflightFinding("preflight-unverified", `could not verify ${what}: ${why}`, ctx.plan.location, services);
}

/** The rendered services of `plan` in rollout order, each once. */
export function renderPlan(plan: Plan, workloads: WorkloadSource): RenderedService[] {
  const seen = new Set<string>();
  const out: RenderedService[] = [];
  for (const phase of plan.phases) {
    for (const batch of phase.batches) {
      for (const name of batch.services) {
        const service = plan.services.get(name);
        if (!service || seen.has(name)) continue;
        seen.add(name);
        const spec = workloads(plan, service);
        out.push({ service, objects: spec.objects ?? [], shared: spec.shared ?? [] });
      }
    }
  }
  return out;
}

export function isKubeApiError(error: unknown): error is KubeApiError {
  return error instanceof KubeApiError;
}

/** Pod templates of a service's workload objects (Deployment / StatefulSet). */
export function podTemplates(objects: readonly KubernetesObject[]): Json[] {
  return objects
    .filter((o) => o.kind === "Deployment" || o.kind === "StatefulSet")
    .map((o) => ((o.spec as Json | undefined)?.template as Json | undefined) ?? {});
}

/** Containers and init containers of a pod spec. */
export function containersOf(podSpec: Json | undefined): Json[] {
  return [...(((podSpec?.initContainers as Json[] | undefined) ?? [])), ...(((podSpec?.containers as Json[] | undefined) ?? []))];
}
