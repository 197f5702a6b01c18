import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parsePlanText } from "@openpolicy/core";
import { optimizePlan } from "../../src/planner/index.js";
import { STARTUP_JITTER } from "../../src/cluster/simulated/simulated-cluster.js";
import { batchPositions } from "./plan-equivalence.js";

/** A small random DAG: service i may depend on any j < i; the hand-written order is a random permutation in batches. */
const dagPlan = fc
  .integer({ min: 1, max: 7 })
  .chain((n) =>
    fc.record({
      n: fc.constant(n),
      edges: fc.array(fc.array(fc.boolean(), { minLength: n, maxLength: n }), { minLength: n, maxLength: n }),
      startups: fc.array(fc.integer({ min: 1, max: 60 }), { minLength: n, maxLength: n }),
      memories: fc.array(fc.integer({ min: 16, max: 256 }), { minLength: n, maxLength: n }),
      order: fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n }),
      cuts: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
    }),
  )
  .map(({ n, edges, startups, memories, order, cuts }) => {
    const name = (i: number) => `s${i}`;
    const services = [...Array(n).keys()].map((i) => {
      const deps = [...Array(i).keys()].filter((j) => edges[i]![j]).map(name);
      return `  ${name(i)}: {memory: ${memories[i]}Mi, cpu: 50m, validate: none, startup: ${startups[i]}s${deps.length > 0 ? `, dependsOn: [${deps.join(", ")}]` : ""}}`;
    });
    const batches: string[][] = [[]];
    order.forEach((i, k) => {
      if (k > 0 && cuts[k]) batches.push([]);
      batches[batches.length - 1]!.push(name(i));
    });
    return `name: random
cluster: {nodes: [{memory: 4Gi, cpu: "4"}]}
phases:
  - name: all
    batches:
${batches.map((b) => `      - {services: [${b.join(", ")}]}`).join("\n")}
    gate: {memory: 90%}
services:
${services.join("\n")}
`;
  });

describe("optimizePlan on random DAGs", () => {
  it("places every service once, after every dependency", async () => {
    await fc.assert(
      fc.asyncProperty(dagPlan, async (text) => {
        const plan = parsePlanText(text, "random.yaml");
        const result = await optimizePlan(plan, { maxCandidates: 12 });
        const placed = result.optimized.phases.flatMap((p) => p.batches.flatMap((b) => b.services));
        expect([...placed].sort()).toEqual([...plan.services.keys()].sort());
        const position = batchPositions(result.optimized);
        for (const service of plan.services.values()) {
          for (const dependency of service.dependsOn) expect(position.get(dependency)!).toBeLessThan(position.get(service.name)!);
        }
        expect(result.makespan.verdict).toBe("succeeded");
        // The bound sums expected start-ups; the simulation jitters each by up to ±STARTUP_JITTER.
        expect(result.makespan.seconds!).toBeGreaterThanOrEqual(result.lowerBound.seconds * (1 - STARTUP_JITTER));
      }),
      { numRuns: 40, seed: 20240611 },
    );
  });
});
