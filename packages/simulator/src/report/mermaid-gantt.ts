/**
 * The rollout as a Mermaid gantt chart: one section per phase, one task per started step, from
 * startedAt to readyAt (or to when the step stopped counting).
 *
 * Times are simulated seconds written with `dateFormat X` (Unix seconds), so second 0 is the Unix
 * epoch and `axisFormat %M:%S` shows minutes:seconds since the start. Each task has a unique id
 * (`s1`, `s2`, ...) and an explicit start and duration, never `after`, so the chart does not depend on
 * Mermaid resolving references. Names are escaped with escapeMermaidGanttText.
 */
import type { SimulationResult, StepStatus } from "../engine/result.js";
import { escapeMermaidGanttText } from "./escape.js";
import { startedSteps } from "./timeline.js";

/** Mermaid task tags: done = grey, crit = red, active = highlighted. */
const STATUS_TAGS: Record<StepStatus, string> = {
  succeeded: "done",
  resumed: "done",
  failed: "crit",
  "rolled-back": "active",
  skipped: "",
};

export interface MermaidGanttOptions {
  title?: string;
}

export function renderMermaidGantt(result: SimulationResult, options: MermaidGanttOptions = {}): string {
  const lines = ["gantt", `    title ${escapeMermaidGanttText(options.title ?? `Rollout of ${result.plan} (simulated)`)}`, "    dateFormat X", "    axisFormat %M:%S", "    todayMarker off"];
  let section = -1;
  let id = 0;
  for (const { phaseIndex, phase, step, start, end } of startedSteps(result)) {
    if (phaseIndex !== section) {
      section = phaseIndex;
      lines.push(`    section ${escapeMermaidGanttText(`${phaseIndex + 1}. ${phase.name}`)}`);
    }
    id += 1;
    const tag = STATUS_TAGS[step.status];
    // Whole seconds; a zero-length bar is widened to one second so it stays visible. The end is
    // written as a duration ("95s"): an absolute end in `dateFormat X` is not drawn by some
    // Mermaid versions (mermaid-js/mermaid#5216), durations are.
    const from = Math.floor(start);
    const seconds = Math.max(1, Math.ceil(end) - from);
    lines.push(`    ${escapeMermaidGanttText(step.service)} :${tag ? `${tag}, ` : ""}s${id}, ${from}, ${seconds}s`);
  }
  return lines.join("\n");
}
