/** `--runs` over worker threads gives exactly the single-thread summary for the same seeds. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parsePlanText } from "./core-sources.js";
import { assessRisk, mergeRiskPartials, runRiskSeeds } from "../../src/risk/assess-risk.js";
import { riskWorkerCount, runRiskInWorkers } from "../../src/risk/parallel-risk.js";

const plan = parsePlanText(readFileSync(fileURLToPath(new URL("../../../../examples/openpolicy/plan.fixed.yaml", import.meta.url)), "utf8"), "plan.fixed.yaml");
// A crash mid-rollout: the makespan varies with the seed (486–511 s over seeds 1–6).
const options = { runs: 24, seed0: 7, faults: [{ kind: "crash" as const, service: "etl", at: 90 }] };

describe("assessRisk over worker threads", () => {
  it("three threads give the same summary as one, for the same seeds", async () => {
    const single = await assessRisk(plan, { ...options, workers: 1 });
    const partials = await runRiskInWorkers(plan, options, 3);
    // The workers really ran: three stretches of 8 seeds each.
    expect(partials?.map((p) => [p.seed0, p.makespans.length])).toEqual([[7, 8], [15, 8], [23, 8]]);
    expect(mergeRiskPartials(plan, partials!)).toEqual(single);
    expect(await assessRisk(plan, { ...options, workers: 3 })).toEqual(single);
    // And the runs are not all alike, so equality says something.
    expect(single.makespan.min).toBeLessThan(single.makespan.max);
  }, 120_000);

  it("failures merge too: counts add up and the first failing seed is the lowest", async () => {
    const crashLoop = { runs: 6, seed0: 3, faults: [{ kind: "crash" as const, service: "etl" }], workers: 1 };
    const single = await assessRisk(plan, crashLoop);
    const partials = await runRiskInWorkers(plan, crashLoop, 2);
    expect(mergeRiskPartials(plan, partials!)).toEqual(single);
    expect(single.mostFrequentFailure).toMatchObject({ service: "etl", count: 6, firstSeed: 3 });
  }, 120_000);

  it("merging is independent of how the seeds are split and in what order partials arrive", async () => {
    const whole = mergeRiskPartials(plan, [await runRiskSeeds(plan, { ...options, runs: 10 })]);
    const a = await runRiskSeeds(plan, { ...options, runs: 3 });
    const b = await runRiskSeeds(plan, { ...options, seed0: options.seed0 + 3, runs: 7 });
    expect(mergeRiskPartials(plan, [b, a])).toEqual(whole);
  });

  it("uses threads only when there are enough runs to pay for them", () => {
    expect(riskWorkerCount({ runs: 150 })).toBe(1);
    expect(riskWorkerCount({ runs: 10_000 })).toBeGreaterThanOrEqual(1);
    expect(riskWorkerCount({ runs: 10_000 })).toBeLessThanOrEqual(8);
    expect(riskWorkerCount({ runs: 5, workers: 16 })).toBe(5);
  });
});
