/**
 * Risk of a plan: the same rehearsal over N seeds (seed0 … seed0+N−1). Each seed changes the
 * simulated timings and fault draws, so the spread says how likely the rollout is to succeed and
 * how long it takes. Each thread runs its seeds one after another and keeps only what the summary
 * needs (one makespan per run and a count per failure kind), so memory stays flat however many
 * runs are asked for.
 */
import type { Plan } from "@openpolicy/core";
import type { FailureReason, SimulationResult, Verdict } from "../engine/result.js";
import type { Fault } from "../faults/fault.js";
import { simulate } from "../simulate.js";
import { nearestRankPercentile } from "./percentile.js";
import { riskWorkerCount, runRiskInWorkers } from "./parallel-risk.js";

export interface RiskOptions {
  runs: number;
  seed0: number;
  faults?: Fault[];
  from?: Plan;
  /**
   * Worker threads to spread the runs over: 1 runs them here; default: one per available core
   * (at most 8) when there are at least 200 runs per thread to amortise a thread's start-up.
   */
  workers?: number;
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

/** What a stretch of seeds adds to the summary: one makespan per run, counts per verdict and failure kind. */
export interface RiskPartial {
  seed0: number;
  makespans: Float64Array;
  verdicts: Record<Verdict, number>;
  failures: RiskFailure[];
}

function checkRiskOptions(runs: number, seed0: number): void {
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`risk: runs must be a positive integer, got ${runs}`);
  if (!Number.isSafeInteger(seed0)) throw new Error(`risk: seed0 must be an integer, got ${seed0}`);
}

/** Runs seeds seed0 … seed0+runs−1 one after another (also the body of each worker thread). */
export async function runRiskSeeds(plan: Plan, options: RiskOptions, simulateFn: SimulateFn = simulate): Promise<RiskPartial> {
  const { runs, seed0 } = options;
  checkRiskOptions(runs, seed0);
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
  return { seed0, makespans, verdicts, failures: [...failures.values()] };
}

/**
 * The summary of partials covering seeds seed0 … seed0+runs−1 between them, in any order: the
 * same numbers however the seeds were split (counts add up, a failure kind's first seed is the
 * lowest, makespans are sorted before percentiles are taken).
 */
export function mergeRiskPartials(plan: Plan, partials: readonly RiskPartial[]): RiskSummary {
  const ordered = [...partials].sort((a, b) => a.seed0 - b.seed0);
  const runs = ordered.reduce((n, p) => n + p.makespans.length, 0);
  const makespans = new Float64Array(runs);
  const verdicts: Record<Verdict, number> = { succeeded: 0, "rolled-back": 0, failed: 0 };
  const failures = new Map<string, RiskFailure>();
  let offset = 0;
  for (const part of ordered) {
    makespans.set(part.makespans, offset);
    offset += part.makespans.length;
    for (const verdict of Object.keys(verdicts) as Verdict[]) verdicts[verdict] += part.verdicts[verdict];
    for (const failure of part.failures) {
      const key = `${failure.reason}\u0000${failure.service}`;
      const seen = failures.get(key);
      if (!seen) failures.set(key, { ...failure });
      else {
        seen.count += failure.count;
        seen.firstSeed = Math.min(seen.firstSeed, failure.firstSeed);
      }
    }
  }
  makespans.sort();
  const ranked = [...failures.values()].sort(
    (a, b) => b.count - a.count || a.reason.localeCompare(b.reason) || a.service.localeCompare(b.service),
  );
  const summary: RiskSummary = {
    plan: plan.name,
    runs,
    seed0: ordered[0]!.seed0,
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

/**
 * The rehearsal over `runs` seeds. With the real simulator and enough runs, the seeds are split
 * into contiguous stretches over worker threads (see parallel-risk.ts); the summary is the same
 * as on one thread, since each seed's run depends on nothing but the seed.
 */
export async function assessRisk(plan: Plan, options: RiskOptions, simulateFn: SimulateFn = simulate): Promise<RiskSummary> {
  checkRiskOptions(options.runs, options.seed0);
  const workers = simulateFn === simulate ? riskWorkerCount(options) : 1;
  if (workers > 1) {
    const partials = await runRiskInWorkers(plan, options, workers);
    if (partials) return mergeRiskPartials(plan, partials);
  }
  return mergeRiskPartials(plan, [await runRiskSeeds(plan, options, simulateFn)]);
}
