/**
 * Memory over time as a Mermaid `xychart-beta`: one line for requested and one for used memory,
 * both in percent of allocatable, x-axis in minutes. The x-axis is a numeric range from 0 to the
 * last grid minute; Mermaid spreads the line's points evenly over that range, which is exactly
 * where memorySeries put them. At most `maxPoints` (default 60) points per line.
 */
import type { SimulationResult } from "../engine/result.js";
import { escapeMermaidString } from "./escape.js";
import { memorySeries } from "./memory-series.js";

export interface MermaidMemoryChartOptions {
  maxPoints?: number;
  title?: string;
}

function number(value: number): string {
  // Up to 6 decimals: exact for multiples of the finest grid step (1/64 minute = 0.015625), and
  // percentages carry one decimal; no exponent (values are far from 1e21), no trailing zeros.
  return String(Math.round(value * 1e6) / 1e6);
}

export function renderMermaidMemoryChart(result: SimulationResult, options: MermaidMemoryChartOptions = {}): string {
  const series = memorySeries(result.memory, result.durationSeconds, options.maxPoints ?? 60);
  const last = series.points[series.points.length - 1]!;
  const peak = Math.max(100, ...series.points.map((p) => Math.max(p.requestedPercent, p.usedPercent)));
  const yMax = Math.ceil(peak / 10) * 10;
  const title = options.title ?? "Memory, % of allocatable (requested, used)";
  return [
    "xychart-beta",
    `    title "${escapeMermaidString(title)}"`,
    `    x-axis "minutes" 0 --> ${number(last.minute)}`,
    `    y-axis "% of allocatable" 0 --> ${yMax}`,
    `    line "requested" [${series.points.map((p) => number(p.requestedPercent)).join(", ")}]`,
    `    line "used" [${series.points.map((p) => number(p.usedPercent)).join(", ")}]`,
  ].join("\n");
}
