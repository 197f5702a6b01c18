import { readPlanDocument, type PlanDocument } from "@openpolicy/core";
import type { Io } from "./cli-io.js";

/** Reads a plan of any supported kind; PlanLoadError propagates (exit 2 with every problem). */
export async function loadPlan(file: string, _io: Io): Promise<PlanDocument> {
  return readPlanDocument(file);
}
