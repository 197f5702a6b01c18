export type * from "./model.js";
export { PlanLoadError, formatProblem, type PlanProblem } from "./errors.js";
export {
  PlanSchema,
  NodeGroupSchema,
  ClusterSchema,
  BudgetSchema,
  RollbackSchema,
  GateSchema,
  DeclaredSchema,
  BatchSchema,
  PhaseSchema,
  ResourcesSchema,
  HttpCheckSchema,
  ValidateSchema,
  ServiceSchema,
  INFRASTRUCTURE_CHECKS,
  type PlanInput,
  type PlanParsed,
} from "./schema.js";
export { parsePlanText, detectPlanFormat } from "./parse-text.js";
export { decodePlan, type PlanSource } from "./decode.js";
export { loadPlanFile } from "./load.js";
export { clusterNodeNames } from "./api-rules.js";
export { podRequestOf } from "./service-pod.js";
export { dependsOnService } from "./depends-on.js";
export { readBoundedFile, MAX_MANIFEST_BYTES, MAX_PLAN_BYTES, type BoundedRead } from "./read-bounded.js";
export { planJsonSchema, PLAN_SCHEMA_TITLE } from "./json-schema.js";
export { yamlLocator, pathAtOffset, formatPath, type Locate, type LinePosition, type PathSegment } from "./locate.js";
export { parseResourceAmount, parsePercent, parseDuration, parseDurationRange, type Parsed } from "./units.js";
export { didYouMean, damerauLevenshtein } from "./did-you-mean.js";
export {
  normalizePlan,
  DEFAULT_ROLLING_UPDATE,
  DEFAULT_STARTUP_SECONDS,
  DEFAULT_ROLLBACK_TIMEOUT_SECONDS,
  DEFAULT_PODS_PER_NODE,
  DEFAULT_HTTP_PATH,
} from "./normalize.js";
