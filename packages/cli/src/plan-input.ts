import { readPlanDocument, type Finding, type PlanNote, type PlanDocument } from "@openpolicy/core";
import type { Io } from "./cli-io.js";

/** Reads a plan of any supported kind; PlanLoadError propagates (exit 2 with every problem). */
export async function loadPlan(file: string, _io: Io): Promise<PlanDocument> {
  return readPlanDocument(file);
}

/** Markdown lines the importer could not interpret become warnings, so nothing is lost silently. */
export function notesAsFindings(notes: PlanNote[]): Finding[] {
  return notes.map((n) => ({
    rule: "unread-content",
    severity: "warning",
    message: `not interpreted: ${n.message}`,
    services: [],
    location: { file: n.file, line: n.line, column: 1 },
  }));
}
