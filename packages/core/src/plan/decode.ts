/**
 * An already-parsed plan object (from YAML, JSON or the Markdown importer) → the model Plan, or a
 * PlanLoadError listing every problem at once with its file:line:column and field path.
 */
import { PlanLoadError, type PlanProblem } from "./errors.js";
import { issuesToPlanProblems, sortProblems, describeValue } from "./issues.js";
import type { Plan } from "./model.js";
import { normalizePlan, type PlanSource } from "./normalize.js";
import { PlanSchema } from "./schema.js";

export type { PlanSource } from "./normalize.js";

/**
 * Validates `raw` against the plan format and normalizes it. `source.locate` maps a field path to
 * where it was written; `extraProblems` (e.g. duplicate keys the parser already found) are
 * reported together with the schema's.
 */
export function decodePlan(raw: unknown, source: PlanSource, extraProblems: readonly PlanProblem[] = []): Plan {
  const problemAt = (message: string): PlanProblem => ({ file: source.file, ...source.locate([]), path: "", message });
  if (raw === null || raw === undefined) throw new PlanLoadError(sortProblems([...extraProblems, problemAt("plan is empty")]));
  if (typeof raw !== "object" || Array.isArray(raw)) {
    throw new PlanLoadError(
      sortProblems([...extraProblems, problemAt(`a plan is a mapping of fields (name, cluster, phases, services), got ${describeValue(raw)}`)]),
    );
  }
  const result = PlanSchema.safeParse(raw, { reportInput: true });
  if (!result.success) {
    const problems = issuesToPlanProblems(result.error.issues, PlanSchema, source.file, source.locate);
    throw new PlanLoadError(sortProblems([...extraProblems, ...problems]));
  }
  const { plan, problems } = normalizePlan(result.data, source);
  if (problems.length > 0 || extraProblems.length > 0) throw new PlanLoadError(sortProblems([...extraProblems, ...problems]));
  return plan;
}
