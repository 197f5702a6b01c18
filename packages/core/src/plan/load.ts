/** Reading a plan file: the only I/O of the plan module. */
import { readFile } from "node:fs/promises";
import type { Plan } from "./model.js";
import { parsePlanText } from "./parse-text.js";

/**
 * Reads and decodes a YAML or JSON plan. (Markdown plans go through the markdown importer; the
 * caller that knows about both picks which to use.)
 */
export async function loadPlanFile(path: string): Promise<Plan> {
  const text = await readFile(path, "utf8");
  return parsePlanText(text, path);
}
