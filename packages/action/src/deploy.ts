/**
 * Modes deploy and rollback: a real cluster changes. In order, so that nothing reaches the
 * cluster that must not:
 * 1. refuse code from a fork's pull request (it would run with the repository's cluster
 *    credentials);
 * 2. read and check the plan: a plan that cannot be read, or (deploy) has error findings, stops
 *    here, annotated like mode check — before the kubeconfig is even written to disk;
 * 3. connect with the kubeconfig (content → a private temp file, deleted in `finally`);
 * 4. preflight (preflight-step.ts; skipped with `skip-preflight: true`): the live cluster read,
 *    nothing applied; blocking findings stop here (verdict not-run);
 * 5. deploy (`deployPlan`: phases, gates, automatic rollback, a revision per run, the Lease
 *    lock) or roll back (`rollbackPlan`), printing progress per phase; SIGINT/SIGTERM from a
 *    cancelled workflow stop the deploy at the next step boundary, resumable by the next run.
 * Outputs `verdict` and `revision`; the job summary gets a short report without credentials.
 */
import * as core from "@actions/core";
import { context } from "@actions/github";
import { isAbsolute } from "node:path";
import { checkPlanDocument, PlanLoadError, readPlanDocument, type PlanDocument } from "@openpolicy/core";
import { deployGuard } from "@openpolicy/simulator";
import {
  DeployLockedError,
  KubernetesCluster,
  deployPlan,
  planSlug,
  redactCredentials,
  rollbackPlan,
  type DeployResult,
  type KubernetesClusterOptions,
  type RollbackOutcome,
} from "@openpolicy/simulator/kubernetes";
import { abortOnSignals } from "./abort-on-signal.js";
import { annotateFindings, annotateProblems } from "./annotations.js";
import { DeployLog } from "./deploy-log.js";
import { renderDeployReport, renderRollbackReport, type DeployReportContext } from "@openpolicy/simulator";
import { planDisplayName } from "./dry-run.js";
import type { ActionInputs } from "./inputs.js";
import { describeLease } from "./lease-holder.js";
import { prepareKubeconfig } from "./kubeconfig-input.js";
import { runPreflight } from "./preflight-step.js";
import { pullRequestFromEvent } from "./pull-request.js";
import { VERSION } from "./version.js";

export class DeployRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DeployRefusedError";
  }
}

export type DeployInputs = ActionInputs & { mode: "deploy" | "rollback" };

/** Throws when the event is a pull request whose head lives in another repository. */
export function refuseForkDeploy(eventName: string, payload: Record<string, unknown>, mode: string): void {
  const pullRequest = pullRequestFromEvent(eventName, payload);
  if (pullRequest?.fromFork) {
    throw new DeployRefusedError(
      `opdeploy: refusing mode ${mode} on ${eventName} #${pullRequest.number}: its head (${pullRequest.headRepo ?? "a deleted repository"}) is a fork of ${pullRequest.baseRepo ?? "this repository"}; a fork's code must never reach the cluster credentials. Use mode check or simulate for pull requests.`,
    );
  }
}

/**
 * Error text safe to print: known credentials and bearer tokens replaced, `user:password@` of a
 * URL dropped, and only the first line — a YAML parser's error goes on with the offending lines
 * of the kubeconfig itself.
 */
export function safeErrorMessage(error: unknown, secrets: readonly string[]): string {
  const text = error instanceof Error ? error.message : String(error);
  const firstLine = text.split(/\r?\n/)[0] ?? "";
  return redactCredentials(firstLine, secrets).replace(/(\/\/)[^/@\s]+@/g, "$1***@");
}

function runUrl(): string | undefined {
  const { serverUrl, runId } = context;
  const repository = process.env.GITHUB_REPOSITORY;
  return repository && runId ? `${serverUrl}/${repository}/actions/runs/${runId}` : undefined;
}

async function writeJobSummary(markdown: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  try {
    await core.summary.addRaw(markdown).write();
  } catch (error) {
    core.warning(`could not write the job summary: ${(error as Error).message}`);
  }
}

/** Reads the plan; on a load error annotates it and fails (verdict invalid), returning undefined. */
async function readPlan(inputs: DeployInputs, displayName: string): Promise<PlanDocument | undefined> {
  const workspace = process.env.GITHUB_WORKSPACE || process.cwd();
  const planPath = isAbsolute(inputs.plan) ? inputs.plan : `${workspace}/${inputs.plan}`;
  try {
    return await readPlanDocument(planPath, displayName);
  } catch (error) {
    if (!(error instanceof PlanLoadError)) throw error;
    annotateProblems(error.problems);
    core.setOutput("verdict", "invalid");
    core.setFailed(`opdeploy: the plan ${displayName} cannot be read (${error.problems.length} problem${error.problems.length === 1 ? "" : "s"}); mode ${inputs.mode} did not touch the cluster:\n${error.message}`);
    return undefined;
  }
}

/**
 * Check findings as mode check reports them, then the deploy guard shared with the CLI
 * (@openpolicy/simulator deployGuard): error findings refuse a deploy unless `force`;
 * `fail-on: warning` refuses on warnings too; a rollback is never refused by findings.
 */
function checkBeforeDeploy(inputs: DeployInputs, document: PlanDocument, displayName: string): boolean {
  const findings = checkPlanDocument(document);
  annotateFindings(findings);
  const guard = deployGuard(findings, { force: inputs.force, failOn: inputs.failOn, mode: inputs.mode });
  core.setOutput("errors", String(guard.errors));
  core.setOutput("warnings", String(guard.warnings));
  if (guard.forced) core.warning(`opdeploy: deploying ${displayName} despite ${guard.reasons.join(", ")} (force: true)`);
  if (guard.allowed) return true;
  core.setOutput("verdict", "not-run");
  core.setFailed(`opdeploy: refusing to deploy ${displayName}: ${guard.reasons.join(", ")} (see the annotations; input force: true deploys anyway); the cluster was not touched`);
  return false;
}

export async function runDeploy(inputs: DeployInputs): Promise<void> {
  refuseForkDeploy(context.eventName, context.payload as Record<string, unknown>, inputs.mode);
  const workspace = process.env.GITHUB_WORKSPACE || process.cwd();
  const displayName = planDisplayName(inputs.plan, workspace);
  const document = await readPlan(inputs, displayName);
  if (!document || !checkBeforeDeploy(inputs, document, displayName)) return;
  const plan = document.plan;
  const namespace = inputs.namespace || plan.namespace;
  const url = runUrl();
  const report: DeployReportContext = {
    planFile: displayName,
    planName: planSlug(plan),
    namespace,
    footer: `<sub>opdeploy ${VERSION} · mode ${inputs.mode}${url ? ` · [run](${url})` : ""}</sub>`,
  };

  const kubeconfig = await prepareKubeconfig(inputs.kubeconfig);
  const log = new DeployLog(plan);
  const stop = abortOnSignals((name) => {
    log.close();
    core.warning(`opdeploy: ${name} received (workflow cancelled): stopping at the next step boundary; the revision stays resumable`);
  });
  let verdict = "not-run";
  let cluster: KubernetesCluster | undefined;
  try {
    const options: KubernetesClusterOptions = { namespace, warn: (message) => core.warning(redactCredentials(message, kubeconfig.secrets)) };
    if (kubeconfig.path !== undefined) options.kubeconfig = kubeconfig.path;
    if (inputs.context) options.context = inputs.context;
    if (inputs.dryRun) options.dryRun = true;
    try {
      cluster = await KubernetesCluster.connect(options);
    } catch (error) {
      throw new Error(`opdeploy: cannot connect to the cluster (kubeconfig from ${kubeconfig.source === "content" ? "the kubeconfig input" : kubeconfig.source === "file" ? "a file" : "the runner's defaults"}): ${safeErrorMessage(error, kubeconfig.secrets)}`);
    }
    core.info(`opdeploy: ${inputs.mode}${inputs.dryRun ? " (server-side dry run)" : ""} of ${displayName} (plan ${report.planName}) to namespace ${cluster.namespace}`);
    if (stop.signal.aborted) {
      verdict = "interrupted";
      core.setFailed(`opdeploy: ${inputs.mode} cancelled before it started; nothing was changed`);
      return;
    }
    verdict = "failed";
    if (inputs.mode === "deploy") {
      let preflightSection = "";
      if (!inputs.skipPreflight) {
        const checked = await runPreflight(cluster, plan, displayName, kubeconfig.secrets, inputs.dryRun, document.manifests);
        preflightSection = checked.markdown;
        if (!checked.allowed) {
          verdict = "not-run";
          log.close();
          await writeJobSummary(`${preflightSection}\n${report.footer}\n`);
          return;
        }
      }
      const deployed = await deployPlan(plan, {
        cluster,
        manifests: document.manifests,
        onProgress: log.onProgress,
        signal: stop.signal,
        ...(inputs.dryRun ? { dryRun: true } : {}),
        ...(inputs.settleSeconds !== undefined ? { settleSeconds: inputs.settleSeconds } : {}),
      });
      verdict = deployed.verdict;
      finishDeploy(deployed, log, displayName);
      await writeJobSummary(`${preflightSection ? `${preflightSection}\n` : ""}${renderDeployReport(report, deployed)}`);
    } else {
      const outcome = await rollbackPlan({
        cluster,
        plan: report.planName,
        ...(inputs.toRevision !== undefined ? { toRevision: inputs.toRevision } : {}),
        timeoutSeconds: plan.rollback.timeoutSeconds,
        onProgress: log.onRollbackProgress,
      });
      log.close();
      verdict = outcome.verdict;
      finishRollback(outcome, displayName);
      await writeJobSummary(renderRollbackReport(report, outcome));
    }
  } catch (error) {
    log.close();
    if (error instanceof DeployLockedError && cluster) {
      verdict = "not-run";
      const holder = await describeLease(cluster, `opdeploy-${report.planName}`).catch(() => undefined);
      core.setFailed(
        `opdeploy: ${inputs.mode} of ${displayName} refused: ${holder ?? safeErrorMessage(error, kubeconfig.secrets)}. Another deploy or rollback of this plan is running; queue runs with a \`concurrency:\` group (cancel-in-progress: false) instead of starting them side by side.`,
      );
      return;
    }
    const message = safeErrorMessage(error, kubeconfig.secrets);
    core.setFailed(message.startsWith("opdeploy: ") ? message : `opdeploy: ${inputs.mode} of ${displayName} failed: ${message}`);
    await writeJobSummary(`### opdeploy ${inputs.mode} of \`${displayName}\`: ❌ ${verdict}\n\n${message.replace(/\|/g, "\\|")}\n\n${report.footer}\n`);
  } finally {
    core.setOutput("verdict", verdict);
    stop.dispose();
    await cluster?.close();
    await kubeconfig.dispose();
  }
}

function finishDeploy(deployed: DeployResult, log: DeployLog, displayName: string): void {
  log.close();
  if (deployed.result) log.result(deployed.result);
  core.setOutput("revision", deployed.revision !== undefined ? String(deployed.revision) : "");
  if (deployed.dryRun) {
    core.info(`opdeploy: server-side dry run of ${displayName}: ${deployed.objects?.length ?? 0} object(s) accepted; nothing changed, no revision recorded`);
    return;
  }
  if (deployed.verdict === "succeeded") {
    core.info(`opdeploy: ${displayName} deployed as revision ${deployed.revision}`);
  } else if (deployed.verdict === "interrupted") {
    core.setFailed(`opdeploy: deploy of ${displayName} interrupted; revision ${deployed.revision} keeps its completed steps and the next deploy resumes it`);
  } else {
    const failure = deployed.result?.failure;
    core.setFailed(`opdeploy: deploy of ${displayName} ${deployed.verdict} (revision ${deployed.revision})${failure ? `: ${failure.message}` : ""}`);
  }
}

function finishRollback(outcome: RollbackOutcome, displayName: string): void {
  core.setOutput("revision", outcome.revision !== undefined ? String(outcome.revision) : "");
  const target = outcome.to !== undefined ? `revision ${outcome.to}` : "no earlier revision (services removed, volumes kept)";
  if (outcome.verdict === "succeeded") {
    core.info(`opdeploy: ${displayName} rolled back from revision ${outcome.from} to ${target}${outcome.revision !== undefined ? `, recorded as revision ${outcome.revision}` : ""}`);
  } else {
    const unsettled = outcome.services.filter((s) => !s.ok).map((s) => s.service);
    core.setFailed(`opdeploy: rollback of ${displayName} from revision ${outcome.from} to ${target} did not complete before the plan's rollback timeout${unsettled.length ? ` (not settled: ${unsettled.join(", ")})` : ""}`);
  }
}
