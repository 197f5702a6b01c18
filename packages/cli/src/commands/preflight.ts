/**
 * `opdeploy preflight <plan>`: the plan against the live cluster, read-only, every problem at
 * once (capacity, images, namespace leftovers and ownership, Secrets/ConfigMaps/StorageClasses,
 * RBAC, metrics-server) — the first step of `deploy` too. Findings print as `check`'s do (text,
 * JSON, SARIF). Exit 0 (nothing blocks), 1 (error findings), 3 (cluster unreachable or refusing).
 */
import { findingsToJson, findingsToSarif, formatFindingsText, readPlanDocument, type Finding, type ManifestText, type Plan } from "@openpolicy/core";
import type { Io } from "../cli-io.js";
import type { Command } from "../command.js";
import { formatOption, singleArg } from "../command.js";
import { EXIT } from "../exit-codes.js";
import type { KubernetesCluster, KubernetesModule } from "../kube-connect.js";
import { KUBE_HELP, KUBE_OPTIONS, clusterFailure, connectApi } from "../kube-connect.js";
import { VERSION } from "../version.js";

/**
 * Preflight as the first step of `deploy`, on the cluster it already connected: findings on
 * stderr, true when nothing blocks. The connection warned about a missing metrics-server already,
 * so that finding is not repeated (said once).
 */
export async function preflightBeforeDeploy(
  k8s: KubernetesModule,
  cluster: KubernetesCluster,
  plan: Plan,
  io: Io,
  redact: (text: string) => string,
  dryRun: boolean,
  phase: string | undefined,
  manifests: readonly ManifestText[] = [],
): Promise<boolean> {
  const report = await k8s.preflight(cluster, plan, { dryRun, manifests, ...(phase !== undefined ? { phase } : {}) });
  const shown = report.findings.filter((f) => f.rule !== "preflight-no-metrics");
  if (shown.length > 0) io.err(redact(`preflight (namespace ${report.namespace}):\n${formatFindingsText(shown, { color: io.errColor })}`.trimEnd()));
  return !report.blocking;
}

function print(io: Io, format: "text" | "json" | "sarif", findings: Finding[], redact: (text: string) => string): void {
  if (format === "json") io.out(redact(JSON.stringify(findingsToJson(findings), null, 2)));
  else if (format === "sarif") io.out(redact(JSON.stringify(findingsToSarif(findings, { toolVersion: VERSION }), null, 2)));
  else io.out(redact(formatFindingsText(findings, { color: io.color })));
}

export const preflightCommand: Command = {
  name: "preflight",
  summary: "Check the live cluster before a deploy: capacity, images, leftovers, Secrets, RBAC, metrics",
  args: "<plan>",
  options: { ...KUBE_OPTIONS },
  help: ["-f, --format FORMAT      text (default), json or sarif", ...KUBE_HELP],
  async run(parsed, io) {
    const format = formatOption(parsed, "preflight", ["text", "json", "sarif"] as const);
    const file = singleArg(parsed, "preflight", "plan file");
    const doc = await readPlanDocument(file);
    const { k8s, api, target, redact } = await connectApi("preflight", parsed, doc.plan);
    try {
      const report = await k8s.preflight({ api, namespace: target.namespace }, doc.plan, { manifests: doc.manifests });
      if (format === "text") io.err(`preflight of ${file} against ${redact(api.server)}, namespace ${target.namespace}`);
      print(io, format, report.findings, redact);
      return report.blocking ? EXIT.failed : EXIT.ok;
    } catch (error) {
      throw clusterFailure("preflight", error, k8s, redact);
    }
  },
};
