/**
 * Permissions: one SelfSubjectAccessReview (authorization.k8s.io/v1, what `kubectl auth can-i`
 * sends) per verb and resource the deploy uses, in the deploy namespace — the verbs
 * deploy/rbac.yaml grants, each for the code path that needs it. Reviews create nothing. The
 * cluster-scoped reads (nodes, pods of all namespaces) only make the gates more accurate; their
 * absence is a warning, as the deploy itself only warns.
 */
import type { Finding } from "@openpolicy/core";
import type { Json } from "../cluster/kubernetes/kube-api.js";
import type { PreflightContext } from "./context.js";
import { preflightFinding, statusWhy, unverified } from "./context.js";

export const ACCESS_REVIEW_PATH = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";

export interface Permission {
  group: string;
  resource: string;
  subresource?: string;
  verbs: string[];
  /** What the deploy does with it (said when it is denied). */
  why: string;
  /** Cluster-scoped (no namespace in the review). */
  cluster?: boolean;
  /** Denied: a warning, not an error. */
  optional?: boolean;
  /** Needed by a server-side dry run too. */
  dryRun?: boolean;
}

/** What `deploy` (and its rollback) does on the API, by resource. */
export function deployPermissions(ctx: PreflightContext): Permission[] {
  const persistent = ctx.rendered.some((r) => r.objects.some((o) => o.kind === "PersistentVolumeClaim" || o.kind === "StatefulSet"));
  const validated = ctx.rendered.some((r) => r.service.validate.kind !== "none");
  const list: Permission[] = [
    { group: "apps", resource: "deployments", verbs: ["get", "list", "watch", "create", "patch", "delete"], why: "server-side apply of the workloads, readiness watches, removal on rollback", dryRun: true },
    { group: "apps", resource: "statefulsets", verbs: ["get", "list", "watch", "create", "patch", "delete"], why: "server-side apply of the workloads, readiness watches, removal on rollback", dryRun: true },
    { group: "", resource: "services", verbs: ["get", "list", "create", "patch", "delete"], why: "the workloads' Services, removed with a workload on rollback", dryRun: true },
    { group: "", resource: "configmaps", verbs: ["get", "create", "patch"], why: "the shared connections ConfigMap", dryRun: true },
    { group: "", resource: "secrets", verbs: ["get", "list", "create", "patch"], why: "the deploy history (one Secret per revision)" },
    { group: "", resource: "pods", verbs: ["get", "list", "watch"], why: "readiness, restarts and scheduling failures" },
    { group: "", resource: "events", verbs: ["list", "watch"], why: "FailedScheduling, OOMKilled and BackOff as they happen" },
    { group: "coordination.k8s.io", resource: "leases", verbs: ["get", "create", "update"], why: "the deploy lock (Lease opdeploy-<plan>)" },
    { group: "", resource: "nodes", verbs: ["list", "watch"], why: "node allocatable for the memory and CPU gates", cluster: true, dryRun: true },
    { group: "", resource: "pods", verbs: ["list"], why: "requests of other namespaces' pods on the nodes (without it the gates count only this namespace)", cluster: true, optional: true },
  ];
  if (persistent) list.push({ group: "", resource: "persistentvolumeclaims", verbs: ["get", "list", "watch", "create", "patch"], why: "the stateful services' claims", dryRun: true });
  if (validated) list.push({ group: "", resource: "pods", subresource: "portforward", verbs: ["create"], why: "validation through a port-forward to a Ready pod" });
  return ctx.dryRun ? list.filter((p) => p.dryRun) : list;
}

type Review = { allowed: boolean } | { error: string };

async function review(ctx: PreflightContext, p: Permission, verb: string): Promise<Review> {
  const resourceAttributes: Json = { verb, group: p.group, resource: p.resource, ...(p.subresource ? { subresource: p.subresource } : {}), ...(p.cluster ? {} : { namespace: ctx.namespace }) };
  const body = { apiVersion: "authorization.k8s.io/v1", kind: "SelfSubjectAccessReview", spec: { resourceAttributes } };
  const { status, body: answer } = await ctx.api.request("POST", ACCESS_REVIEW_PATH, { body, idempotent: true });
  if (status === 401) throw ctx.api.statusError("POST", ACCESS_REVIEW_PATH, status, answer);
  if (status < 200 || status >= 300) return { error: ctx.api.redact(statusWhy(status, answer)) };
  return { allowed: ((answer?.status ?? {}) as Json).allowed === true };
}

function resourceName(p: Permission): string {
  return `${p.group ? `${p.group}/` : ""}${p.resource}${p.subresource ? `/${p.subresource}` : ""}`;
}

export async function checkPermissions(ctx: PreflightContext): Promise<Finding[]> {
  const permissions = deployPermissions(ctx);
  const answers = await Promise.all(permissions.map((p) => Promise.all(p.verbs.map((verb) => review(ctx, p, verb)))));
  const failed = answers.flat().find((a): a is { error: string } => "error" in a);
  if (failed) return [unverified(ctx, "the deployer's permissions (SelfSubjectAccessReview)", failed.error)];
  const findings: Finding[] = [];
  permissions.forEach((p, i) => {
    const denied = p.verbs.filter((_, v) => !(answers[i]![v] as { allowed: boolean }).allowed);
    if (denied.length === 0) return;
    const scope = p.cluster ? "cluster-wide" : `in ${ctx.namespace}`;
    findings.push(
      preflightFinding(
        "preflight-permission",
        `the deployer may not ${denied.join(", ")} ${resourceName(p)} ${scope} (${p.why}); grant it (deploy/rbac.yaml)${p.optional ? " — the deploy runs without it, less accurately" : " or the deploy fails half-way"}.`,
        ctx.plan.location,
        [],
        p.optional ? { severity: "warning" } : {},
      ),
    );
  });
  return findings;
}
