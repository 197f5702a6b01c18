/**
 * `opdeploy preflight <plan>`, also the first step of `deploy`: the plan against the live
 * cluster before anything is applied. Read-only (GETs, LISTs and SelfSubjectAccessReviews,
 * which create nothing), every check runs and every problem is reported at once, as core
 * findings so `check`'s formatters (text, JSON, SARIF) print them.
 *
 * Blocking = any error finding. A cluster that cannot be reached, or that refuses our
 * credentials (401), throws a ClusterError instead (the CLI's exit 3).
 */
import type { Finding, ManifestText, Plan } from "@openpolicy/core";
import { collectionPath } from "../cluster/kubernetes/kube-api.js";
import type { WorkloadSource } from "../cluster/plan-workloads.js";
import { planWorkloads } from "../cluster/plan-workloads.js";
import { planDigest } from "../deploy/plan-digest.js";
import { planSlug } from "../deploy/plan-slug.js";
import { checkCapacity } from "./capacity.js";
import type { PreflightContext, PreflightTarget } from "./context.js";
import { readList, renderPlan, unverified } from "./context.js";
import { checkImages } from "./images.js";
import { checkNamespace } from "./namespace.js";
import { checkMetrics } from "./observability.js";
import { checkPermissions } from "./permissions.js";
import { checkReferences } from "./references.js";

export interface PreflightOptions {
  /** Where the objects come from (default: core's renderer in the target's namespace, as deploy). */
  workloads?: WorkloadSource;
  /** The deploy will be a server-side dry run: only the verbs it uses are reviewed. */
  dryRun?: boolean;
  /** Clock in ms (lease expiry); tests move it. */
  now?: () => number;
  /**
   * `deploy --phase`: only this phase is applied, so the later phases are left out (their
   * images, references and requests); the earlier ones are already on the cluster.
   */
  phase?: string;
  /** The files services name in `manifests:`: those services are checked with the user's objects, as deploy applies them. */
  manifests?: readonly ManifestText[];
}

export interface PreflightReport {
  findings: Finding[];
  /** True when an error finding blocks the deploy. */
  blocking: boolean;
  errors: number;
  warnings: number;
  namespace: string;
}

/** The checks, in the order their findings are listed. */
export const PREFLIGHT_CHECKS = [
  ["capacity", checkCapacity],
  ["images", checkImages],
  ["namespace", checkNamespace],
  ["references", checkReferences],
  ["permissions", checkPermissions],
  ["observability", checkMetrics],
] as const;

export async function preflight(target: PreflightTarget, whole: Plan, options: PreflightOptions = {}): Promise<PreflightReport> {
  const { api, namespace } = target;
  const upTo = options.phase !== undefined ? whole.phases.findIndex((p) => p.name === options.phase) : -1;
  const plan = upTo >= 0 ? { ...whole, phases: whole.phases.slice(0, upTo + 1) } : whole;
  const early: Finding[] = [];
  const workloads = options.workloads ?? planWorkloads({ namespace, ...(options.manifests ? { manifests: options.manifests } : {}) });
  // The first read also tells whether the server answers at all: a network failure throws here.
  const nodes = await readList(api, collectionPath("v1", "nodes"));
  let pods = await readList(api, collectionPath("v1", "pods"));
  let scope: "cluster" | "namespace" = "cluster";
  if (!pods.ok) {
    scope = "namespace";
    pods = await readList(api, collectionPath("v1", "pods", namespace));
  }
  const ctx: PreflightContext = {
    api,
    namespace,
    plan,
    slug: planSlug(plan),
    // As deploy-plan.ts does: a --phase deploy records the digest of that phase alone.
    digest: planDigest(upTo >= 0 ? { ...whole, phases: [whole.phases[upTo]!] } : whole),
    rendered: renderPlan(plan, workloads),
    nodes: nodes.ok ? nodes.items : [],
    pods: { items: pods.ok ? pods.items : [], scope },
    now: options.now ?? Date.now,
    dryRun: options.dryRun === true,
  };
  if (!nodes.ok) early.push(unverified(ctx, "the nodes (capacity and images)", nodes.why));
  if (!pods.ok) early.push(unverified(ctx, "the pods on the nodes (capacity)", pods.why));
  const results = await Promise.all(PREFLIGHT_CHECKS.map(([name, check]) => (name === "capacity" || name === "images") && !nodes.ok ? [] : check(ctx)));
  const findings = [...early, ...results.flat()];
  const errors = findings.filter((f) => f.severity === "error").length;
  const warnings = findings.filter((f) => f.severity === "warning").length;
  return { findings, blocking: errors > 0, errors, warnings, namespace };
}
