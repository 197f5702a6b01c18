/**
 * Observability: whether metrics.k8s.io answers (metrics-server). Without it the gates and the
 * memory trigger measure requests instead of usage (KubernetesCluster falls back the same way,
 * METRICS_UNAVAILABLE_WARNING); said once, here, before the deploy.
 */
import type { Finding } from "@openpolicy/core";
import type { PreflightContext } from "./context.js";
import { preflightFinding, statusWhy } from "./context.js";

export async function checkMetrics(ctx: PreflightContext): Promise<Finding[]> {
  const { status, body } = await ctx.api.request("GET", "/apis/metrics.k8s.io/v1beta1/nodes");
  if (status >= 200 && status < 300) return [];
  if (status === 401) throw ctx.api.statusError("GET", "/apis/metrics.k8s.io/v1beta1/nodes", status, body);
  return [
    preflightFinding(
      "preflight-no-metrics",
      `metrics.k8s.io does not answer (${ctx.api.redact(statusWhy(status, body))}; kind ships no metrics-server): the gates and the memory trigger will measure requests, not usage. Install metrics-server for usage-based gates.`,
      ctx.plan.rollback.location,
    ),
  ];
}
