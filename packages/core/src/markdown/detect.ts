/**
 * Recognizing a Markdown plan by its content, whatever the file is called: `opdeploy check
 * PLAN.txt` must work on the document the user actually has.
 */
import { parse as parseYaml } from "yaml";
import { isDelimiterRow, readHeading, splitRow } from "./blocks.js";
import { splitLines } from "./text.js";

/**
 * True when the text is a Markdown document with at least one heading and a pipe table whose
 * header has a Service column and a Memory column. JSON and YAML plans are never Markdown plans,
 * even when a string inside them happens to contain such a table.
 */
export function isMarkdownPlan(text: string): boolean {
  if (typeof text !== "string") return false;
  const lines = splitLines(text);
  let hasHeading = false;
  let hasServiceTable = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    // Column 0 only: a YAML block scalar holding Markdown is indented, a real document is not.
    if (/^#{1,6}\s+\S/.test(line) && readHeading(line, i + 1)) hasHeading = true;
    if (line.startsWith("|") && isDelimiterRow(lines[i + 1] ?? "") && isServiceHeader(line)) hasServiceTable = true;
  }
  if (!hasHeading || !hasServiceTable) return false;
  return !parsesAsStructuredData(text);
}

/** A header row naming a service column and a memory column. */
export function isServiceHeader(line: string): boolean {
  const cells = splitRow(line).map((c) => c.text.toLowerCase());
  return cells.some(isServiceColumn) && cells.some((c) => /^(memory|mem|ram)\b/.test(c));
}

export function isServiceColumn(cell: string): boolean {
  return /^(services?|service name|name|component|workload)$/.test(cell.toLowerCase());
}

function parsesAsStructuredData(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    // not JSON
  }
  try {
    // A Markdown plan has pipe rows at column 0 ("| Service | ..."), which YAML rejects as a
    // malformed block scalar header; YAML that parses to a mapping or list is a data file.
    const value: unknown = parseYaml(text, { uniqueKeys: false, logLevel: "silent" });
    return value !== null && typeof value === "object";
  } catch {
    return false;
  }
}
