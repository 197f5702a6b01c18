/**
 * Fuzzing `simulate` (issue 9): every plan the loader accepts — here, field mutations of the
 * repository's example plans — rehearses to a verdict without throwing. Bounded by time.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parsePlanText, PlanLoadError, type Plan } from "@openpolicy/core";
import fc from "fast-check";
import { parse, stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { fieldHolders } from "../../../core/test/helpers/field-holders.js";
import { simulate } from "../../src/index.js";

const repo = (path: string) => fileURLToPath(new URL(`../../../../${path}`, import.meta.url));
const SOURCES = ["examples/openpolicy/plan.fixed.yaml", "packages/core/testdata/plans/small.json", "packages/core/testdata/bad/prototype-names.yaml"].map(
  (path) => parse(readFileSync(repo(path), "utf8")) as unknown,
);
const BUDGET_MS = Number(process.env.FUZZ_MS ?? 4_000);

/** Values that change what the simulator has to cope with, but that the loader accepts. */
const VALUES: unknown[] = [0, 1, 3, 10, "1Mi", "64Gi", "1m", "0", "100%", "0%", 1, "1s", "0s", "10m", [], ["*"], "*", true, false, "Recreate", "StatefulSet", "kind"];

function mutate(root: unknown, picks: [number, number][]): unknown {
  const plan = structuredClone(root);
  for (const [pick, value] of picks) {
    const holders = fieldHolders(plan);
    const [holder, key] = holders[pick % holders.length]!;
    holder[key] = structuredClone(VALUES[value % VALUES.length]);
  }
  return plan;
}

describe("fuzzing simulate", () => {
  it("every mutated plan that loads rehearses to a verdict", async () => {
    let simulated = 0;
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: SOURCES.length - 1 }), fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 3 }), fc.nat({ max: 5 }), async (index, picks, seed) => {
        let plan: Plan;
        try {
          plan = parsePlanText(stringify(mutate(SOURCES[index], picks)), "fuzz.yaml");
        } catch (error) {
          if (error instanceof PlanLoadError) return;
          throw error;
        }
        const result = await simulate(plan, { seed });
        expect(["succeeded", "failed", "rolled-back"]).toContain(result.verdict);
        simulated++;
      }),
      { numRuns: 100_000, interruptAfterTimeLimit: BUDGET_MS, markInterruptAsFailure: false },
    );
    expect(simulated).toBeGreaterThan(0);
  });
});
