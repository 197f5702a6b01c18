/**
 * The terminal timeline of one simulation: phase by phase, what happened and when (simulated
 * mm:ss), gate checks with actual vs threshold, the events a person must see, then the verdict.
 * It is meant to fit on one screen: routine events are left out, repeats folded, and at most
 * MAX_EVENTS_PER_BLOCK event lines are printed per phase.
 */
import type { PhaseStatus, ResultEvent, SimulationResult, StepStatus, Verdict } from "../engine/result.js";
import { painter, type Painter, type Style } from "./ansi.js";
import { formatClock } from "./clock.js";
import { bucketEvents, describeGateCheck, foldNotableEvents, phaseEnd, verdictText } from "./timeline.js";

export interface SimulationTextOptions {
  color: boolean;
}

const MAX_EVENTS_PER_BLOCK = 5;

const STATUS_STYLE: Record<PhaseStatus | StepStatus | Verdict, Style[]> = {
  succeeded: ["green"],
  resumed: ["green"],
  failed: ["red", "bold"],
  "rolled-back": ["yellow"],
  skipped: ["dim"],
};

function eventLines(events: readonly ResultEvent[], paint: Painter): string[] {
  const folded = foldNotableEvents(events);
  const lines = folded.slice(0, MAX_EVENTS_PER_BLOCK).map(({ event, count, lastT, services }) => {
    const when = lastT !== event.t ? `${formatClock(event.t)}–${formatClock(lastT)}` : formatClock(event.t);
    const style: Style[] = event.type === "RolledBack" ? ["yellow"] : ["red"];
    if (event.type === "RolledBack") {
      return `    ${paint(when, "dim")}  ${paint(event.type, ...style)} ${services.join(", ")}${count > 1 ? ` (${count} events)` : `: ${event.message}`}`;
    }
    const repeat = count > 1 ? ` (×${count})` : "";
    const who = event.service ? ` ${event.service}` : event.node ? ` node/${event.node}` : "";
    // The first message is shown; repeats of a loop differ only in back-off seconds.
    return `    ${paint(when, "dim")}  ${paint(event.type, ...style)}${who}${repeat}: ${event.message}`;
  });
  if (folded.length > MAX_EVENTS_PER_BLOCK) {
    const more = folded.length - MAX_EVENTS_PER_BLOCK;
    lines.push(paint(`    … ${more} more notable event${more === 1 ? "" : "s"} (see the full report)`, "dim"));
  }
  return lines;
}

export function formatSimulationText(result: SimulationResult, options: SimulationTextOptions): string {
  const paint = painter(options.color);
  const lines: string[] = [];
  const buckets = bucketEvents(result);
  lines.push(`${paint(`Simulation of ${result.plan}`, "bold")} (seed ${result.seed})`);
  lines.push(...eventLines(buckets.before, paint));

  const nameWidth = Math.min(28, Math.max(0, ...result.phases.map((p) => p.name.length)));
  result.phases.forEach((phase, index) => {
    const started = phase.steps.filter((s) => s.startedAt !== undefined).length;
    const span =
      phase.startedAt === undefined ? "  --:--        " : `${formatClock(phase.startedAt)}–${formatClock(phaseEnd(phase, result))}`.padEnd(15);
    const steps = started === phase.steps.length ? `${phase.steps.length} services` : `${started} of ${phase.steps.length} services started`;
    lines.push(
      `${paint(`Phase ${index + 1}`, "bold")} ${phase.name.padEnd(nameWidth)}  ${span}${paint(phase.status.padEnd(11), ...STATUS_STYLE[phase.status])} ${paint(`(${steps})`, "dim")}`,
    );
    if (phase.gate && phase.gate.checks.length > 0) {
      const checks = phase.gate.checks.map((c) => `${describeGateCheck(c)} ${c.passed ? paint("pass", "green") : paint("FAIL", "red", "bold")}`);
      lines.push(`    gate: ${checks.join(" · ")}`);
    }
    const failedSteps = phase.steps.filter((s) => s.status === "failed");
    for (const step of failedSteps) {
      lines.push(`    ${paint("failed", "red", "bold")} ${step.service}${step.message ? `: ${step.message}` : ""}`);
    }
    lines.push(...eventLines(buckets.phases[index] ?? [], paint));
  });

  const rollback = result.rollback;
  if (rollback) {
    const removed = rollback.services.filter((s) => s.action === "removed").length;
    const restored = rollback.services.filter((s) => s.action === "restored").length;
    const unchanged = rollback.services.filter((s) => s.action === "unchanged").length;
    const notOk = rollback.services.filter((s) => !s.ok).map((s) => s.service);
    const state = rollback.completed ? paint("completed", "green") : paint("NOT completed", "red", "bold");
    lines.push(
      `${paint("Rollback", "bold")} (scope ${rollback.scope})  ${formatClock(rollback.startedAt)}–${formatClock(rollback.endedAt)}  ${removed} removed, ${restored} restored, ${unchanged > 0 ? `${unchanged} unchanged, ` : ""}${state}${notOk.length > 0 ? `; did not settle: ${notOk.join(", ")}` : ""}`,
    );
  }
  lines.push(...eventLines(buckets.rollback, paint));

  lines.push(`${paint("Verdict:", "bold")} ${paint(verdictText(result.verdict), ...STATUS_STYLE[result.verdict])} · makespan ${formatClock(result.durationSeconds)}`);
  const failure = result.failure;
  if (failure) {
    const where = [failure.service, failure.phase ? `phase ${failure.phase}` : undefined].filter(Boolean).join(", ");
    lines.push(
      `${paint("Failure:", "bold")} ${paint(failure.reason, "red")}${where ? ` (${where})` : ""}: ${failure.message} — detected after ${failure.detectionSeconds}s`,
    );
  }
  return `${lines.join("\n")}\n`;
}
