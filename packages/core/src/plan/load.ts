/** Reading a plan file: the only I/O of the plan module. */
import { PlanLoadError } from "./errors.js";
import type { Plan } from "./model.js";
import { MAX_PLAN_BYTES, readBoundedFile } from "./read-bounded.js";
import { parsePlanText } from "./parse-text.js";

/**
 * Reads and decodes a YAML or JSON plan. (Markdown plans go through the markdown importer; the
 * caller that knows about both picks which to use.)
 */
export async function loadPlanFile(path: string): Promise<Plan> {
  const read = await readBoundedFile(path, MAX_PLAN_BYTES);
  if (!read.ok) throw new PlanLoadError([{ file: path, line: 1, column: 1, path: "", message: `cannot read plan: ${read.reason}` }]);
  return parsePlanText(read.text, path);
}
