export { clusterAllocatable, clusterCapacity, nodeAllocatable } from "./allocatable.js";
export { placeServices, comparePlacements, type Placement, type Placements } from "./placement.js";
export {
  planTotals,
  serviceTotals,
  percentOfAllocatable,
  type PlanTotals,
  type PhaseTotals,
  type BatchTotals,
  type ServiceTotals,
  type GateTotals,
  type BudgetTotals,
  type ResourceFigures,
} from "./plan-totals.js";
export { formatFindingsText } from "./format-findings-text.js";
export { findingsToJson, fixToJson, type FindingsJson, type FixJson, type JsonOptions } from "./findings-to-json.js";
export { applyFixes, editLocator, valueText, type AppliedEdits, type EditLocator, type LocatedEdit, type TextRegion } from "./plan-edits.js";
export { findingsToSarif, artifactUri, SARIF_SCHEMA_URI, type SarifFix, type SarifLog, type SarifOptions } from "./findings-to-sarif.js";
export { formatTotalsText, formatTotalsMarkdown, totalsToJson } from "./format-totals.js";
