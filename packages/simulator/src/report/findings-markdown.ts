/** Check findings as a Markdown table: rule, severity, location, message. */
import type { Finding, Severity } from "@openpolicy/core";
import { escapeMarkdown } from "./escape.js";
import { markdownTable } from "./markdown-table.js";

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Errors first, then by file position, then rule: the order a reader fixes things in. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      a.location.file.localeCompare(b.location.file) ||
      a.location.line - b.location.line ||
      a.location.column - b.location.column ||
      a.rule.localeCompare(b.rule) ||
      a.message.localeCompare(b.message),
  );
}

export function formatLocation(finding: Finding): string {
  return `${finding.location.file}:${finding.location.line}`;
}

export function findingsTable(findings: readonly Finding[]): string {
  return markdownTable(
    ["Rule", "Severity", "Location", "Message"],
    sortFindings(findings).map((f) => [`\`${f.rule}\``, f.severity, escapeMarkdown(formatLocation(f)), escapeMarkdown(f.message)]),
  );
}

export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of findings) counts[f.severity] += 1;
  return counts;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
