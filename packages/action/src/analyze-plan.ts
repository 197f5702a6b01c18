/**
 * The dry run's analysis of one revision of the plan is the library's (@openpolicy/simulator
 * analyzePlan: findings, totals, the rehearsal with seed 1 so reruns give the same report, the
 * risk over `runs` seeds).
 */
export { analyzePlan, countFindings, type AnalyzeOptions, type PlanAnalysis, type RiskAssessment } from "@openpolicy/simulator";
