/**
 * What the PR comment and the job summary say when the dry run could not produce a report: the
 * plan cannot be read, or the action itself failed. Without this the comment would keep the
 * previous push's verdict ("simulation succeeded · 0 errors") for a plan that no longer loads.
 * The body starts with the same hidden marker as a report, so the next good run replaces it.
 */
import type { PlanProblem } from "@openpolicy/core";
import { escapeMarkdown } from "@openpolicy/simulator";

/** Rows shown in the comment; every problem is in the log and the annotations anyway. */
const MAX_PROBLEM_ROWS = 50;

export function unreadablePlanMarkdown(marker: string, planFile: string, problems: readonly PlanProblem[]): string {
  const count = `${problems.length} problem${problems.length === 1 ? "" : "s"}`;
  const rows = problems
    .slice(0, MAX_PROBLEM_ROWS)
    .map((p) => `| ${escapeMarkdown(`${p.file}:${p.line}:${p.column}`)} | ${p.path ? `\`${p.path.replace(/`/g, "'")}\`` : "—"} | ${escapeMarkdown(p.message)} |`);
  const more = problems.length > MAX_PROBLEM_ROWS ? `\n\n… and ${problems.length - MAX_PROBLEM_ROWS} more (see the step's log).` : "";
  return `${[
    marker,
    `**opdeploy**: ❌ the plan \`${escapeMarkdown(planFile)}\` cannot be read · ${count}`,
    "",
    "Nothing was checked or simulated at this revision; earlier results in this comment no longer apply.",
    "",
    "| Location | Field | Problem |",
    "| --- | --- | --- |",
    ...rows,
  ].join("\n")}${more}\n`;
}

/** The first line of the error only: a stack or a quoted file has no place in a PR comment. */
export function crashMarkdown(marker: string, planFile: string, error: unknown): string {
  const message = (error instanceof Error ? error.message : String(error)).split("\n")[0] || "(no message)";
  return [
    marker,
    `**opdeploy**: ❌ the dry run of \`${escapeMarkdown(planFile)}\` failed before it could report`,
    "",
    `> ${escapeMarkdown(message)}`,
    "",
    "Earlier results in this comment no longer apply. The step's log has the details (re-run with debug logging for the stack).",
    "",
  ].join("\n");
}
