import type { Finding, Severity } from "../checks/finding.js";
import { paint } from "./ansi.js";

const ORDER: Severity[] = ["error", "warning", "info"];
const HEADINGS: Record<Severity, [string, string]> = { error: ["error", "errors"], warning: ["warning", "warnings"], info: ["note", "notes"] };

/**
 * Findings for a terminal: grouped by severity (errors first) then by rule, one line per finding
 * prefixed `file:line:column`, and a summary line. ANSI colours only when `color` is true.
 */
export function formatFindingsText(findings: readonly Finding[], options: { color: boolean } = { color: false }): string {
  const p = paint(options.color);
  const tint = { error: p.red, warning: p.yellow, info: p.cyan } as const;
  const lines: string[] = [];
  for (const severity of ORDER) {
    const ofSeverity = findings.filter((f) => f.severity === severity);
    if (ofSeverity.length === 0) continue;
    const [one, many] = HEADINGS[severity];
    lines.push(tint[severity](p.bold(`${ofSeverity.length} ${ofSeverity.length === 1 ? one : many}`)));
    const rules = [...new Set(ofSeverity.map((f) => f.rule))];
    for (const rule of rules) {
      lines.push(`  ${p.bold(rule)}`);
      for (const f of ofSeverity.filter((x) => x.rule === rule)) {
        const where = `${f.location.file}:${f.location.line}:${f.location.column}`;
        lines.push(`    ${p.dim(where)}: ${tint[severity](severity)}: ${f.message}`);
      }
    }
    lines.push("");
  }
  const errors = findings.filter((f) => f.severity === "error").length;
  const warnings = findings.filter((f) => f.severity === "warning").length;
  if (findings.length === 0) lines.push(p.green("no problems found"));
  else lines.push(`${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"}`);
  return `${lines.join("\n")}\n`;
}
