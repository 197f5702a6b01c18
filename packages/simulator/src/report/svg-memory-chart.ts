/**
 * Memory over time as an inline SVG line chart: requested and used memory in percent of
 * allocatable (step lines, as the values hold between events), axes with ticks, a legend, dashed
 * vertical phase boundaries and each phase's memory gate threshold as a dashed horizontal segment.
 */
import type { SimulationResult } from "../engine/result.js";
import { formatClock } from "./clock.js";
import { escapeHtml } from "./escape.js";
import { memoryPercentPoints, memorySeries, type MemoryPoint } from "./memory-series.js";
import { num, timeTicks } from "./svg-axis.js";
import { phaseEnd } from "./timeline.js";

const WIDTH = 960;
const HEIGHT = 340;
const LEFT = 56;
const RIGHT = 20;
const TOP = 34;
const BOTTOM = 44;
/** Above this many samples the chart is drawn from the peak-preserving resampling instead. */
const MAX_DRAWN_POINTS = 1000;

export const REQUESTED_COLOR = "#2b6cb0";
export const USED_COLOR = "#dd6b20";
const GATE_COLOR = "#c53030";

export function renderSvgMemoryChart(result: SimulationResult): string {
  const end = Math.max(1, result.durationSeconds);
  const points: MemoryPoint[] =
    result.memory.length > MAX_DRAWN_POINTS ? memorySeries(result.memory, end, MAX_DRAWN_POINTS).points : memoryPercentPoints(result.memory);
  const gates = result.phases.flatMap((phase) =>
    phase.startedAt === undefined
      ? []
      : (phase.gate?.checks ?? [])
          .filter((c) => c.metric === "memory" && c.by === "requests")
          .map((c) => ({ phase, threshold: c.threshold, from: phase.startedAt!, to: phaseEnd(phase, result) })),
  );
  const peak = Math.max(100, ...points.map((p) => Math.max(p.requestedPercent, p.usedPercent)), ...gates.map((g) => g.threshold));
  const yMax = Math.ceil(peak / 10) * 10;
  const plotW = WIDTH - LEFT - RIGHT;
  const plotH = HEIGHT - TOP - BOTTOM;
  const x = (seconds: number) => LEFT + (Math.min(seconds, end) / end) * plotW;
  const y = (pct: number) => TOP + plotH - (pct / yMax) * plotH;

  const stepPath = (pick: (p: MemoryPoint) => number): string => {
    if (points.length === 0) return "";
    const d: string[] = [];
    points.forEach((p, i) => {
      const px = x(p.minute * 60);
      const py = y(pick(p));
      if (i === 0) d.push(`M${num(px)} ${num(py)}`);
      else d.push(`H${num(px)}`, `V${num(py)}`);
    });
    d.push(`H${num(x(end))}`);
    return d.join(" ");
  };

  const out: string[] = [];
  out.push(
    `<svg class="memory-chart" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Memory over time" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="11">`,
  );
  // Y axis with grid lines every 10 or 20 points.
  const yStep = yMax > 150 ? 50 : yMax > 100 ? 20 : 10;
  for (let v = 0; v <= yMax; v += yStep) {
    out.push(`<line x1="${LEFT}" y1="${num(y(v))}" x2="${WIDTH - RIGHT}" y2="${num(y(v))}" stroke="#e2e8f0"/>`);
    out.push(`<text x="${LEFT - 6}" y="${num(y(v) + 4)}" text-anchor="end">${v}%</text>`);
  }
  out.push(`<line x1="${LEFT}" y1="${TOP}" x2="${LEFT}" y2="${TOP + plotH}" stroke="#2d3748"/>`);
  out.push(`<line x1="${LEFT}" y1="${TOP + plotH}" x2="${WIDTH - RIGHT}" y2="${TOP + plotH}" stroke="#2d3748"/>`);
  for (const t of timeTicks(end)) {
    out.push(`<line x1="${num(x(t))}" y1="${TOP + plotH}" x2="${num(x(t))}" y2="${TOP + plotH + 5}" stroke="#2d3748"/>`);
    out.push(`<text x="${num(x(t))}" y="${TOP + plotH + 18}" text-anchor="middle">${formatClock(t)}</text>`);
  }
  out.push(`<text x="${LEFT + plotW / 2}" y="${HEIGHT - 6}" text-anchor="middle">simulated time (mm:ss)</text>`);
  out.push(`<text x="14" y="${TOP + plotH / 2}" text-anchor="middle" transform="rotate(-90 14 ${TOP + plotH / 2})">% of allocatable memory</text>`);
  result.phases.forEach((phase, i) => {
    if (phase.startedAt === undefined) return;
    const px = x(phase.startedAt);
    out.push(`<line class="phase-boundary" x1="${num(px)}" y1="${TOP}" x2="${num(px)}" y2="${TOP + plotH}" stroke="#718096" stroke-dasharray="4 3"/>`);
    out.push(`<text x="${num(px + 3)}" y="${TOP + 10}" fill="#4a5568">${escapeHtml(`${i + 1}`)}<title>${escapeHtml(phase.name)}</title></text>`);
  });
  for (const g of gates) {
    out.push(
      `<line class="gate-threshold" x1="${num(x(g.from))}" y1="${num(y(g.threshold))}" x2="${num(x(g.to))}" y2="${num(y(g.threshold))}" stroke="${GATE_COLOR}" stroke-width="1.5" stroke-dasharray="6 4"><title>${escapeHtml(`gate of ${g.phase.name}: memory ≤ ${g.threshold}%`)}</title></line>`,
    );
  }
  out.push(`<path class="series-requested" d="${stepPath((p) => p.requestedPercent)}" fill="none" stroke="${REQUESTED_COLOR}" stroke-width="2"/>`);
  out.push(`<path class="series-used" d="${stepPath((p) => p.usedPercent)}" fill="none" stroke="${USED_COLOR}" stroke-width="2"/>`);
  // Legend.
  const legend: [string, string, string][] = [
    [REQUESTED_COLOR, "", "requested"],
    [USED_COLOR, "", "used"],
    [GATE_COLOR, "6 4", "gate threshold"],
  ];
  legend.forEach(([color, dash, label], i) => {
    const lx = LEFT + i * 140;
    out.push(`<g class="legend-item"><line x1="${lx}" y1="14" x2="${lx + 24}" y2="14" stroke="${color}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ""}/><text x="${lx + 30}" y="18">${label}</text></g>`);
  });
  out.push("</svg>");
  return out.join("\n");
}
