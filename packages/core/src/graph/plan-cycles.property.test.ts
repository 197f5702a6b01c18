/**
 * findPlanCycles (no n² "*" edges) gives exactly what findCycles gives on the full dependency
 * graph: same components, same reported paths, same "through *" flag — on random plans with
 * services on "*", self-dependencies (also next to "*"), duplicates and unknown names.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { planBuilder } from "../../test/helpers/plan-builder.js";
import { buildDependencyGraph, findCycles, findPlanCycles } from "./index.js";

const NAMES = ["a", "b", "c", "d", "e", "f", "g"];

const spec = fc.record({
  star: fc.boolean(),
  dependsOn: fc.array(fc.constantFrom(...NAMES, "ghost"), { maxLength: 4 }),
  selfToo: fc.boolean(),
});

describe("findPlanCycles", () => {
  it("agrees with findCycles on the full graph", () => {
    let throughStar = 0;
    let plain = 0;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: NAMES.length }), fc.array(spec, { minLength: NAMES.length, maxLength: NAMES.length }), (n, specs) => {
        const names = NAMES.slice(0, n);
        let b = planBuilder("p", "p.yaml");
        names.forEach((name, i) => {
          const s = specs[i]!;
          b = b.service(name, s.star && i % 2 === 0 ? { dependsOnAll: true } : { dependsOn: s.dependsOn });
        });
        const plan = b.phase("one", { batches: [names] }).build();
        // "*" with the service's own name written beside it: a self-dependency on top of "*".
        names.forEach((name, i) => {
          const service = plan.services.get(name)!;
          if (service.dependsOnAll && specs[i]!.selfToo) {
            service.dependsOn.push(name);
            service.dependsOnNamed.push(name);
          }
        });
        const cycles = findPlanCycles(plan);
        expect(cycles).toEqual(findCycles(buildDependencyGraph(plan)));
        if (cycles.some((c) => c.throughStar)) throughStar++;
        if (cycles.some((c) => !c.throughStar)) plain++;
      }),
      { numRuns: 2000 },
    );
    // The generated plans do exercise both kinds of cycle.
    expect(throughStar).toBeGreaterThan(100);
    expect(plain).toBeGreaterThan(100);
  });

  it("2,000 services on \"*\" are one cycle, found without the 4 million edges", () => {
    const names = Array.from({ length: 2000 }, (_, i) => `s${i}`);
    let b = planBuilder("p", "p.yaml");
    for (const name of names) b = b.service(name, { dependsOnAll: true });
    const plan = b.phase("one", { batches: [names] }).build();
    const started = performance.now();
    const cycles = findPlanCycles(plan);
    // Building the full graph alone took 6–9 s here; this is well under a second.
    expect(performance.now() - started).toBeLessThan(3000);
    expect(cycles).toHaveLength(1);
    expect(cycles[0]!.members).toHaveLength(2000);
    expect(cycles[0]!.path).toEqual(["s0", "s1", "s0"]);
    expect(cycles[0]!.throughStar).toBe(true);
  });
});
