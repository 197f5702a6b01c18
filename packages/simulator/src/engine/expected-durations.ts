/**
 * A plan's `expected:` durations held against the rehearsal (and, after a real deploy, against
 * what was observed). The expectation and the rehearsal come from different places — the
 * author's estimate and the start-up figures (`startup:`, else core's defaults) the rehearsal
 * runs — so when they disagree, one of the two is wrong, and the finding says which numbers to
 * look at: the start-up figures along the phase's batches (what the rehearsal's time is made of)
 * against the time the expectation implies.
 *
 * `deploy` may use the upper bound, with a margin, as the phase's deadline
 * (`phaseTimeoutSeconds`); an expectation is an estimate, so the margin is generous.
 */
import type { Finding, Phase, Plan } from "@openpolicy/core";
import { DEFAULT_STARTUP_SECONDS, RULES } from "@openpolicy/core";
import type { SimulationResult } from "./result.js";

export type DurationVerdict = "within" | "faster" | "slower" | "no-expectation" | "not-run";

export interface PhaseDuration {
  phase: string;
  /** The plan's `expected:` range in seconds. */
  expected?: [number, number];
  /** Seconds the rehearsal took for the phase. */
  rehearsed?: number;
  /** Seconds a real deploy took for it, when one is given. */
  observed?: number;
  /** The rehearsal against the expectation. */
  verdict: DurationVerdict;
  /** Σ over the phase's batches of the slowest start-up figure: the floor of the rehearsed time. */
  startupPath: number;
  /** Services of the phase whose start-up is core's default (the plan gives none, or the same figure). */
  defaultStartups: string[];
}

/** A phase deadline is the expectation's upper bound × this, at least `PHASE_TIMEOUT_MIN_MARGIN_SECONDS` over it. */
export const PHASE_TIMEOUT_FACTOR = 1.5;
export const PHASE_TIMEOUT_MIN_MARGIN_SECONDS = 300;

/** The deploy's deadline for a phase from its `expected:` upper bound, or undefined when it has none. */
export function phaseTimeoutSeconds(phase: Phase): number | undefined {
  const upper = phase.expectedSeconds?.[1];
  if (upper === undefined || upper <= 0) return undefined;
  return Math.max(Math.ceil(upper * PHASE_TIMEOUT_FACTOR), upper + PHASE_TIMEOUT_MIN_MARGIN_SECONDS);
}

function spanOf(result: SimulationResult | undefined, name: string): number | undefined {
  const phase = result?.phases.find((p) => p.name === name);
  if (phase?.startedAt === undefined || phase.endedAt === undefined || phase.status === "skipped") return undefined;
  return phase.endedAt - phase.startedAt;
}

function startupFigures(plan: Plan, phase: Phase): { path: number; defaults: string[] } {
  let path = 0;
  const defaults: string[] = [];
  for (const batch of phase.batches) {
    let slowest = 0;
    for (const name of batch.services) {
      const service = plan.services.get(name);
      if (!service) continue;
      slowest = Math.max(slowest, service.startupSeconds);
      const fallback = service.kind === "StatefulSet" || service.persistent ? DEFAULT_STARTUP_SECONDS.infrastructure : DEFAULT_STARTUP_SECONDS.app;
      if (service.startupSeconds === fallback || service.startupSeconds === DEFAULT_STARTUP_SECONDS.infrastructure) defaults.push(name);
    }
    path += slowest;
  }
  return { path, defaults };
}

/** Each phase: expected, rehearsed (and observed) seconds, and how the rehearsal compares. */
export function phaseDurations(plan: Plan, rehearsal: SimulationResult, observed?: SimulationResult): PhaseDuration[] {
  return plan.phases.map((phase) => {
    const rehearsed = spanOf(rehearsal, phase.name);
    const seen = spanOf(observed, phase.name);
    const figures = startupFigures(plan, phase);
    const out: PhaseDuration = { phase: phase.name, verdict: "not-run", startupPath: figures.path, defaultStartups: figures.defaults };
    if (phase.expectedSeconds) out.expected = phase.expectedSeconds;
    if (rehearsed !== undefined) out.rehearsed = rehearsed;
    if (seen !== undefined) out.observed = seen;
    if (!phase.expectedSeconds) out.verdict = "no-expectation";
    else if (rehearsed !== undefined) {
      const [min, max] = phase.expectedSeconds;
      out.verdict = rehearsed < min ? "faster" : rehearsed > max ? "slower" : "within";
    }
    return out;
  });
}

/** "45 s", "1m 32s", "20m". */
export function formatDurationSeconds(seconds: number): string {
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole} s`;
  const minutes = Math.floor(whole / 60);
  const rest = whole % 60;
  return rest === 0 ? `${minutes}m` : `${minutes}m ${String(rest).padStart(2, "0")}s`;
}

function range([min, max]: [number, number]): string {
  return `${formatDurationSeconds(min)}–${formatDurationSeconds(max)}`;
}

/** Why they disagree, in the numbers the reader can change: the start-up figures or the expectation. */
function cause(d: PhaseDuration, phase: Phase): string {
  const [min, max] = d.expected!;
  const rehearsed = d.rehearsed!;
  const services = phase.batches.reduce((n, b) => n + b.services.length, 0);
  const defaults = d.defaultStartups.length;
  const figures = `its start-up figures add up to ${formatDurationSeconds(d.startupPath)} along its ${phase.batches.length} batch(es)${defaults > 0 ? `, ${defaults} of its ${services} service(s) at core's default start-up figure (${DEFAULT_STARTUP_SECONDS.app} s for apps, ${DEFAULT_STARTUP_SECONDS.infrastructure} s for infrastructure: what a service without startup: gets)` : ""}`;
  if (d.verdict === "faster") {
    // The rest of the rehearsed time (validation, settle) stays; the start-ups would have to make up the difference.
    const factor = Math.round(((d.startupPath + (min - rehearsed)) / Math.max(1, d.startupPath)) * 10) / 10;
    const likely =
      defaults * 2 >= services
        ? `Most likely the start-up figures: measure the services' real start-up and write it as startup:`
        : `Most likely the expectation: it holds more than the rollout (building, loading, checking by hand) — lower expected: to what the rollout takes`;
    return `${figures}. To take ${formatDurationSeconds(min)}, start-ups would have to be ${factor}× longer. ${likely}.`;
  }
  return `${figures}; the rest is waiting (validation, the settle window, pods that had to wait or restart). Either the expectation of ${formatDurationSeconds(max)} is too short, or a start-up figure is too high — \`opdeploy simulate\` shows each step's time.`;
}

/** One warning per phase whose rehearsed duration falls outside its `expected:` range. */
export function expectedDurationFindings(plan: Plan, rehearsal: SimulationResult): Finding[] {
  const findings: Finding[] = [];
  for (const d of phaseDurations(plan, rehearsal)) {
    if (d.verdict !== "faster" && d.verdict !== "slower") continue;
    const phase = plan.phases.find((p) => p.name === d.phase)!;
    findings.push({
      rule: "expected-duration",
      severity: RULES["expected-duration"].severity,
      message: `phase ${d.phase} is expected to take ${range(d.expected!)}; the rehearsal takes ${formatDurationSeconds(d.rehearsed!)} — ${cause(d, phase)}`,
      services: phase.batches.flatMap((b) => b.services),
      location: phase.location,
      phase: d.phase,
    });
  }
  return findings;
}

/** The comparison as a small text table (simulate's text output, the deploy's report). */
export function formatPhaseDurations(durations: readonly PhaseDuration[]): string {
  if (!durations.some((d) => d.expected)) return "";
  const observed = durations.some((d) => d.observed !== undefined);
  const rows = durations.map((d) => [
    d.phase,
    d.expected ? range(d.expected) : "—",
    d.rehearsed !== undefined ? formatDurationSeconds(d.rehearsed) : "—",
    ...(observed ? [d.observed !== undefined ? formatDurationSeconds(d.observed) : "—"] : []),
    d.verdict === "faster" ? "rehearsal faster than expected" : d.verdict === "slower" ? "rehearsal slower than expected" : d.verdict === "within" ? "as expected" : d.verdict === "no-expectation" ? "" : "not run",
  ]);
  const header = ["phase", "expected", "rehearsed", ...(observed ? ["observed"] : []), ""];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  return ["Expected durations", line(header), ...rows.map((r) => `  ${line(r)}`.replace(/^ {2}/, ""))].map((l, i) => (i >= 1 ? `  ${l}` : l)).join("\n");
}
