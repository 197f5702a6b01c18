export { assessRisk, mergeRiskPartials, runRiskSeeds, type RiskOptions, type RiskPartial, type RiskSummary, type RiskFailure, type SimulateFn } from "./assess-risk.js";
export { riskWorkerCount } from "./parallel-risk.js";
export { formatRiskText, renderRiskMarkdown, riskHeadline, formatProbability } from "./format-risk.js";
export { nearestRankPercentile } from "./percentile.js";
