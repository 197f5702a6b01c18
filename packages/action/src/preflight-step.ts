/**
 * Mode deploy's preflight (the CLI's `opdeploy deploy` runs the same): the live cluster read
 * before anything is applied — capacity, images, namespace leftovers and ownership, referenced
 * Secrets/ConfigMaps/StorageClasses, RBAC, metrics-server (@openpolicy/simulator preflight).
 * Findings become annotations on the plan file and a section of the job summary; blocking ones
 * refuse the deploy (verdict not-run) unless `skip-preflight: true`.
 */
import * as core from "@actions/core";
import type { ManifestText, Plan } from "@openpolicy/core";
import { findingsTable } from "@openpolicy/simulator";
import { preflight, redactCredentials, type KubernetesCluster } from "@openpolicy/simulator/kubernetes";
import { annotateFindings } from "./annotations.js";

export interface PreflightOutcome {
  allowed: boolean;
  /** The job summary's preflight section (empty when nothing was found). */
  markdown: string;
}

export async function runPreflight(cluster: KubernetesCluster, plan: Plan, displayName: string, secrets: readonly string[], dryRun: boolean, manifests: readonly ManifestText[] = []): Promise<PreflightOutcome> {
  const report = await preflight(cluster, plan, { dryRun, manifests });
  const findings = report.findings.map((f) => ({ ...f, message: redactCredentials(f.message, [...secrets]) }));
  // The connection already warned about a missing metrics-server: not annotated twice (the summary lists it).
  annotateFindings(findings.filter((f) => f.rule !== "preflight-no-metrics"));
  if (findings.length === 0) {
    core.info(`opdeploy: preflight of ${displayName} against namespace ${report.namespace}: no problems found`);
    return { allowed: true, markdown: "" };
  }
  const counts = `${report.errors} error${report.errors === 1 ? "" : "s"}, ${report.warnings} warning${report.warnings === 1 ? "" : "s"}`;
  core.info(`opdeploy: preflight of ${displayName} against namespace ${report.namespace}: ${counts}`);
  const heading = report.blocking ? `### opdeploy preflight of \`${displayName}\`: ❌ ${counts} — nothing was applied` : `### opdeploy preflight of \`${displayName}\`: ${counts}`;
  const markdown = `${heading}\n\n${findingsTable(findings)}\n`;
  if (report.blocking) {
    core.setFailed(
      `opdeploy: refusing to deploy ${displayName}: preflight found ${counts} against namespace ${report.namespace} (see the annotations and the job summary; input skip-preflight: true deploys anyway); nothing was applied`,
    );
  }
  return { allowed: !report.blocking, markdown };
}
