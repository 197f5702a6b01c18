export {
  optimizePlan,
  LOWER_BOUND_IGNORES,
  type OptimizeOptions,
  type OptimizeResult,
  type OptimizedPhaseSummary,
  type PlanChange,
  type SimulatedMakespan,
} from "./optimize-plan.js";
export { acyclicDependencies, dependencyGenerations, type AcyclicDependencies, type DroppedDependency } from "./acyclic-dependencies.js";
export { CapacityModel, surgePods, type CapacityOptions, type CapacityProblem } from "./capacity.js";
export { scheduleOfPlan, type Schedule } from "./schedule.js";
export { formatOptimizeText, renderOptimizeMarkdown, optimizeToJson } from "./format-optimize.js";
export { planToYaml, planToInput, memoryQuantityText, cpuQuantityText, type PlanToYamlOptions } from "./plan-to-yaml.js";
