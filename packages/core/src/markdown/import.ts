/**
 * Reads a Markdown deployment plan (headings, pipe tables, "**Key**: value" lines — the style of
 * the OpenPolicy "PLANNED DEPLOYMENT STRATEGY" document) into the raw plan object of the YAML
 * input format, plus a map from field paths back to source lines. The YAML decoder then validates
 * and normalizes it exactly as it does a YAML file, so both front ends report the same problems.
 *
 * The importer interprets, it does not judge: wrong sums, duplicate ports or dependency cycles are
 * carried over as written for the checker to find. What it cannot interpret becomes a note.
 *
 * Stages: walk.ts reads the document into what it holds (sections.ts, read-tables.ts,
 * read-lines.ts, read-statements.ts), then assemble.ts and assemble-phases.ts build the raw plan;
 * import-record.ts keeps the notes and the source position of each field throughout.
 */
import { assemblePlan } from "./assemble.js";
import { emitYaml } from "./emit.js";
import { ImportRecord, type LineColumn, type PlanPath } from "./import-record.js";
import { formatNote, type ImportNote } from "./notes.js";
import { splitLines } from "./text.js";
import { walkDocument } from "./walk.js";

export type { LineColumn, PlanPath } from "./import-record.js";

/** The raw plan in the YAML input notation (what a YAML file would hold). */
export type RawPlan = Record<string, unknown>;

/**
 * The result of {@link importMarkdown}: the plan as raw data and YAML, where each field came from,
 * and notes.
 */
export interface MarkdownImport {
  raw: RawPlan;
  /** Source position of a field path of `raw`; falls back to the nearest located ancestor. */
  locate(path: PlanPath): LineColumn;
  notes: ImportNote[];
  /** `raw` as YAML, with "# from <file>:<line>" comments (what `opdeploy import` writes). */
  yaml: string;
}

/**
 * Converts a Markdown plan into the raw YAML-format plan. Never throws on odd input: what it
 * cannot read is reported in `notes`.
 */
export function importMarkdown(text: string, file: string): MarkdownImport {
  const lines = splitLines(typeof text === "string" ? text : "");
  const record = new ImportRecord();
  const found = walkDocument(lines, record);
  const raw: RawPlan = assemblePlan({ lines, record, found }, file);
  // A stable sort: notes about one line stay in the order the stages wrote them.
  const notes = record.notes.sort((a, b) => a.line - b.line);
  const locate = (path: PlanPath): LineColumn => record.locate(path);
  const yaml = emitYaml(raw, { file, locate, notes: notes.map(formatNote) });
  return { raw, locate, notes, yaml };
}
