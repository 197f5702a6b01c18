/**
 * Modes check and simulate: the pull-request dry run. Reads the head plan (and the base
 * revision's, when the event names one), checks and optionally rehearses both, and reports the
 * difference four ways — a PR comment kept up to date, the job summary, annotations on the plan
 * file, and files (JSON report, SARIF, full Markdown) whose paths become outputs.
 */
import * as core from "@actions/core";
import { context, getOctokit } from "@actions/github";
import { isAbsolute, relative } from "node:path";
import { findingsToJson, findingsToSarif, readPlanDocument, PlanLoadError, type PlanDocument } from "@openpolicy/core";
import { renderPullRequestReport, type PullRequestReportInput } from "@openpolicy/simulator";
import { analyzePlan, countFindings, type PlanAnalysis } from "./analyze-plan.js";
import { annotateFindings, annotateProblems } from "./annotations.js";
import { readBasePlan, type BasePlan } from "./base-plan.js";
import { failureReason } from "./fail-policy.js";
import { COMMENT_LIMIT_CHARS, renderWithinBytes, SUMMARY_LIMIT_BYTES } from "./fit-report.js";
import type { ActionInputs } from "./inputs.js";
import { outputDirectory, writeOutputFiles } from "./output-files.js";
import { describeCommentFailure, hiddenMarker, reportMarker, upsertComment } from "./pr-comment.js";
import { pullRequestFromEvent, type PullRequestEvent } from "./pull-request.js";
import { VERSION } from "./version.js";

/** How the plan is named in findings, annotations and SARIF: relative to the repository root. */
export function planDisplayName(planPath: string, workspace: string): string {
  const rel = isAbsolute(planPath) ? relative(workspace, planPath) : planPath;
  return rel.split("\\").join("/").replace(/^\.\//, "");
}

function runUrl(): string | undefined {
  const { serverUrl, runId } = context;
  const repository = process.env.GITHUB_REPOSITORY;
  return repository && runId ? `${serverUrl}/${repository}/actions/runs/${runId}` : undefined;
}

function verdictOf(head: PlanAnalysis): string {
  if (head.simulation) return head.simulation.verdict;
  return countFindings(head.findings).errors > 0 ? "failed" : "passed";
}

export async function runDryRun(inputs: ActionInputs): Promise<void> {
  const workspace = process.env.GITHUB_WORKSPACE || process.cwd();
  const displayName = planDisplayName(inputs.plan, workspace);
  const planPath = isAbsolute(inputs.plan) ? inputs.plan : `${workspace}/${inputs.plan}`;
  const options = { simulate: inputs.mode === "simulate", runs: inputs.runs };

  let headDocument: PlanDocument;
  try {
    headDocument = await readPlanDocument(planPath, displayName);
  } catch (error) {
    if (error instanceof PlanLoadError) {
      annotateProblems(error.problems);
      core.setOutput("verdict", "invalid");
      core.setOutput("errors", String(error.problems.length));
      core.setOutput("warnings", "0");
      core.setFailed(`opdeploy: the plan ${displayName} cannot be read (${error.problems.length} problem${error.problems.length === 1 ? "" : "s"}):\n${error.message}`);
      return;
    }
    throw error;
  }
  const head = await analyzePlan(headDocument, options);

  const pullRequest = pullRequestFromEvent(context.eventName, context.payload as Record<string, unknown>);
  let base: BasePlan | undefined;
  let baseAnalysis: PlanAnalysis | undefined;
  if (pullRequest?.baseSha) {
    base = await readBasePlan(pullRequest.baseSha, inputs.plan, displayName, workspace);
    if ("document" in base) baseAnalysis = await analyzePlan(base.document, options);
    else core.info(`opdeploy: base plan not compared: ${base.unreadable}`);
  }

  const counts = countFindings(head.findings);
  const verdict = verdictOf(head);
  const directory = outputDirectory(displayName);
  const baseNote = base && "unreadable" in base ? `> [!NOTE]\n> Not compared with the base branch: ${base.unreadable}.\n` : "";
  const url = runUrl();
  const footer = `<sub>opdeploy ${VERSION} · mode ${inputs.mode}${url ? ` · [run and full report](${url})` : ""}</sub>\n`;
  const marker = reportMarker(displayName);
  const reportInput = (maxLength: number, fullReportPath?: string): PullRequestReportInput => ({
    planFile: displayName,
    head,
    ...(baseAnalysis ? { base: baseAnalysis } : {}),
    ...(fullReportPath ? { fullReportPath } : {}),
    maxLength,
    marker,
  });
  const compose = (body: string) => `${body}${baseNote ? `\n${baseNote}` : ""}\n${footer}`;
  const extra = compose("").length;

  const fullMarkdown = compose(renderPullRequestReport(reportInput(Number.MAX_SAFE_INTEGER)));
  const files = await writeOutputFiles(directory, {
    report: {
      tool: { name: "opdeploy", version: VERSION },
      plan: displayName,
      mode: inputs.mode,
      verdict,
      ...findingsToJson(head.findings),
      totals: head.totals,
      ...(head.simulation ? { simulation: head.simulation } : {}),
      ...(head.risk ? { risk: head.risk } : {}),
      base: baseAnalysis
        ? { sha: pullRequest?.baseSha, ...findingsToJson(baseAnalysis.findings), verdict: verdictOf(baseAnalysis) }
        : { sha: pullRequest?.baseSha ?? null, unreadable: base && "unreadable" in base ? base.unreadable : "no base revision (not a pull request event)" },
    },
    sarif: findingsToSarif(head.findings, { toolVersion: VERSION, baseDirectory: workspace }),
    markdown: fullMarkdown,
  });

  annotateFindings(head.findings);

  const summary = renderWithinBytes(
    (maxLength) => compose(renderPullRequestReport(reportInput(Math.max(0, maxLength - extra), files.markdown))),
    SUMMARY_LIMIT_BYTES,
  );
  await writeJobSummary(summary);

  if (pullRequest && inputs.comment) {
    const body = compose(renderPullRequestReport(reportInput(COMMENT_LIMIT_CHARS - extra, "report.md (the job summary of this run)")));
    await postComment(inputs, pullRequest, hiddenMarker(marker), body);
  } else if (inputs.comment && !pullRequest) {
    core.info(`opdeploy: no pull request in event ${context.eventName || "(none)"}: report in the job summary only`);
  }

  core.setOutput("verdict", verdict);
  core.setOutput("errors", String(counts.errors));
  core.setOutput("warnings", String(counts.warnings));
  core.setOutput("report", files.report);
  core.setOutput("sarif", files.sarif);
  core.setOutput("markdown", files.markdown);

  const reason = failureReason(inputs.failOn, {
    ...counts,
    ...(head.simulation ? { simulationVerdict: head.simulation.verdict } : {}),
    ...(head.risk ? { unsuccessfulRuns: { count: head.risk.runs - head.risk.succeeded, runs: head.risk.runs } } : {}),
  });
  core.info(`opdeploy: ${displayName}: verdict ${verdict}, ${counts.errors} errors, ${counts.warnings} warnings`);
  if (reason) core.setFailed(`opdeploy: ${displayName}: ${reason}`);
}

async function writeJobSummary(markdown: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) {
    core.info("opdeploy: GITHUB_STEP_SUMMARY is not set (not on a runner): no job summary written");
    return;
  }
  try {
    await core.summary.addRaw(markdown).write();
  } catch (error) {
    // Like the comment, the summary is a view of the result, not the result.
    core.warning(`could not write the job summary: ${(error as Error).message}`);
  }
}

/** The comment is a courtesy: failing to post it warns, and the step's result stands on the check. */
async function postComment(inputs: ActionInputs, pullRequest: PullRequestEvent, marker: string, body: string): Promise<void> {
  if (inputs.githubToken === "") {
    core.warning("could not post the PR comment: no github-token (the default is ${{ github.token }})");
    return;
  }
  const { owner, repo } = context.repo;
  try {
    const octokit = getOctokit(inputs.githubToken);
    const result = await upsertComment(octokit, { owner, repo, issueNumber: pullRequest.number }, marker, body);
    core.info(`opdeploy: ${result.action} the report comment on #${pullRequest.number}${result.url ? ` (${result.url})` : ""}`);
  } catch (error) {
    core.warning(describeCommentFailure(error));
  }
}
