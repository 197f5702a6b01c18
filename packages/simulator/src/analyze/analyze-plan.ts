/**
 * "Analyse a plan", once for both front-ends (`opdeploy simulate`, the Action's check/simulate
 * modes): the check findings (Markdown lines the importer could not read count as warnings, as
 * `opdeploy check` reports them), the resource totals, and — when asked — one rehearsal plus,
 * for runs > 1, the risk over that many seeds. Services that name their own manifests rehearse
 * with the user's objects (`document.manifests`), as `deploy` applies them.
 */
import { checkPlanDocument, planTotals, type Finding, type Plan, type PlanDocument, type PlanTotals } from "@openpolicy/core";
import type { Fault } from "../faults/fault.js";
import type { SimulationResult } from "../engine/result.js";
import { assessRisk } from "../risk/assess-risk.js";
import { simulate } from "../simulate.js";

export type RiskAssessment = Awaited<ReturnType<typeof assessRisk>>;

export interface PlanAnalysis {
  findings: Finding[];
  totals: PlanTotals;
  simulation?: SimulationResult;
  risk?: RiskAssessment;
}

export interface AnalyzeOptions {
  simulate: boolean;
  /** Seeds to rehearse with: 1 → one simulation; more → also a risk assessment over `runs` seeds. */
  runs: number;
  /** The first seed (default 1: reruns give the same report). */
  seed?: number;
  faults?: Fault[];
  from?: Plan;
  /** Worker threads for the risk runs (assessRisk's default otherwise). */
  workers?: number;
}

export async function analyzePlan(document: PlanDocument, options: AnalyzeOptions): Promise<PlanAnalysis> {
  const findings = checkPlanDocument(document);
  const analysis: PlanAnalysis = { findings, totals: planTotals(document.plan) };
  if (!options.simulate) return analysis;
  const seed = options.seed ?? 1;
  const shared = { ...(options.faults ? { faults: options.faults } : {}), ...(options.from ? { from: options.from } : {}) };
  analysis.simulation = await simulate(document.plan, { seed, ...shared, manifests: document.manifests });
  if (options.runs > 1) {
    analysis.risk = await assessRisk(document.plan, { runs: options.runs, seed0: seed, ...shared, ...(options.workers !== undefined ? { workers: options.workers } : {}) });
  }
  return analysis;
}
