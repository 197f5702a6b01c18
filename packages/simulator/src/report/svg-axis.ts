/** Tick positions for time axes: a round step that gives at most `maxTicks` ticks. */
const TICK_STEPS_SECONDS = [5, 10, 15, 30, 60, 120, 300, 600, 900, 1200, 1800, 3600, 7200, 14400, 28800, 86400];

export function timeTicks(durationSeconds: number, maxTicks = 12): number[] {
  const end = Math.max(1, durationSeconds);
  const step = TICK_STEPS_SECONDS.find((s) => end / s <= maxTicks) ?? Math.ceil(end / maxTicks);
  const ticks: number[] = [];
  for (let t = 0; t <= end + 1e-9; t += step) ticks.push(t);
  return ticks;
}

/** Numbers in SVG attributes: at most 2 decimals, deterministic. */
export function num(value: number): string {
  return String(Math.round(value * 100) / 100);
}
