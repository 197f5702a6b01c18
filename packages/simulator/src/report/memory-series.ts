/**
 * Memory over time as percentages of allocatable, resampled onto an evenly spaced grid.
 *
 * Samples are piecewise constant between events, so the value at a grid point is the last sample
 * at or before it; to keep short spikes (an OOM peak between two grid points) visible, each point
 * also takes the maximum of the samples since the previous grid point ("peak-preserving").
 *
 * The grid step is chosen from NICE_STEP_MINUTES, all exactly representable in binary, so a
 * consumer that rebuilds the x positions by repeated addition (Mermaid's xychart spreads line
 * points evenly over a numeric x-axis range) lands exactly on the same values.
 */
import type { MemorySample } from "../engine/result.js";

export interface MemoryPoint {
  /** Minutes since the start of the rollout. */
  minute: number;
  requestedPercent: number;
  usedPercent: number;
}

export interface MemorySeries {
  stepMinutes: number;
  points: MemoryPoint[];
}

const NICE_STEP_MINUTES = [1 / 64, 1 / 32, 1 / 16, 0.125, 0.25, 0.5, 1, 2, 4, 5, 10, 15, 20, 30, 60, 120, 240, 480, 960, 1440];

function share(bytes: number, allocatable: number): number {
  return allocatable > 0 ? Math.round((bytes / allocatable) * 1000) / 10 : 0;
}

/** The smallest nice step that covers `durationSeconds` in at most `maxPoints` points. */
export function chooseStepMinutes(durationSeconds: number, maxPoints: number): number {
  if (maxPoints < 2) throw new Error("report: a memory chart needs at least 2 points");
  const minutes = Math.max(0, durationSeconds) / 60;
  for (const step of NICE_STEP_MINUTES) {
    if (Math.ceil(minutes / step) + 1 <= maxPoints) return step;
  }
  return Math.ceil(minutes / (maxPoints - 1));
}

export function memorySeries(samples: readonly MemorySample[], durationSeconds: number, maxPoints = 60): MemorySeries {
  const sorted = [...samples].sort((a, b) => a.t - b.t);
  const stepMinutes = chooseStepMinutes(durationSeconds, maxPoints);
  const count = Math.max(2, Math.ceil(durationSeconds / 60 / stepMinutes) + 1);
  const points: MemoryPoint[] = [];
  let next = 0;
  let held: MemorySample | undefined;
  for (let i = 0; i < count; i += 1) {
    const minute = i * stepMinutes;
    const t = minute * 60;
    let peakRequested = -Infinity;
    let peakUsed = -Infinity;
    while (next < sorted.length && sorted[next]!.t <= t) {
      held = sorted[next]!;
      peakRequested = Math.max(peakRequested, share(held.requestedBytes, held.allocatableBytes));
      peakUsed = Math.max(peakUsed, share(held.usedBytes, held.allocatableBytes));
      next += 1;
    }
    const heldRequested = held ? share(held.requestedBytes, held.allocatableBytes) : 0;
    const heldUsed = held ? share(held.usedBytes, held.allocatableBytes) : 0;
    points.push({ minute, requestedPercent: Math.max(heldRequested, peakRequested), usedPercent: Math.max(heldUsed, peakUsed) });
  }
  return { stepMinutes, points };
}

/** Every sample as a percentage point (for the SVG chart, which draws exact steps). */
export function memoryPercentPoints(samples: readonly MemorySample[]): MemoryPoint[] {
  return [...samples]
    .sort((a, b) => a.t - b.t)
    .map((s) => ({ minute: s.t / 60, requestedPercent: share(s.requestedBytes, s.allocatableBytes), usedPercent: share(s.usedBytes, s.allocatableBytes) }));
}
