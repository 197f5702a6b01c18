/**
 * What the importer did beyond copying a figure: every value it inferred (a dependency from an
 * env reference, a check from a probe), assumed (a default, a guessed cluster) or could not carry
 * into the plan (a second container, an init container, a gRPC probe, env values). Each note names
 * the file and line it is about, so the user can see where the plan came from; the CLI prints them
 * on stderr and the written plan carries them as comments. Notes never quote env values or other
 * content that may hold secrets, only names and positions.
 */

export type InputNoteKind =
  /** Derived from what the input says (a dependency from an env reference, a check from a probe). */
  | "inferred"
  /** Chosen where the input says nothing (a default, a guessed cluster size). */
  | "assumed"
  /** In the input, but the plan format cannot say it yet. */
  | "dropped"
  /** In the input, and not part of a plan (a Namespace, a Secret, a profile not enabled). */
  | "skipped";

/** An inference or an omission of {@link importSources}, with file and line. */
export interface InputNote {
  file: string;
  /** 1-based line the note is about. */
  line: number;
  kind: InputNoteKind;
  /** The plan service the note belongs to; undefined for the plan as a whole. */
  service?: string;
  message: string;
}

/** `file:line: kind: message`, one line (newlines in names cannot break the listing). */
export function formatImportNote(note: InputNote): string {
  return `${note.file}:${note.line}: ${note.kind}: ${note.message.replace(/[\r\n]+/g, " ")}`;
}

/** Collects notes in the order they are made. */
export class NoteSink {
  readonly notes: InputNote[] = [];
  add(file: string, line: number, kind: InputNoteKind, message: string, service?: string): void {
    this.notes.push({ file, line, kind, message, ...(service !== undefined ? { service } : {}) });
  }
}

/** An input the importer cannot read at all (syntax errors, an unknown format), all problems at once. */
export class ImportError extends Error {
  override readonly name = "ImportError";
  constructor(readonly problems: { file: string; line: number; message: string }[]) {
    super(problems.map((p) => `${p.file}:${p.line}: ${p.message}`).join("\n"));
  }
}
