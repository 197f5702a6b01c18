/**
 * Everything the dry run knows about one revision of the plan: the check findings (Markdown
 * lines the importer could not read count as warnings, like `opdeploy check`), the resource
 * totals, and — in mode simulate — one rehearsal on the simulated cluster plus, for runs > 1,
 * the risk over that many seeds.
 */
import { checkPlanDocument, planTotals, type Finding, type PlanDocument, type PlanTotals } from "@openpolicy/core";
import { assessRisk, simulate, type SimulationResult } from "@openpolicy/simulator";

export type RiskAssessment = Awaited<ReturnType<typeof assessRisk>>;

export interface PlanAnalysis {
  findings: Finding[];
  totals: PlanTotals;
  simulation?: SimulationResult;
  risk?: RiskAssessment;
}

export interface AnalyzeOptions {
  simulate: boolean;
  /** Seeds to rehearse with: 1 → one simulation; more → also a risk assessment over seeds 1..runs. */
  runs: number;
}

/** The seed of the rehearsal whose timeline the report shows: fixed, so reruns give the same report. */
export const REPORT_SEED = 1;

export async function analyzePlan(document: PlanDocument, options: AnalyzeOptions): Promise<PlanAnalysis> {
  const findings = checkPlanDocument(document);
  const analysis: PlanAnalysis = { findings, totals: planTotals(document.plan) };
  if (!options.simulate) return analysis;
  analysis.simulation = await simulate(document.plan, { seed: REPORT_SEED });
  if (options.runs > 1) analysis.risk = await assessRisk(document.plan, { runs: options.runs, seed0: REPORT_SEED });
  return analysis;
}

export function countFindings(findings: readonly Finding[]): { errors: number; warnings: number } {
  return {
    errors: findings.filter((f) => f.severity === "error").length,
    warnings: findings.filter((f) => f.severity === "warning").length,
  };
}
