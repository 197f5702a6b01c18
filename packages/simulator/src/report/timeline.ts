/**
 * Shared reading of a SimulationResult for every report format: which steps started, where each
 * bar ends, which events a person needs to see, and how a gate check reads.
 */
import type { GateCheck, PhaseResult, ResultEvent, ResultEventType, SimulationResult, StepResult } from "../engine/result.js";
import { formatPercent, formatPoints } from "./clock.js";

/** Event types worth a line in a summary; the rest (Scheduled, Started, Ready...) is routine. */
export const NOTABLE_EVENT_TYPES: ReadonlySet<ResultEventType> = new Set<ResultEventType>([
  "FailedScheduling",
  "OOMKilled",
  "BackOff",
  "Evicted",
  "Unhealthy",
  "ProgressDeadlineExceeded",
  "NodeNotReady",
  "GateFailed",
  "ValidationFailed",
  "RollbackTriggered",
  "RolledBack",
]);

export interface StartedStep {
  phase: PhaseResult;
  phaseIndex: number;
  step: StepResult;
  start: number;
  /** readyAt, or when the step stopped counting (phase end, rollback, end of run). */
  end: number;
}

/** When a phase stopped: its end, else the start of the rollback, else the end of the run. */
export function phaseEnd(phase: PhaseResult, result: SimulationResult): number {
  return phase.endedAt ?? result.rollback?.startedAt ?? result.durationSeconds;
}

/** Every step that started, in phase then step order: one bar each in the gantt charts. */
export function startedSteps(result: SimulationResult): StartedStep[] {
  const out: StartedStep[] = [];
  result.phases.forEach((phase, phaseIndex) => {
    for (const step of phase.steps) {
      if (step.startedAt === undefined) continue;
      const start = step.startedAt;
      const end = Math.max(start, step.readyAt ?? phaseEnd(phase, result));
      out.push({ phase, phaseIndex, step, start, end });
    }
  });
  return out;
}

export function verdictText(verdict: SimulationResult["verdict"]): string {
  return verdict === "rolled-back" ? "rolled back" : verdict;
}

/** Gate thresholds are maxima for memory/cpu and a minimum for readiness. */
export function gateComparator(check: GateCheck): "≤" | "≥" {
  return check.metric === "healthy" ? "≥" : "≤";
}

/** How far the actual value stays inside the threshold (negative: broken), in percentage points. */
export function gateMargin(check: GateCheck): number {
  return check.metric === "healthy" ? check.actual - check.threshold : check.threshold - check.actual;
}

export function gateCheckLabel(check: GateCheck): string {
  return check.metric === "healthy" ? "healthy" : `${check.metric} by ${check.by}`;
}

/** "memory by requests 37.5% ≤ 40%" */
export function describeGateCheck(check: GateCheck): string {
  return `${gateCheckLabel(check)} ${formatPercent(check.actual)} ${gateComparator(check)} ${formatPercent(check.threshold)}`;
}

/** "memory by requests 37.5% ≤ 40% passed" / "… FAILED": one check with its outcome (logs, events, summaries). */
export function describeGateOutcome(check: GateCheck): string {
  return `${describeGateCheck(check)} ${check.passed ? "passed" : "FAILED"}`;
}

/** "memory by requests +2.5" — margins of all checks of a gate, for tables. */
export function describeGateMargins(phase: PhaseResult): string {
  if (!phase.gate) return "";
  return phase.gate.checks.map((c) => `${gateCheckLabel(c)} ${formatPoints(gateMargin(c))}${c.passed ? "" : " (failed)"}`).join(", ");
}

/**
 * Notable events folded for summaries: repeats of the same type for the same service (an
 * OOMKilled/BackOff loop) become one entry with a count and first–last time, and all RolledBack
 * events become one entry listing the services. Entries keep the order of first occurrence.
 */
export interface FoldedEvent {
  event: ResultEvent;
  count: number;
  lastT: number;
  /** Services folded into the entry, in order (one for per-service entries). */
  services: string[];
}

export function foldNotableEvents(events: readonly ResultEvent[]): FoldedEvent[] {
  const out: FoldedEvent[] = [];
  const byKey = new Map<string, FoldedEvent>();
  for (const event of events) {
    if (!NOTABLE_EVENT_TYPES.has(event.type)) continue;
    const key = event.type === "RolledBack" ? event.type : `${event.type}\u0000${event.service ?? ""}\u0000${event.node ?? ""}`;
    const seen = byKey.get(key);
    if (seen) {
      seen.count += 1;
      seen.lastT = event.t;
      if (event.service !== undefined && !seen.services.includes(event.service)) seen.services.push(event.service);
      continue;
    }
    const entry: FoldedEvent = { event, count: 1, lastT: event.t, services: event.service === undefined ? [] : [event.service] };
    byKey.set(key, entry);
    out.push(entry);
  }
  return out;
}

/**
 * Splits events into the phase they happened in (the last phase started at or before the event),
 * a rollback bucket (rollback events and anything after the rollback began) and a "before" bucket.
 */
export function bucketEvents(result: SimulationResult): { before: ResultEvent[]; phases: ResultEvent[][]; rollback: ResultEvent[] } {
  const before: ResultEvent[] = [];
  const phases: ResultEvent[][] = result.phases.map(() => []);
  const rollback: ResultEvent[] = [];
  const rollbackStart = result.rollback?.startedAt;
  for (const event of result.events) {
    if (event.type === "RolledBack" || (rollbackStart !== undefined && event.t > rollbackStart)) {
      rollback.push(event);
      continue;
    }
    let index = -1;
    result.phases.forEach((phase, i) => {
      if (phase.startedAt !== undefined && phase.startedAt <= event.t) index = i;
    });
    if (index < 0) before.push(event);
    else phases[index]!.push(event);
  }
  return { before, phases, rollback };
}
