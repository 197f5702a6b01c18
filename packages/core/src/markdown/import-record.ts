/**
 * The importer's two side outputs, written by every stage of the import: notes about what was
 * not used, and the source position of each field of the raw plan.
 */
import type { ImportNote, ImportNoteKind } from "./notes.js";

/** A field path in the raw plan. */
export type PlanPath = (string | number)[];

/** A 1-based line and column in the Markdown document. */
export interface LineColumn {
  line: number;
  column: number;
}

export class ImportRecord {
  readonly notes: ImportNote[] = [];
  private readonly where = new Map<string, LineColumn>();

  /** Records a note; `endLine` is kept only when the note really spans several lines. */
  note(line: number, kind: ImportNoteKind, message: string, endLine?: number): void {
    this.notes.push(endLine !== undefined && endLine !== line ? { line, endLine, kind, message } : { line, kind, message });
  }

  /**
   * Records where a field came from. The first position recorded for a path wins: the readers
   * that see a field's own text run before the assembly, which only knows the section it is in.
   */
  at(path: PlanPath, line: number, column = 1): void {
    const key = pathKey(path);
    if (!this.where.has(key)) this.where.set(key, { line, column });
  }

  /** The position of `path`, else of its nearest located ancestor, else the top of the file. */
  locate(path: PlanPath): LineColumn {
    for (let n = path.length; n >= 0; n--) {
      const hit = this.where.get(pathKey(path.slice(0, n)));
      if (hit) return { ...hit };
    }
    return { line: 1, column: 1 };
  }
}

/** Keys of the location map: numbers and numeric strings address the same array element. */
function pathKey(path: PlanPath): string {
  return path.map((s) => String(s)).join("\u0000");
}
