/**
 * The heading structure of a plan document: what each heading's section means to the importer,
 * and the stack of open sections while the document is walked. Plan documents nest freely
 * ("### Phase 2" > "#### Batch 2.1" > "##### Notes"), so a line is read by the innermost section
 * that means something, and lines no section uses are reported when their section closes.
 */
import { isBlankOrRule, type Heading } from "./blocks.js";
import type { CollectedBatch, CollectedPhase, ImportContext } from "./import-model.js";
import type { ImportRecord } from "./import-record.js";
import { cleanText } from "./text.js";

export type SectionKind = "phase" | "batch" | "execution" | "criteria" | "rollback" | "totals" | "target" | "other";

export interface Section {
  level: number;
  kind: SectionKind;
  heading: Heading;
  phase?: CollectedPhase;
  batch?: CollectedBatch;
  /** Phase number of an execution section. */
  executionOf?: number;
  /** Unused content lines, reported together when the section ends. */
  unused: number[];
}

/** The walk's context: the import's state plus the sections open at the current line. */
export interface WalkContext extends ImportContext {
  sections: SectionStack;
}

/** What a heading's section holds, judged by its words (authors name sections many ways). */
export function classifyHeading(text: string): { kind: SectionKind; number?: number; rest?: string } {
  const t = text.toLowerCase();
  const execution = /^phase\s+(\d+)\b.*\b(execution|steps|runbook|procedure|rollout)\b/.exec(t);
  if (execution) return { kind: "execution", number: Number(execution[1]) };
  const phase = /^phase\s+(\d+)\s*(?:[:.\-–—]\s*(.*))?$/i.exec(text);
  if (phase) return { kind: "phase", number: Number(phase[1]), rest: phase[2] ?? "" };
  const batch = /^batch\s+([\w.]+)\s*(?:[:.\-–—]\s*(.*))?$/i.exec(text);
  if (batch) return { kind: "batch", rest: batch[2] ?? batch[1] ?? "" };
  if (/success criteria|exit criteria|phase gates|^gates$/.test(t)) return { kind: "criteria" };
  if (/roll ?back (triggers?|conditions?|criteria|rules|thresholds)|when to roll ?back|abort (conditions|triggers)/.test(t)) return { kind: "rollback" };
  if (/total resource|resource (totals|summary|requirements)|resources? by phase/.test(t)) return { kind: "totals" };
  if (/target state|^targets?$|target usage|end state/.test(t)) return { kind: "target" };
  return { kind: "other" };
}

/** "Infrastructure Foundation (Priority 1)" -> "Infrastructure Foundation". */
export function stripParenthetical(text: string): string {
  return text.replace(/\s*\([^)]*\)\s*$/, "").trim();
}

/** The sections open at the current line, outermost first; the root holds text before any heading. */
export class SectionStack {
  readonly root: Section = { level: 0, kind: "other", heading: { level: 0, text: "(before the first heading)", line: 1, column: 1 }, unused: [] };
  private readonly stack: Section[] = [this.root];

  constructor(private readonly onClose: (section: Section) => void) {}

  current(): Section {
    return this.stack[this.stack.length - 1] ?? this.root;
  }

  /** The innermost section that means something: unknown sub-headings inherit their parent's role. */
  context(): Section {
    for (let i = this.stack.length - 1; i >= 0; i--) {
      const s = this.stack[i];
      if (s && s.kind !== "other") return s;
    }
    return this.current();
  }

  enclosingPhase(): CollectedPhase | undefined {
    for (let i = this.stack.length - 1; i >= 0; i--) if (this.stack[i]?.phase) return this.stack[i]?.phase;
    return undefined;
  }

  /** The batch the current line is in; a phase heading between here and the batch ends it. */
  enclosingBatch(): CollectedBatch | undefined {
    for (let i = this.stack.length - 1; i >= 0; i--) {
      const s = this.stack[i];
      if (s?.kind === "phase") return undefined;
      if (s?.batch) return s.batch;
    }
    return undefined;
  }

  /** Closes the sections a heading of `level` ends (same level or deeper); the root stays open. */
  closeForHeading(level: number): void {
    while (this.stack.length > 1 && this.current().level >= level) this.close();
  }

  push(section: Section): void {
    this.stack.push(section);
  }

  closeAll(): void {
    while (this.stack.length > 0) this.close();
  }

  private close(): void {
    const closed = this.stack.pop();
    if (closed) this.onClose(closed);
  }
}

/**
 * Notes a closed section's unused lines. Runs of lines (blank lines do not break a run) become
 * one note each, quoting the first line; a section the importer does not read at all gets one
 * note for everything in it, since quoting each paragraph of prose would bury the useful notes.
 */
export function noteUnusedLines(section: Section, isRoot: boolean, lines: string[], record: ImportRecord): void {
  if (section.unused.length === 0) return;
  const runs: [number, number][] = [];
  for (const line of section.unused) {
    const last = runs[runs.length - 1];
    if (last && lines.slice(last[1], line - 1).every((l) => isBlankOrRule(l))) last[1] = line;
    else runs.push([line, line]);
  }
  const label = isRoot ? "text before the first heading" : `section "${section.heading.text}"`;
  if (section.kind === "other") {
    const first = runs[0];
    const lastRun = runs[runs.length - 1];
    if (first && lastRun) record.note(first[0], "ignored", `${label}: ${section.unused.length} line(s) not interpreted`, lastRun[1]);
    return;
  }
  for (const [from, to] of runs) {
    const excerpt = cleanText(lines[from - 1] ?? "").slice(0, 60);
    record.note(from, "ignored", `${label}: "${excerpt}"${to > from ? " …" : ""} not interpreted`, to);
  }
}
