/** Reading a plan file: the only I/O of the plan module. */
import { parsePlanDocument } from "../document/read-plan.js";
import { PlanLoadError } from "./errors.js";
import type { Plan } from "./model.js";
import { MAX_PLAN_BYTES, readBoundedFile } from "./read-bounded.js";

/**
 * Reads and decodes a plan file: YAML, JSON or a Markdown plan document, chosen by content.
 * Throws {@link PlanLoadError} listing every problem with file, line and field.
 *
 * Returns the plan only. {@link readPlanDocument} is the full entry: it also returns the text, the
 * Markdown import's notes (lines it could not interpret) and the manifests services point at,
 * which {@link checkPlanDocument} cross-checks.
 */
export async function loadPlanFile(path: string): Promise<Plan> {
  const read = await readBoundedFile(path, MAX_PLAN_BYTES);
  if (!read.ok) throw new PlanLoadError([{ file: path, line: 1, column: 1, path: "", message: `cannot read plan: ${read.reason}` }]);
  return parsePlanDocument(read.text, path).plan;
}
