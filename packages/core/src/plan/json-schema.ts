/** The plan format as JSON Schema (draft-07, which yaml-language-server and VS Code read), for editors and `schema/plan.schema.json`. */
import { z } from "zod";
import { PlanSchema } from "./schema.js";

export const PLAN_SCHEMA_TITLE = "OpenPolicy Deploy plan";

/**
 * JSON Schema of what authors write (`io: "input"`: quantities as text or numbers, defaults
 * optional). Refinements that only the loader can run (parsing a quantity, "exactly one of") are
 * not representable and are left out; the patterns give editors a first check.
 */
export function planJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(PlanSchema, { io: "input", target: "draft-7", unrepresentable: "any" }) as Record<string, unknown>;
}
