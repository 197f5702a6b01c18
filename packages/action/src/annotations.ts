/**
 * Findings as workflow annotations on the plan file's lines (the "Files changed" tab shows
 * them inline). GitHub shows at most 10 error and 10 warning annotations per step; the rest
 * stay in the log, the summary and the SARIF file.
 */
import { error, notice, warning } from "@actions/core";
import type { Finding, PlanProblem } from "@openpolicy/core";

export function annotateFindings(findings: readonly Finding[]): void {
  for (const finding of findings) {
    const properties = {
      title: finding.rule,
      file: finding.location.file,
      startLine: Math.max(1, finding.location.line),
      startColumn: Math.max(1, finding.location.column),
    };
    if (finding.severity === "error") error(finding.message, properties);
    else if (finding.severity === "warning") warning(finding.message, properties);
    else notice(finding.message, properties);
  }
}

export function annotateProblems(problems: readonly PlanProblem[]): void {
  for (const problem of problems) {
    error(problem.path ? `${problem.path}: ${problem.message}` : problem.message, {
      title: "plan-load",
      file: problem.file,
      startLine: Math.max(1, problem.line),
      startColumn: Math.max(1, problem.column),
    });
  }
}
