/**
 * Simulated time for people: "mm:ss" from the start of the rollout. Minutes are not wrapped into
 * hours ("75:00"), so a long rollout still reads as one number of minutes.
 */
export function formatClock(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  const minutes = Math.floor(whole / 60);
  const rest = whole % 60;
  return `${String(minutes).padStart(2, "0")}:${String(rest).padStart(2, "0")}`;
}

/** A percentage with at most one decimal and no trailing ".0": 37.5 → "37.5%", 40 → "40%". */
export function formatPercent(value: number): string {
  const rounded = Math.round(value * 10) / 10;
  return `${Number.isInteger(rounded) ? rounded.toFixed(0) : rounded.toFixed(1)}%`;
}

/** A signed difference in percentage points: +2.5, -0.3, 0. */
export function formatPoints(value: number): string {
  const rounded = Math.round(value * 10) / 10;
  const text = Number.isInteger(rounded) ? rounded.toFixed(0) : rounded.toFixed(1);
  return rounded > 0 ? `+${text}` : text === "-0" ? "0" : text;
}
