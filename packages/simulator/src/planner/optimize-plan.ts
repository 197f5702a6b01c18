/**
 * `opdeploy plan --optimize`: a faster order for the same services, found by simulation.
 *
 * 1. Dependencies: the plan's graph with cycles broken as core's `criticalPath` does
 *    (`acyclicDependencies`); dropped edges are reported.
 * 2. Start: topological generations, each a phase `wave-N`, split into several batches when the
 *    nodes cannot hold a generation at once (`CapacityModel`).
 * 3. Local search, first improvement, deterministic: merge adjacent phases (each phase end costs the
 *    engine's settle period plus a gate), merge adjacent batches, move a service to another batch
 *    (earlier or later) its dependencies allow, and move a service into a new batch of its own
 *    after its current one. A candidate must pass `scheduleViolations` (dependencies, capacity,
 *    gate ceilings) and is then simulated; its score is the p95 (nearest rank) of the simulated
 *    makespans over `runs` seeds. At most `maxCandidates` simulations (cached by schedule).
 * 4. The hand-written plan is a candidate too when it passes the same static checks, so the result
 *    is never slower than it on the seeds used.
 */
import { criticalPath, placeServices, planTotals, type Plan } from "@openpolicy/core";
import { defaultPlanWorkloads } from "../cluster/plan-workloads.js";
import type { Verdict } from "../engine/result.js";
import { nearestRankPercentile } from "../risk/percentile.js";
import { simulate } from "../simulate.js";
import { acyclicDependencies, dependencyGenerations, type DroppedDependency } from "./acyclic-dependencies.js";
import { CapacityModel } from "./capacity.js";
import {
  flatBatches,
  plannerContext,
  scheduleKey,
  scheduleOfPlan,
  scheduleToPlan,
  scheduleViolations,
  type PlannerContext,
  type Schedule,
} from "./schedule.js";

export interface OptimizeOptions {
  /** First simulation seed (default 1); run i uses seed + i. */
  seed?: number;
  /** Simulations per candidate (default 1); the score is their p95 makespan. */
  runs?: number;
  /** Most candidates simulated (default 200). */
  maxCandidates?: number;
  /**
   * Let the search merge phases (default false). Fewer phases = fewer settle periods, but also
   * fewer gates and a coarser rollback; the default keeps one gated phase per dependency
   * generation, so every checkpoint the author asked for still has a gate.
   */
  mergePhases?: boolean;
  /** The release currently running: simulate an upgrade from it, and count rolling-update surge pods. */
  from?: Plan;
}

export interface SimulatedMakespan {
  /** p95 of the simulated makespans over the seeds (seconds); undefined when a run did not succeed. */
  seconds?: number;
  /** Every run's makespan, in seed order. */
  runs: number[];
  verdict: Verdict;
  /** What went wrong in the first run that did not succeed. */
  failure?: string;
}

export interface PlanChange {
  kind: "cycle-broken" | "structure" | "moved" | "placed";
  service?: string;
  message: string;
}

export interface OptimizedPhaseSummary {
  name: string;
  batches: { name: string; services: string[] }[];
  gate?: { memory?: number; cpu?: number; healthy?: number };
  /** Name of the hand-written phase whose gate this phase carries. */
  gateFrom?: string;
}

export interface OptimizeResult {
  plan: string;
  /** The optimized plan: same services and settings, new phases and batches. */
  optimized: Plan;
  phases: OptimizedPhaseSummary[];
  makespan: SimulatedMakespan;
  handWritten: SimulatedMakespan & { phases: number; batches: number };
  /** Optimized ÷ hand-written makespan (undefined when either did not simulate). */
  ratio?: number;
  lowerBound: { seconds: number; path: string[]; ignores: string[] };
  cycles: { path: string[]; members: string[]; throughStar: boolean }[];
  droppedDependencies: DroppedDependency[];
  changes: PlanChange[];
  /** What the optimized plan still breaks statically (empty when every constraint holds). */
  violations: string[];
  /** Things the reader should know (budget over, unknown dependencies, hand-written plan kept). */
  notes: string[];
  search: { seeds: number[]; candidatesSimulated: number; candidatesRejected: number; improvements: number };
}

/** What the critical-path bound leaves out, so readers know why the simulation is slower. */
export const LOWER_BOUND_IGNORES = [
  "readiness probe period: a pod is seen Ready only at a probe tick (every 5 s as rendered), so start-up rounds up; a service with no probe counts 0 s (its pod is Ready as soon as the container runs)",
  "scheduling and container start latency, and the validation after each batch",
  "batch barriers: a batch waits for its slowest service before the next batch starts",
  "the settle period and gate at the end of every phase",
  "node capacity: it assumes every service can start as soon as its dependencies are Ready",
  "start-up jitter: it sums expected start-ups, while the simulation draws each within ±20% of its figure, so a single run could in principle beat it by up to 20%",
];

interface Score {
  violations: number;
  failed: boolean;
  seconds: number;
  batches: number;
  phases: number;
}

function better(a: Score, b: Score): boolean {
  if (a.violations !== b.violations) return a.violations < b.violations;
  if (a.failed !== b.failed) return !a.failed;
  if (a.seconds !== b.seconds) return a.seconds < b.seconds;
  if (a.batches !== b.batches) return a.batches < b.batches;
  return a.phases < b.phases;
}

export async function optimizePlan(plan: Plan, options: OptimizeOptions = {}): Promise<OptimizeResult> {
  const seed = options.seed ?? 1;
  const runs = options.runs ?? 1;
  const maxCandidates = options.maxCandidates ?? 200;
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`planner: runs must be a positive integer, got ${runs}`);
  if (!Number.isInteger(maxCandidates) || maxCandidates < 1) throw new Error(`planner: maxCandidates must be a positive integer, got ${maxCandidates}`);
  if (plan.services.size === 0) throw new Error("planner: the plan has no services to order");
  const seeds = Array.from({ length: runs }, (_, i) => seed + i);
  const dependencies = acyclicDependencies(plan);
  const capacity = new CapacityModel(plan, options.from ? { from: options.from } : {});
  const context = plannerContext(plan, dependencies, capacity);

  const simulateMakespan = async (candidate: Plan): Promise<SimulatedMakespan> => {
    const makespans: number[] = [];
    for (const s of seeds) {
      const result = await simulate(candidate, options.from ? { seed: s, from: options.from } : { seed: s });
      if (result.verdict !== "succeeded") {
        const failure = result.failure ? `${result.failure.reason}: ${result.failure.message}` : result.verdict;
        return { runs: [...makespans, result.durationSeconds], verdict: result.verdict, failure };
      }
      makespans.push(result.durationSeconds);
    }
    return { seconds: nearestRankPercentile([...makespans].sort((a, b) => a - b), 95), runs: makespans, verdict: "succeeded" };
  };

  // The search: a cache of evaluated schedules keeps revisits free and the budget honest.
  type Entry = { score: Score; makespan?: SimulatedMakespan };
  const evaluated = new Map<string, Entry>();
  let simulated = 0;
  let rejected = 0;
  const evaluate = async (schedule: Schedule, staticOnlyIfWorseThan?: Score): Promise<Entry> => {
    const key = scheduleKey(schedule);
    const cached = evaluated.get(key);
    if (cached) return cached;
    const violations = scheduleViolations(context, schedule).length;
    const shape = { batches: flatBatches(schedule).length, phases: schedule.phases.length };
    if (staticOnlyIfWorseThan && violations > staticOnlyIfWorseThan.violations) {
      rejected++;
      const entry: Entry = { score: { violations, failed: true, seconds: Infinity, ...shape } };
      evaluated.set(key, entry);
      return entry;
    }
    simulated++;
    const makespan = await simulateMakespan(scheduleToPlan(context, schedule));
    const entry: Entry = { score: { violations, failed: makespan.seconds === undefined, seconds: makespan.seconds ?? Infinity, ...shape }, makespan };
    evaluated.set(key, entry);
    return entry;
  };

  let current = initialSchedule(context);
  let currentEntry = await evaluate(current);
  let improvements = 0;
  const mergePhases = options.mergePhases === true;
  search: while (simulated < maxCandidates) {
    for (const candidate of neighbours(context, current, mergePhases)) {
      if (simulated >= maxCandidates) break search;
      const entry = await evaluate(candidate, currentEntry.score);
      if (better(entry.score, currentEntry.score)) {
        current = candidate;
        currentEntry = entry;
        improvements++;
        continue search;
      }
    }
    break;
  }

  const handSchedule = scheduleOfPlan(plan);
  const handStatic = scheduleViolations(context, handSchedule);
  const handMakespan = await simulateMakespan(plan);
  const notes: string[] = [];
  let optimized = scheduleToPlan(context, current);
  let best: Entry = currentEntry;
  if (handStatic.length === 0 && handMakespan.seconds !== undefined) {
    const handScore: Score = { violations: 0, failed: false, seconds: handMakespan.seconds, batches: flatBatches(handSchedule).length, phases: handSchedule.phases.length };
    if (!better(best.score, handScore) && scheduleKey(handSchedule) !== scheduleKey(current)) {
      notes.push("no faster feasible order was found within the candidate budget; the hand-written order is kept");
      current = handSchedule;
      optimized = plan;
      best = { score: handScore, makespan: handMakespan };
    }
  }

  const totals = planTotals(plan);
  if (totals.budget) {
    for (const [key, limit, used, whole] of [
      ["memory", plan.budget?.memory, totals.totals.memoryBytes, totals.allocatable.memoryBytes],
      ["CPU", plan.budget?.cpu, totals.totals.cpuMillis, totals.allocatable.cpuMillis],
    ] as const) {
      if (limit !== undefined && used * 100 > limit * whole) {
        notes.push(`total ${key} requests are above the budget of ${limit}% whatever the order: the order cannot fix it, only smaller requests or more nodes can`);
      }
    }
  }
  for (const u of dependencies.unknown) notes.push(`${u.service} depends on ${u.dependency}, which is not a service of the plan; ignored for ordering`);
  if (handStatic.length > 0) notes.push(`the hand-written order itself breaks: ${handStatic.slice(0, 3).join("; ")}${handStatic.length > 3 ? `; and ${handStatic.length - 3} more` : ""}`);
  if (options.from) notes.push("capacity counts each Deployment's maxSurge pods (an upgrade from the running release)");

  // A service whose pods have no readiness or startup probe is Ready once its container runs
  // (Kubernetes does not wait for the app): it adds no start-up time to the path.
  const workloads = defaultPlanWorkloads();
  const lower = criticalPath(plan, (s) => {
    const spec = workloads(plan, s);
    return spec.readinessProbe || spec.startupProbe ? s.startupSeconds : 0;
  });
  const makespan = best.makespan ?? { runs: [], verdict: "failed" as Verdict, failure: "not simulated" };
  const result: OptimizeResult = {
    plan: plan.name,
    optimized,
    phases: summarizePhases(context, optimized),
    makespan,
    handWritten: { ...handMakespan, phases: plan.phases.length, batches: plan.phases.reduce((n, p) => n + p.batches.length, 0) },
    lowerBound: { seconds: lower.seconds, path: lower.path, ignores: LOWER_BOUND_IGNORES },
    cycles: dependencies.cycles.map((c) => ({ path: [...c.path], members: [...c.members], throughStar: c.throughStar })),
    droppedDependencies: dependencies.dropped,
    changes: describeChanges(plan, optimized, dependencies.dropped),
    violations: scheduleViolations(context, current),
    notes,
    search: { seeds, candidatesSimulated: simulated, candidatesRejected: rejected, improvements },
  };
  if (makespan.seconds !== undefined && handMakespan.seconds !== undefined && handMakespan.seconds > 0) {
    result.ratio = Math.round((makespan.seconds / handMakespan.seconds) * 1000) / 1000;
  }
  return result;
}

/** Generations as phases; a generation the nodes cannot hold at once is split into batches. */
function initialSchedule(context: PlannerContext): Schedule {
  const phases: string[][][] = [];
  const placed: string[][] = [];
  for (const generation of dependencyGenerations(context.dependencies)) {
    const batches: string[][] = [];
    let batch: string[] = [];
    for (const name of generation) {
      const trial = [...placed, ...batches, [...batch, name]];
      if (batch.length > 0 && context.capacity.check(trial)) {
        batches.push(batch);
        batch = [name];
      } else {
        batch.push(name);
      }
    }
    if (batch.length > 0) batches.push(batch);
    placed.push(...batches);
    phases.push(batches);
  }
  return { phases };
}

function cloneSchedule(schedule: Schedule): Schedule {
  return { phases: schedule.phases.map((p) => p.map((b) => [...b])) };
}

/** Drops empty batches, then empty phases. */
function compact(schedule: Schedule): Schedule {
  return { phases: schedule.phases.map((p) => p.filter((b) => b.length > 0)).filter((p) => p.length > 0) };
}

/** Batch coordinates in rollout order. */
function coordinates(schedule: Schedule): { phase: number; batch: number }[] {
  const out: { phase: number; batch: number }[] = [];
  schedule.phases.forEach((p, i) => p.forEach((_, j) => out.push({ phase: i, batch: j })));
  return out;
}

/**
 * Candidate schedules one step away, in a fixed order (big structural wins first): merge adjacent
 * phases, merge adjacent batches of a phase, move a service to another batch, move a service into
 * a new batch of its own right after its current one. Only moves that keep every kept dependency
 * in an earlier batch are generated.
 */
function* neighbours(context: PlannerContext, schedule: Schedule, mergePhases: boolean): Generator<Schedule> {
  const deps = context.dependencies;
  if (mergePhases) {
    for (let p = 0; p + 1 < schedule.phases.length; p++) {
      const next = cloneSchedule(schedule);
      next.phases.splice(p, 2, [...next.phases[p]!, ...next.phases[p + 1]!]);
      yield next;
    }
  }
  const coords = coordinates(schedule);
  const position = new Map<string, number>();
  coords.forEach((c, b) => schedule.phases[c.phase]![c.batch]!.forEach((name) => position.set(name, b)));
  const independent = (a: readonly string[], b: readonly string[]) =>
    b.every((name) => deps.dependenciesOf.get(name)!.every((d) => !a.includes(d)));
  for (let b = 0; b + 1 < coords.length; b++) {
    const here = coords[b]!;
    const there = coords[b + 1]!;
    if (here.phase !== there.phase) continue;
    const batch = schedule.phases[here.phase]![here.batch]!;
    const following = schedule.phases[there.phase]![there.batch]!;
    if (!independent(batch, following)) continue;
    const next = cloneSchedule(schedule);
    next.phases[here.phase]!.splice(here.batch, 2, [...batch, ...following]);
    yield next;
  }
  for (const name of deps.services) {
    const from = position.get(name);
    if (from === undefined) continue;
    const earliest = Math.max(-1, ...deps.dependenciesOf.get(name)!.map((d) => position.get(d) ?? -1)) + 1;
    const latest = Math.min(coords.length, ...deps.dependentsOf.get(name)!.map((d) => position.get(d) ?? coords.length)) - 1;
    const source = coords[from]!;
    const targets: number[] = [];
    for (let b = earliest; b < from; b++) targets.push(b);
    for (let b = from + 1; b <= latest; b++) targets.push(b);
    for (const target of targets) {
      const to = coords[target]!;
      const next = cloneSchedule(schedule);
      const batch = next.phases[source.phase]![source.batch]!;
      batch.splice(batch.indexOf(name), 1);
      next.phases[to.phase]![to.batch]!.push(name);
      yield compact(next);
    }
    // Alone in a new batch right after its own (useful when it is the slow one its dependents wait on).
    if (schedule.phases[source.phase]![source.batch]!.length > 1 && from < latest) {
      const next = cloneSchedule(schedule);
      const batch = next.phases[source.phase]![source.batch]!;
      batch.splice(batch.indexOf(name), 1);
      next.phases[source.phase]!.splice(source.batch + 1, 0, [name]);
      yield next;
    }
  }
}

function summarizePhases(context: PlannerContext, optimized: Plan): OptimizedPhaseSummary[] {
  let latest = 0;
  return optimized.phases.map((phase) => {
    for (const batch of phase.batches) for (const name of batch.services) latest = Math.max(latest, context.originalPhaseOf.get(name) ?? 0);
    const summary: OptimizedPhaseSummary = { name: phase.name, batches: phase.batches.map((b) => ({ name: b.name, services: [...b.services] })) };
    if (phase.gate) {
      const gate: OptimizedPhaseSummary["gate"] = {};
      if (phase.gate.memory !== undefined) gate.memory = phase.gate.memory;
      if (phase.gate.cpu !== undefined) gate.cpu = phase.gate.cpu;
      if (phase.gate.healthy !== undefined) gate.healthy = phase.gate.healthy;
      summary.gate = gate;
      // When the hand-written plan is returned as is, each phase keeps its own gate.
      summary.gateFrom = optimized === context.original ? phase.name : (context.original.phases[latest]?.name ?? "");
    }
    return summary;
  });
}

function describeChanges(before: Plan, after: Plan, dropped: DroppedDependency[]): PlanChange[] {
  const changes: PlanChange[] = [];
  for (const d of dropped) {
    changes.push({
      kind: "cycle-broken",
      service: d.service,
      message: `ignored ${d.service} → ${d.dependency}${d.fromStar ? ' (from "*")' : ""} to break a dependency cycle`,
    });
  }
  const count = (p: Plan) => p.phases.reduce((n, phase) => n + phase.batches.length, 0);
  const shape = (phases: number, batches: number) => `${phases} phase${phases === 1 ? "" : "s"} / ${batches} batch${batches === 1 ? "" : "es"}`;
  if (before.phases.length !== after.phases.length || count(before) !== count(after)) {
    changes.push({
      kind: "structure",
      message: `${shape(before.phases.length, count(before))} → ${shape(after.phases.length, count(after))}`,
    });
  }
  const was = placeServices(before).first;
  const now = placeServices(after).first;
  const where = (p: { phase: { name: string; batches: unknown[] }; batch: { name: string } }) =>
    p.phase.batches.length > 1 ? `${p.phase.name} / ${p.batch.name}` : p.phase.name;
  for (const name of before.services.keys()) {
    const a = was.get(name);
    const b = now.get(name);
    if (!b) continue;
    if (!a) {
      changes.push({ kind: "placed", service: name, message: `${name}: deployed in ${where(b)} (the hand-written plan deploys it nowhere)` });
      continue;
    }
    if (a.phase.name === b.phase.name && a.batch.name === b.batch.name) continue;
    changes.push({ kind: "moved", service: name, message: `${name}: ${where(a)} → ${where(b)}` });
  }
  return changes;
}
