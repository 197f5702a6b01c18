/**
 * Line-level reading of a Markdown document: ATX headings, GitHub-style pipe tables and
 * "**Key**: value" lines, each with the 1-based line and column it came from.
 */
import { cleanText } from "./text.js";

export interface Heading {
  level: number;
  /** Cleaned text (no emphasis, no emoji). */
  text: string;
  line: number;
  column: number;
}

export interface Cell {
  /** Cleaned cell text. */
  text: string;
  /** 1-based column of the first non-space character of the cell (or of the cell if empty). */
  column: number;
}

export interface TableRow {
  line: number;
  cells: Cell[];
}

export interface Table {
  /** Line of the header row. */
  line: number;
  /** Last line of the table. */
  endLine: number;
  header: Cell[];
  rows: TableRow[];
}

export interface KeyValue {
  key: string;
  value: string;
  line: number;
  /** 1-based column where the value starts. */
  column: number;
}

const HEADING = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;

export function readHeading(line: string, lineNumber: number): Heading | undefined {
  const m = HEADING.exec(line);
  if (!m) return undefined;
  const text = cleanText(m[2] ?? "");
  return { level: (m[1] ?? "#").length, text, line: lineNumber, column: line.indexOf("#") + 1 };
}

/** A table line starts with a pipe (up to three spaces of indentation, as CommonMark allows). */
export function isTableLine(line: string): boolean {
  return /^ {0,3}\|/.test(line);
}

/** The "|---|:---:|" row under a table header. */
export function isDelimiterRow(line: string): boolean {
  return /^ {0,3}\|?\s*:?-{1,}:?\s*(\|\s*:?-{1,}:?\s*)*\|?\s*$/.test(line) && line.includes("-") && line.includes("|");
}

/** Splits a pipe-table row into cells, honouring "\|" escapes and recording each cell's column. */
export function splitRow(line: string): Cell[] {
  const cells: Cell[] = [];
  let start = line.indexOf("|");
  if (start < 0) return [{ text: cleanText(line), column: firstNonSpace(line, 0) + 1 }];
  start += 1;
  let current = "";
  let cellStart = start;
  for (let i = start; i < line.length; i++) {
    const ch = line[i];
    if (ch === "\\" && line[i + 1] === "|") {
      current += "|";
      i++;
      continue;
    }
    if (ch === "|") {
      cells.push({ text: cleanText(current), column: firstNonSpace(line, cellStart) + 1 });
      current = "";
      cellStart = i + 1;
      continue;
    }
    current += ch;
  }
  // Text after the last pipe is a cell only when the row does not end with a pipe.
  if (current.trim() !== "") cells.push({ text: cleanText(current), column: firstNonSpace(line, cellStart) + 1 });
  return cells;
}

function firstNonSpace(line: string, from: number): number {
  let i = from;
  while (i < line.length && (line[i] === " " || line[i] === "\t")) i++;
  return i < line.length ? i : from;
}

/**
 * Reads the table whose header is at `lines[index]` (0-based), if `lines[index + 1]` is a
 * delimiter row. Returns the table and the index just past it.
 */
export function readTable(lines: string[], index: number): { table: Table; next: number } | undefined {
  const headerLine = lines[index];
  const delimiter = lines[index + 1];
  if (headerLine === undefined || delimiter === undefined) return undefined;
  if (!isTableLine(headerLine) || !isDelimiterRow(delimiter)) return undefined;
  const rows: TableRow[] = [];
  let i = index + 2;
  while (i < lines.length && isTableLine(lines[i] ?? "")) {
    const raw = lines[i] ?? "";
    if (!isDelimiterRow(raw)) rows.push({ line: i + 1, cells: splitRow(raw) });
    i++;
  }
  return { table: { line: index + 1, endLine: i, header: splitRow(headerLine), rows }, next: i };
}

// "- **Key**: value", "**Key:** value", "1. **Key**: value", "- [ ] **Key**: value", and, inside
// bullets only, "- Key: value" without bold.
const BOLD_KEY = /^(\s*(?:[-*+]\s+(?:\[[ xX]\]\s+)?|\d+[.)]\s+)?)\*\*([^*]+?)\*\*\s*:\s*|^(\s*(?:[-*+]\s+(?:\[[ xX]\]\s+)?|\d+[.)]\s+)?)\*\*([^*]+?):\*\*\s*/;
const PLAIN_BULLET_KEY = /^(\s*[-*+]\s+)([A-Za-z][A-Za-z0-9 &/()'-]{0,48}?):\s+/;

export function readKeyValue(line: string, lineNumber: number): KeyValue | undefined {
  const bold = BOLD_KEY.exec(line);
  if (bold) {
    const key = cleanText(bold[2] ?? bold[4] ?? "");
    const valueStart = bold[0].length;
    return { key, value: cleanText(line.slice(valueStart)), line: lineNumber, column: valueStart + 1 };
  }
  const plain = PLAIN_BULLET_KEY.exec(line);
  if (plain) {
    const valueStart = plain[0].length;
    return { key: cleanText(plain[2] ?? ""), value: cleanText(line.slice(valueStart)), line: lineNumber, column: valueStart + 1 };
  }
  return undefined;
}

/** Horizontal rules and blank lines carry no content. */
export function isBlankOrRule(line: string): boolean {
  return /^\s*$/.test(line) || /^ {0,3}([-*_])(\s*\1){2,}\s*$/.test(line);
}
