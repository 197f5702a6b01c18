/**
 * What the Markdown importer could not use. Nothing in a plan document is dropped silently: each
 * table row, key/value line and paragraph the importer does not turn into plan data becomes a note
 * with the line it came from, so the user can see what the tool did not read.
 */

export type ImportNoteKind =
  /** Text that is descriptive (purpose, checklists, scripts) and has no place in the plan. */
  | "ignored"
  /** Text that looks like plan data but could not be read (a malformed row, an odd figure). */
  | "unreadable"
  /** Two places in the document give different figures for the same thing. */
  | "conflict"
  /** The importer chose an interpretation the document does not spell out. */
  | "assumed";

/**
 * A line of a Markdown plan that the import did not interpret, or interpreted with an assumption.
 */
export interface ImportNote {
  /** 1-based first line the note is about. */
  line: number;
  /** Last line, when the note covers several. */
  endLine?: number;
  kind: ImportNoteKind;
  message: string;
}

/** "line 19: Resource Efficiency: Optimized and balanced — not interpreted". */
export function formatNote(note: ImportNote): string {
  const where = note.endLine !== undefined && note.endLine !== note.line ? `lines ${note.line}-${note.endLine}` : `line ${note.line}`;
  return `${where}: ${note.message}`;
}
