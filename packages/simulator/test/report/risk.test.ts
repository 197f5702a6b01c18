import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parsePlanText } from "./core-sources.js";
import { assessRisk, type SimulateFn } from "../../src/risk/assess-risk.js";
import { formatRiskText, renderRiskMarkdown } from "../../src/risk/format-risk.js";
import { nearestRankPercentile } from "../../src/risk/percentile.js";
import type { FailureReason, SimulationResult } from "../../src/engine/result.js";
import { buildResult } from "./build-result.js";
import { markdownTableAfter } from "./mermaid-grammar.js";

const plan = parsePlanText(readFileSync(fileURLToPath(new URL("../../../../examples/openpolicy/plan.fixed.yaml", import.meta.url)), "utf8"), "plan.fixed.yaml");

describe("nearestRankPercentile", () => {
  it("returns sorted[ceil(p/100·n) − 1]", () => {
    const values = [15, 20, 35, 40, 50];
    expect(nearestRankPercentile(values, 5)).toBe(15);
    expect(nearestRankPercentile(values, 30)).toBe(20);
    expect(nearestRankPercentile(values, 40)).toBe(20);
    expect(nearestRankPercentile(values, 50)).toBe(35);
    expect(nearestRankPercentile(values, 95)).toBe(50);
    expect(nearestRankPercentile(values, 100)).toBe(50);
    expect(nearestRankPercentile(values, 0)).toBe(15);
    expect(() => nearestRankPercentile([], 50)).toThrow(/risk:/);
    expect(() => nearestRankPercentile(values, 101)).toThrow(/risk:/);
  });
});

describe("assessRisk", () => {
  it("runs seeds seed0..seed0+N-1 and summarizes verdicts, makespans and failures", async () => {
    const seeds: number[] = [];
    // Seed s: makespan 100·s seconds; every third seed fails at web, every fifth (not third) at etl.
    const fake: SimulateFn = async (_plan, { seed }) => {
      seeds.push(seed);
      const result: SimulationResult = { ...buildResult({ seed }), durationSeconds: 100 * seed };
      const fail = (reason: FailureReason, service: string) => {
        result.verdict = "rolled-back";
        result.failure = { reason, service, message: "m", detectionSeconds: 1 };
      };
      if (seed % 3 === 0) fail("Unschedulable", "web");
      else if (seed % 5 === 0) fail("CrashLoopBackOff", "etl");
      return result;
    };
    const risk = await assessRisk(plan, { runs: 20, seed0: 1 }, fake);
    expect(seeds).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    // Seeds 3,6,...,18 (6 runs) fail at web; 5,10,20 (3 runs) at etl.
    expect(risk.verdicts).toEqual({ succeeded: 11, "rolled-back": 9, failed: 0 });
    expect(risk.succeeded).toBe(11);
    expect(risk.successProbability).toBeCloseTo(0.55, 12);
    expect(risk.makespan).toEqual({ p50: 1000, p95: 1900, min: 100, max: 2000 });
    expect(risk.mostFrequentFailure).toEqual({ reason: "Unschedulable", service: "web", count: 6, firstSeed: 3 });
    expect(risk.failures.map((f) => [f.reason, f.count, f.firstSeed])).toEqual([
      ["Unschedulable", 6, 3],
      ["CrashLoopBackOff", 3, 5],
    ]);

    const text = formatRiskText(risk);
    expect(text).toContain("11 of 20 runs succeeded (55%), seeds 1–20");
    expect(text).toContain("p50 16:40 · p95 31:40 · min 01:40 · max 33:20");
    expect(text).toContain("Most frequent failure: Unschedulable (web) in 6 of 20 runs, first at seed 3");
    const md = renderRiskMarkdown(risk);
    expect(markdownTableAfter(md, "| Failure |").slice(2)).toEqual([
      ["Unschedulable", "`web`", "6", "3"],
      ["CrashLoopBackOff", "`etl`", "3", "5"],
    ]);
    expect(markdownTableAfter(md, "| Makespan |")[2]).toEqual(["simulated mm:ss", "16:40", "31:40", "01:40", "33:20"]);
  });

  it("rejects a non-positive run count", async () => {
    await expect(assessRisk(plan, { runs: 0, seed0: 1 })).rejects.toThrow(/risk: runs/);
  });

  it("works with the real simulator and is deterministic", async () => {
    const options = { runs: 5, seed0: 10, faults: [{ kind: "crash" as const, service: "etl" }] };
    const a = await assessRisk(plan, options);
    const b = await assessRisk(plan, options);
    expect(b).toEqual(a);
    expect(a.runs).toBe(5);
    expect(a.verdicts.succeeded + a.verdicts["rolled-back"] + a.verdicts.failed).toBe(5);
    // A crash loop in etl fails every run, always at etl.
    expect(a.succeeded).toBe(0);
    expect(a.mostFrequentFailure?.service).toBe("etl");
    expect(a.makespan.min).toBeLessThanOrEqual(a.makespan.p50);
    expect(a.makespan.p50).toBeLessThanOrEqual(a.makespan.p95);
    expect(a.makespan.p95).toBeLessThanOrEqual(a.makespan.max);
  });
});
