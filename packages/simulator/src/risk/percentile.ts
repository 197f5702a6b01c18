/**
 * Nearest-rank percentile: the smallest value such that at least p% of the values are at or
 * below it, i.e. sorted[ceil(p/100 × n) − 1] (p = 0 gives the minimum). No interpolation, so the
 * answer is always one of the observed values — a makespan that some run really had.
 */
export function nearestRankPercentile(sortedAscending: ArrayLike<number>, p: number): number {
  const n = sortedAscending.length;
  if (n === 0) throw new Error("risk: percentile of no values");
  if (!(p >= 0 && p <= 100)) throw new Error(`risk: percentile must be within 0..100, got ${p}`);
  const rank = Math.max(1, Math.ceil((p / 100) * n));
  return sortedAscending[rank - 1]!;
}
