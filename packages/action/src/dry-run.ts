/**
 * Modes check and simulate: the pull-request dry run. Reads the head plan (and the base
 * revision's, when the event names one), checks and optionally rehearses both, and reports the
 * difference four ways — a PR comment kept up to date, the job summary, annotations on the plan
 * file, and files (JSON report, SARIF, full Markdown) whose paths become outputs.
 */
import * as core from "@actions/core";
import { context } from "@actions/github";
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
import { crashMarkdown, unreadablePlanMarkdown } from "./failure-report.js";
import { hiddenMarker, reportMarker } from "./pr-comment.js";
import { clusterDiff } from "./cluster-diff.js";
import { pullRequestFromEvent, type PullRequestEvent } from "./pull-request.js";
import { displayable, fitDisplayable, postComment, publishFailure, writeJobSummary, type Publication } from "./publish-report.js";
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

/**
 * Reads, analyses and publishes. Whatever stops it — a plan that cannot be read, or a failure of
 * the action itself — is published too, to the comment and the summary, so the PR never keeps
 * an earlier push's verdict for a revision that was not checked.
 */
export async function runDryRun(inputs: ActionInputs): Promise<void> {
  const workspace = process.env.GITHUB_WORKSPACE || process.cwd();
  const displayName = planDisplayName(inputs.plan, workspace);
  const pullRequest = pullRequestFromEvent(context.eventName, context.payload as Record<string, unknown>);
  const marker = reportMarker(displayName);
  const publication: Publication = { githubToken: inputs.githubToken, comment: inputs.comment, pullRequest, marker: hiddenMarker(marker) };
  try {
    await dryRun(inputs, { workspace, displayName, pullRequest, marker, publication });
  } catch (error) {
    if (error instanceof PlanLoadError) {
      await reportUnreadablePlan(publication, displayName, error);
      return;
    }
    await publishFailure(publication, crashMarkdown(publication.marker, displayName, error));
    throw error;
  }
}

interface DryRunContext {
  workspace: string;
  displayName: string;
  pullRequest: PullRequestEvent | undefined;
  marker: string;
  publication: Publication;
}

async function reportUnreadablePlan(publication: Publication, displayName: string, error: PlanLoadError): Promise<void> {
  annotateProblems(error.problems);
  core.setOutput("verdict", "invalid");
  core.setOutput("errors", String(error.problems.length));
  core.setOutput("warnings", "0");
  await publishFailure(publication, unreadablePlanMarkdown(publication.marker, displayName, error.problems));
  core.setFailed(`opdeploy: the plan ${displayName} cannot be read (${error.problems.length} problem${error.problems.length === 1 ? "" : "s"}):\n${error.message}`);
}

async function dryRun(inputs: ActionInputs, run: DryRunContext): Promise<void> {
  const { workspace, displayName, pullRequest, marker, publication } = run;
  const planPath = isAbsolute(inputs.plan) ? inputs.plan : `${workspace}/${inputs.plan}`;
  const options = { simulate: inputs.mode === "simulate", runs: inputs.runs };
  const headDocument: PlanDocument = await readPlanDocument(planPath, displayName);
  const head = await analyzePlan(headDocument, options);

  let base: BasePlan | undefined;
  let baseAnalysis: PlanAnalysis | undefined;
  if (pullRequest?.baseSha) {
    base = await readBasePlan(pullRequest.baseSha, inputs.plan, displayName, workspace);
    if ("document" in base) baseAnalysis = await analyzePlan(base.document, options);
    else core.info(`opdeploy: base plan not compared: ${base.unreadable}`);
  }

  const diff = await clusterDiff(inputs, headDocument);
  // Fixes placed in the plan text, as `opdeploy check -f json|sarif` places them (code scanning
  // offers SARIF fixes as suggestions).
  const fixRegions = headDocument.locateEdit ? { locate: headDocument.locateEdit } : {};
  const counts = countFindings(head.findings);
  const verdict = verdictOf(head);
  const directory = outputDirectory(displayName);
  const baseNote = base && "unreadable" in base ? `> [!NOTE]\n> Not compared with the base branch: ${base.unreadable}.\n` : "";
  const reportInput = (maxLength: number, fullReportPath?: string): PullRequestReportInput => ({
    planFile: displayName,
    head,
    ...(baseAnalysis ? { base: baseAnalysis } : {}),
    ...(fullReportPath ? { fullReportPath } : {}),
    ...(diff ? { diff } : {}),
    maxLength,
    marker,
  });

  const fullMarkdown = renderPullRequestReport(reportInput(Number.MAX_SAFE_INTEGER));
  const files = await writeOutputFiles(directory, {
    report: {
      tool: { name: "opdeploy", version: VERSION },
      plan: displayName,
      mode: inputs.mode,
      verdict,
      ...findingsToJson(head.findings, fixRegions),
      totals: head.totals,
      ...(head.simulation ? { simulation: head.simulation } : {}),
      ...(head.risk ? { risk: head.risk } : {}),
      ...(diff ? { clusterDiff: diff } : {}),
      base: baseAnalysis
        ? { sha: pullRequest?.baseSha, ...findingsToJson(baseAnalysis.findings), verdict: verdictOf(baseAnalysis) }
        : { sha: pullRequest?.baseSha ?? null, unreadable: base && "unreadable" in base ? base.unreadable : "no base revision (not a pull request event)" },
    },
    sarif: findingsToSarif(head.findings, { toolVersion: VERSION, baseDirectory: workspace, ...fixRegions }),
    markdown: composeReport(fullMarkdown, baseNote, footer(inputs, true)),
  });

  annotateFindings(head.findings);
  await publishReport(inputs, publication, (maxLength, fullReportPath) => renderPullRequestReport(reportInput(maxLength, fullReportPath)), baseNote);

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

/**
 * The summary and the comment. The one full report is the job summary: it holds 1 MiB, 16 times
 * a comment. Only a report larger than that is shortened there too, and both then name the
 * `markdown` output instead.
 */
async function publishReport(inputs: ActionInputs, publication: Publication, render: (maxLength: number, fullReportPath?: string) => string, baseNote: string): Promise<void> {
  const token = inputs.githubToken;
  const whole = composeReport(render(Number.MAX_SAFE_INTEGER), baseNote, footer(inputs, true));
  const summaryWhole = Buffer.byteLength(displayable(whole, token)) <= SUMMARY_LIMIT_BYTES;
  const elsewhere = summaryWhole ? undefined : FULL_REPORT_OUTPUT;
  const compose = (body: string) => composeReport(body, baseNote, footer(inputs, summaryWhole));
  const extra = compose("").length;
  const summary = renderWithinBytes((maxLength) => displayable(compose(render(Math.max(0, maxLength - extra), elsewhere)), token), SUMMARY_LIMIT_BYTES);
  await writeJobSummary(summary, token);
  const comment = () => fitDisplayable((maxLength) => compose(render(maxLength - extra, elsewhere ?? FULL_REPORT_SUMMARY)), COMMENT_LIMIT_CHARS, token);
  await postComment(publication, publication.pullRequest ? comment() : "");
}

/** Where a shortened comment sends the reader (the footer links the run, whose page shows it). */
const FULL_REPORT_SUMMARY = "job summary of this run (linked below)";
/** ...and where both send the reader when even the summary had to be shortened. */
const FULL_REPORT_OUTPUT = "markdown output of this step (report.md); upload it with actions/upload-artifact";

function composeReport(body: string, baseNote: string, footerLine: string): string {
  return `${body}${baseNote ? `\n${baseNote}` : ""}\n${footerLine}`;
}

function footer(inputs: ActionInputs, summaryWhole: boolean): string {
  const url = runUrl();
  const link = url ? ` · [${summaryWhole ? "run and full report" : "run"}](${url})` : "";
  return `<sub>opdeploy ${VERSION} · mode ${inputs.mode}${link}</sub>\n`;
}
