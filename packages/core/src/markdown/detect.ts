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
  let hasHeading = false;
  let hasServiceTable = false;
  // Only lines starting with `#` or `|` matter, so they are the only ones cut out of the text: a
  // 100,000-service YAML plan has two million lines, and splitting it held ~250 MB for nothing.
  const lines = markedLines(text);
  for (let i = 0; i < lines.length; i++) {
    const { line, number, next } = lines[i]!;
    // Column 0 only: a YAML block scalar holding Markdown is indented, a real document is not.
    if (/^#{1,6}\s+\S/.test(line) && readHeading(line, number)) hasHeading = true;
    if (line.startsWith("|") && isDelimiterRow(next()) && isServiceHeader(line)) hasServiceTable = true;
  }
  if (!hasHeading || !hasServiceTable) return false;
  return !parsesAsStructuredData(text);
}

/** A line that starts with `#` or `|`, its 1-based number, and a way to read the line after it. */
interface MarkedLine {
  line: string;
  number: number;
  next: () => string;
}

/** The lines of `text` (as splitLines cuts them) that start with `#` or `|`. */
function markedLines(text: string): MarkedLine[] {
  if (text.includes("\r")) {
    const all = splitLines(text);
    return all.flatMap((line, i) => (line.startsWith("#") || line.startsWith("|") ? [{ line, number: i + 1, next: () => all[i + 1] ?? "" }] : []));
  }
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lineAt = (start: number): string => {
    const end = body.indexOf("\n", start);
    return body.slice(start, end === -1 ? body.length : end);
  };
  const marked: MarkedLine[] = [];
  let number = 1;
  for (let start = 0; start !== -1 && start <= body.length; number++) {
    const end = body.indexOf("\n", start);
    const first = body.charCodeAt(start);
    if (first === 0x23 /* # */ || first === 0x7c /* | */) {
      const after = end === -1 ? -1 : end + 1;
      marked.push({ line: lineAt(start), number, next: () => (after === -1 ? "" : lineAt(after)) });
    }
    start = end === -1 ? -1 : end + 1;
  }
  return marked;
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
