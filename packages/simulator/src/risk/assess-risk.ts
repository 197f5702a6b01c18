/**
 * Risk of a plan: the same rehearsal over N seeds (seed0 … seed0+N−1). Each seed changes the
 * simulated timings and fault draws, so the spread says how likely the rollout is to succeed and
 * how long it takes. Runs go one after another and keep only what the summary needs (one makespan
 * per run and a count per failure kind), so memory stays flat however many runs are asked for.
 */
import type { Plan } from "@openpolicy/core";
import type { FailureReason, SimulationResult, Verdict } from "../engine/result.js";
import type { Fault } from "../faults/fault.js";
import { simulate } from "../simulate.js";
import { nearestRankPercentile } from "./percentile.js";

export interface RiskOptions {
  runs: number;
  seed0: number;
  faults?: Fault[];
  from?: Plan;
}

export interface RiskFailure {
  reason: FailureReason;
  /** Service the failure concerned ("" when it concerned none). */
  service: string;
  count: number;
  /** The first seed that failed this way: rerun it to see the failure. */
  firstSeed: number;
}

export interface RiskSummary {
  plan: string;
  runs: number;
  seed0: number;
  succeeded: number;
  /** succeeded / runs. */
  successProbability: number;
  /** Simulated makespan in seconds over all runs; nearest-rank percentiles. */
  makespan: { p50: number; p95: number; min: number; max: number };
  mostFrequentFailure?: RiskFailure;
  /** Every failure kind seen, most frequent first (ties: reason, then service, alphabetically). */
  failures: RiskFailure[];
  verdicts: Record<Verdict, number>;
}

export type SimulateFn = (plan: Plan, options: { seed: number; faults?: Fault[]; from?: Plan }) => Promise<SimulationResult>;

export async function assessRisk(plan: Plan, options: RiskOptions, simulateFn: SimulateFn = simulate): Promise<RiskSummary> {
  const { runs, seed0 } = options;
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`risk: runs must be a positive integer, got ${runs}`);
  if (!Number.isSafeInteger(seed0)) throw new Error(`risk: seed0 must be an integer, got ${seed0}`);
  const makespans = new Float64Array(runs);
  const verdicts: Record<Verdict, number> = { succeeded: 0, "rolled-back": 0, failed: 0 };
  const failures = new Map<string, RiskFailure>();
  for (let i = 0; i < runs; i += 1) {
    const seed = seed0 + i;
    const result = await simulateFn(plan, {
      seed,
      ...(options.faults ? { faults: options.faults } : {}),
      ...(options.from ? { from: options.from } : {}),
    });
    makespans[i] = result.durationSeconds;
    verdicts[result.verdict] += 1;
    if (result.failure) {
      const service = result.failure.service ?? "";
      const key = `${result.failure.reason}\u0000${service}`;
      const seen = failures.get(key);
      if (seen) seen.count += 1;
      else failures.set(key, { reason: result.failure.reason, service, count: 1, firstSeed: seed });
    }
  }
  makespans.sort();
  const ranked = [...failures.values()].sort(
    (a, b) => b.count - a.count || a.reason.localeCompare(b.reason) || a.service.localeCompare(b.service),
  );
  const summary: RiskSummary = {
    plan: plan.name,
    runs,
    seed0,
    succeeded: verdicts.succeeded,
    successProbability: verdicts.succeeded / runs,
    makespan: {
      p50: nearestRankPercentile(makespans, 50),
      p95: nearestRankPercentile(makespans, 95),
      min: makespans[0]!,
      max: makespans[runs - 1]!,
    },
    failures: ranked,
    verdicts,
  };
  if (ranked[0]) summary.mostFrequentFailure = ranked[0];
  return summary;
}
