export { assessRisk, type RiskOptions, type RiskSummary, type RiskFailure, type SimulateFn } from "./assess-risk.js";
export { formatRiskText, renderRiskMarkdown, riskHeadline, formatProbability } from "./format-risk.js";
export { nearestRankPercentile } from "./percentile.js";
