/**
 * The rollout as an inline SVG gantt chart: one row per started step (class `gantt-bar`), rows
 * grouped under their phase, a time axis in simulated mm:ss, and dashed phase boundaries.
 */
import type { SimulationResult, StepStatus } from "../engine/result.js";
import { formatClock } from "./clock.js";
import { escapeHtml } from "./escape.js";
import { num, timeTicks } from "./svg-axis.js";
import { startedSteps } from "./timeline.js";

export const STEP_COLORS: Record<StepStatus, string> = {
  succeeded: "#2f855a",
  resumed: "#68d391",
  failed: "#c53030",
  "rolled-back": "#d69e2e",
  skipped: "#a0aec0",
};

const WIDTH = 960;
const LABEL_WIDTH = 190;
const RIGHT = 20;
const TOP = 30;
const ROW = 18;
const HEADER_ROW = 20;
const AXIS = 30;

export function renderSvgGantt(result: SimulationResult): string {
  const steps = startedSteps(result);
  const end = Math.max(1, result.durationSeconds, ...steps.map((s) => s.end));
  const plotWidth = WIDTH - LABEL_WIDTH - RIGHT;
  const x = (t: number) => LABEL_WIDTH + (t / end) * plotWidth;
  const parts: string[] = [];
  let y = TOP;
  let section = -1;
  const phaseLines: string[] = [];
  for (const s of steps) {
    if (s.phaseIndex !== section) {
      section = s.phaseIndex;
      parts.push(`<text class="gantt-phase" x="4" y="${num(y + 14)}" font-weight="bold">${escapeHtml(`${s.phaseIndex + 1}. ${s.phase.name}`)}</text>`);
      y += HEADER_ROW;
    }
    const left = x(s.start);
    const width = Math.max(2, x(s.end) - left);
    const tooltip = `${s.step.service} (${s.step.status}) ${formatClock(s.start)}–${formatClock(s.end)}${s.step.message ? `: ${s.step.message}` : ""}`;
    parts.push(`<text x="14" y="${num(y + 13)}">${escapeHtml(s.step.service)}</text>`);
    parts.push(
      `<rect class="gantt-bar" data-service="${escapeHtml(s.step.service)}" data-status="${s.step.status}" x="${num(left)}" y="${num(y + 3)}" width="${num(width)}" height="${ROW - 6}" rx="2" fill="${STEP_COLORS[s.step.status]}"><title>${escapeHtml(tooltip)}</title></rect>`,
    );
    y += ROW;
  }
  const plotBottom = y + 4;
  for (const phase of result.phases) {
    if (phase.startedAt === undefined) continue;
    const px = x(phase.startedAt);
    phaseLines.push(`<line class="phase-boundary" x1="${num(px)}" y1="${TOP - 6}" x2="${num(px)}" y2="${num(plotBottom)}" stroke="#4a5568" stroke-dasharray="4 3"/>`);
  }
  const ticks = timeTicks(end).map((t) => {
    const tx = x(t);
    return `<line x1="${num(tx)}" y1="${num(plotBottom)}" x2="${num(tx)}" y2="${num(plotBottom + 5)}" stroke="#2d3748"/><text x="${num(tx)}" y="${num(plotBottom + 18)}" text-anchor="middle">${formatClock(t)}</text>`;
  });
  const height = plotBottom + AXIS;
  const legend = (["succeeded", "failed", "rolled-back", "resumed"] as const)
    .map((status, i) => `<rect x="${LABEL_WIDTH + i * 120}" y="6" width="12" height="12" fill="${STEP_COLORS[status]}"/><text x="${LABEL_WIDTH + i * 120 + 16}" y="16">${status}</text>`)
    .join("");
  return [
    `<svg class="gantt" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Rollout timeline" width="${WIDTH}" height="${num(height)}" viewBox="0 0 ${WIDTH} ${num(height)}" font-family="sans-serif" font-size="11">`,
    legend,
    ...phaseLines,
    ...parts,
    `<line x1="${LABEL_WIDTH}" y1="${num(plotBottom)}" x2="${WIDTH - RIGHT}" y2="${num(plotBottom)}" stroke="#2d3748"/>`,
    ...ticks,
    "</svg>",
  ].join("\n");
}
