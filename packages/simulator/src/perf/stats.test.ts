import { describe, expect, it } from "vitest";
import { describeErrorCodes, mergeCounts, percentile, summarize } from "./stats.js";

describe("percentile (nearest rank)", () => {
  it("picks ranked samples", () => {
    const sorted = Array.from({ length: 100 }, (_, index) => index + 1);
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 95)).toBe(95);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile(sorted, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
  });
});

describe("summarize", () => {
  it("counts non-2xx, errors and timeouts over all attempts", () => {
    const stats = summarize({ latencies: [10, 20, 30, 40], ok: 3, non2xx: 1, errors: 1, timeouts: 0, elapsedMs: 1000 });
    expect(stats).toMatchObject({ total: 5, errorRatePercent: 40, requestsPerSecond: 4 });
    expect(stats.latencyMs).toEqual({ average: 25, p50: 20, p95: 40, p99: 40, max: 40 });
  });

  it("reads 'nothing measured' as 100% errors, not as health", () => {
    expect(summarize({ latencies: [], ok: 0, non2xx: 0, errors: 0, timeouts: 0, elapsedMs: 1000 })).toMatchObject({
      total: 0,
      errorRatePercent: 100,
      latencyMs: null,
    });
  });

  it("merges targets' counts", () => {
    const merged = mergeCounts([
      { latencies: [1], ok: 1, non2xx: 0, errors: 2, timeouts: 0, errorCodes: { ECONNRESET: 2 }, elapsedMs: 10 },
      { latencies: [2, 3], ok: 0, non2xx: 1, errors: 1, timeouts: 1, errorCodes: { ECONNRESET: 1 }, elapsedMs: 20 },
      { latencies: [], ok: 0, non2xx: 0, errors: 1, timeouts: 0, errorCodes: { ECONNREFUSED: 1 }, elapsedMs: 1 },
    ]);
    expect(merged).toEqual({ latencies: [1, 2, 3], ok: 1, non2xx: 1, errors: 4, timeouts: 1, errorCodes: { ECONNRESET: 3, ECONNREFUSED: 1 }, elapsedMs: 31 });
    expect(summarize(merged)).toMatchObject({ unreachable: false, errorCodes: { ECONNRESET: 3, ECONNREFUSED: 1 } });
    expect(describeErrorCodes(merged.errorCodes!)).toBe("3 connections reset (ECONNRESET), 1 refused (ECONNREFUSED)");
  });
});
