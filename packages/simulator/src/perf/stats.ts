/** Latency and error figures for one target or for all of them. */
export interface PerfStats {
  /** Responses (any status) + errors (connection errors and timeouts). */
  total: number;
  /** Responses with a 2xx status. */
  ok: number;
  /** Responses with any other status. */
  non2xx: number;
  /** Connection errors (refused, reset, ...) excluding timeouts. */
  errors: number;
  /** Requests that got no response within the per-request timeout. */
  timeouts: number;
  /** Connection errors by code (`ECONNREFUSED`, `ECONNRESET`, ...), so a refused port reads as such. */
  errorCodes: Record<string, number>;
  /** Not one response: the target could not be reached (see errorCodes) or never answered. */
  unreachable: boolean;
  /** (non2xx + errors + timeouts) / total, in percent; 100 when nothing was measured. */
  errorRatePercent: number;
  /** Latency of the responses received (any status), ms; null when there were none. */
  latencyMs: { average: number; p50: number; p95: number; p99: number; max: number } | null;
  /** Responses per second over the measured time. */
  requestsPerSecond: number;
}

export interface PerfCounts {
  latencies: number[];
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Connection errors by code; optional for callers that only count. */
  errorCodes?: Record<string, number>;
  elapsedMs: number;
}

/** Nearest-rank percentile of an ascending array (p in 0..100). */
export function percentile(sortedAscending: readonly number[], p: number): number {
  if (sortedAscending.length === 0) throw new RangeError("perf: percentile of no samples");
  const rank = Math.max(1, Math.ceil((p / 100) * sortedAscending.length));
  return sortedAscending[Math.min(rank, sortedAscending.length) - 1]!;
}

const round2 = (value: number) => Math.round(value * 100) / 100;

export function summarize(counts: PerfCounts): PerfStats {
  const responses = counts.ok + counts.non2xx;
  const total = responses + counts.errors + counts.timeouts;
  const failed = counts.non2xx + counts.errors + counts.timeouts;
  const sorted = [...counts.latencies].sort((a, b) => a - b);
  const latencyMs =
    sorted.length === 0
      ? null
      : {
          average: round2(sorted.reduce((sum, value) => sum + value, 0) / sorted.length),
          p50: round2(percentile(sorted, 50)),
          p95: round2(percentile(sorted, 95)),
          p99: round2(percentile(sorted, 99)),
          max: round2(sorted[sorted.length - 1]!),
        };
  return {
    total,
    ok: counts.ok,
    non2xx: counts.non2xx,
    errors: counts.errors,
    timeouts: counts.timeouts,
    errorCodes: { ...(counts.errorCodes ?? {}) },
    unreachable: responses === 0 && total > 0,
    // Nothing measured is not "0% errors": a rollback trigger must not read silence as health.
    errorRatePercent: total === 0 ? 100 : round2((failed / total) * 100),
    latencyMs,
    requestsPerSecond: counts.elapsedMs > 0 ? round2((responses / counts.elapsedMs) * 1000) : 0,
  };
}

export function mergeCounts(all: readonly PerfCounts[]): PerfCounts {
  return {
    latencies: all.flatMap((counts) => counts.latencies),
    ok: all.reduce((sum, counts) => sum + counts.ok, 0),
    non2xx: all.reduce((sum, counts) => sum + counts.non2xx, 0),
    errors: all.reduce((sum, counts) => sum + counts.errors, 0),
    timeouts: all.reduce((sum, counts) => sum + counts.timeouts, 0),
    errorCodes: mergeCodes(all.map((counts) => counts.errorCodes ?? {})),
    elapsedMs: all.reduce((sum, counts) => sum + counts.elapsedMs, 0),
  };
}

function mergeCodes(all: readonly Record<string, number>[]): Record<string, number> {
  const merged: Record<string, number> = {};
  for (const codes of all) for (const [code, n] of Object.entries(codes)) merged[code] = (merged[code] ?? 0) + n;
  return merged;
}

/** "20 connections refused (ECONNREFUSED), 2 reset (ECONNRESET)": the connection errors in words. */
export function describeErrorCodes(codes: Record<string, number>): string {
  const words: Record<string, string> = { ECONNREFUSED: "refused", ECONNRESET: "reset", ETIMEDOUT: "timed out", EHOSTUNREACH: "host unreachable", ENETUNREACH: "network unreachable", ENOTFOUND: "host not found" };
  return Object.entries(codes)
    .sort(([, a], [, b]) => b - a)
    .map(([code, n], i) => `${n} ${i === 0 ? `connection${n === 1 ? "" : "s"} ` : ""}${words[code] ?? "failed"} (${code})`)
    .join(", ");
}
