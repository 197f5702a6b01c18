import { readFile } from "node:fs/promises";
import { decodePlan, parsePlanText } from "../plan/index.js";
import { importMarkdown, isMarkdownPlan } from "../markdown/index.js";
import type { Plan } from "../plan/model.js";
import { PlanLoadError } from "../plan/errors.js";

/** Something in a Markdown plan the importer could not interpret, with its line. */
export interface PlanNote {
  file: string;
  line: number;
  message: string;
}

export interface PlanDocument {
  plan: Plan;
  /** The text as read (for annotating lines, diffing revisions). */
  text: string;
  /** For Markdown plans: everything the importer could not use (nothing is dropped silently). */
  notes: PlanNote[];
}

/**
 * Reads a plan from text of any supported kind — YAML, JSON, or a Markdown plan document —
 * choosing by content, not by extension (users name Markdown plans .txt, .md or anything).
 * Throws PlanLoadError listing every problem.
 */
export function parsePlanDocument(text: string, file: string): PlanDocument {
  if (isMarkdownPlan(text)) {
    const imported = importMarkdown(text, file);
    const plan = decodePlan(imported.raw, { file, format: "markdown", locate: imported.locate });
    const notes = imported.notes.map((n) => ({ file, line: n.line, message: n.message }));
    return { plan, text, notes };
  }
  return { plan: parsePlanText(text, file), text, notes: [] };
}

/** Reads and parses a plan file: the only I/O core does. */
export async function readPlanDocument(path: string, displayName: string = path): Promise<PlanDocument> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : (error as Error).message;
    throw new PlanLoadError([{ file: displayName, line: 1, column: 1, path: "", message: `cannot read plan: ${why}` }]);
  }
  return parsePlanDocument(text, displayName);
}
