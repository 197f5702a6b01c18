export { diffPlan } from "./diff-plan.js";
export type { DiffTarget, ObjectChange, ObjectDiff, PlanDiff } from "./diff-plan.js";
export { formatPlanDiffJson, formatPlanDiffText } from "./format-diff.js";
export { comparable, comparableYaml } from "./comparable.js";
