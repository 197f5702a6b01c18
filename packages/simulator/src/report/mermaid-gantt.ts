/**
 * The rollout as a Mermaid gantt chart: one section per phase, one task per started step, from
 * startedAt to readyAt (or to when the step stopped counting).
 *
 * Starts are simulated seconds written as Unix milliseconds under `dateFormat x`, so second 0 is
 * the Unix epoch and `axisFormat %M:%S` shows minutes:seconds since the start. Not `dateFormat X`
 * (Unix seconds): Mermaid 10.9–11.11 parse it with dayjs as seconds, but 11.12 and later turn any
 * all-digit start under `x` or `X` into `new Date(number)` — milliseconds — and would draw every
 * bar at 0 s. Milliseconds under `x` read the same in both (tested in Chromium with Mermaid 10.9
 * and 11.x: test/report/mermaid-gantt-render.test.ts). Each task has a unique id
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
  const lines = ["gantt", `    title ${escapeMermaidGanttText(options.title ?? `Rollout of ${result.plan} (simulated)`)}`, "    dateFormat x", "    axisFormat %M:%S", "    todayMarker off"];
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
    // written as a duration ("95s"): an absolute end in a timestamp format is not drawn by some
    // Mermaid versions (mermaid-js/mermaid#5216), durations are.
    const from = Math.floor(start);
    const seconds = Math.max(1, Math.ceil(end) - from);
    lines.push(`    ${escapeMermaidGanttText(step.service)} :${tag ? `${tag}, ` : ""}s${id}, ${from * 1000}, ${seconds}s`);
  }
  return lines.join("\n");
}
