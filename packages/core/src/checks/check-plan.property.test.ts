/**
 * checkPlan must never throw on a plan the loader can produce, however broken: dangling names,
 * cycles, "*", empty phases and batches, zero resources, no nodes, reserved above capacity,
 * declared totals written in odd ways.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Plan, Service, Validation } from "../plan/model.js";
import { planTotals, formatFindingsText, findingsToJson, findingsToSarif, formatTotalsText, formatTotalsMarkdown } from "../report/index.js";
import { buildDependencyGraph, criticalPath, findCycles } from "../graph/index.js";
import { checkPlan, compareFindings, RULES } from "./index.js";

const NAMES = ["db", "cache", "api", "web", "worker", "api-gateway", "admin", "queue", "x"];
const loc = (line: number) => ({ file: "gen.yaml", line, column: 1 });

const amount = fc.record({
  memory: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 64 * 2 ** 30 })),
  cpu: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 64_000 })),
});
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const validation: fc.Arbitrary<Validation> = fc.constantFrom<Validation>(
  { kind: "none" },
  { kind: "http", path: "/healthz" },
  { kind: "tcp", port: 80 },
  { kind: "postgres" },
);
const figureText = fc.oneof(
  fc.constantFrom("1.15Gi", "3Gi", "1.45", "600m", "1.45 cores", "", "abc", "1.2.3", "1e3", "1e400", ".5Mi", "5,888Mi", "Gi", "-1Gi"),
  fc.string({ maxLength: 8 }),
);

const planArbitrary: fc.Arbitrary<Plan> = fc
  .record({
    services: fc.uniqueArray(
      fc.record({
        name: fc.constantFrom(...NAMES),
        requests: amount,
        limits: fc.record({ memory: maybe(fc.integer({ min: 0, max: 64 * 2 ** 30 })), cpu: maybe(fc.integer({ min: 0, max: 64_000 })) }),
        replicas: fc.integer({ min: 0, max: 5 }),
        port: maybe(fc.constantFrom(80, 8080, 9015, 9016)),
        dependsOn: fc.array(fc.constantFrom(...NAMES, "ghost", ""), { maxLength: 4 }),
        dependsOnAll: fc.boolean(),
        validate: validation,
        startupSeconds: fc.integer({ min: 0, max: 600 }),
        line: fc.integer({ min: 1, max: 200 }),
      }),
      { selector: (s) => s.name, maxLength: NAMES.length },
    ),
    phases: fc.array(
      fc.record({
        batches: fc.array(fc.array(fc.constantFrom(...NAMES, "ghost"), { maxLength: 4 }), { maxLength: 3 }),
        gate: maybe(fc.record({ memory: maybe(fc.integer({ min: 0, max: 150 })), cpu: maybe(fc.integer({ min: 0, max: 150 })) })),
        declared: maybe(
          fc.record({
            memory: maybe(fc.integer({ min: 0, max: 2 ** 40 })),
            cpu: maybe(fc.integer({ min: 0, max: 100_000 })),
            memoryText: maybe(figureText),
            cpuText: maybe(figureText),
          }),
        ),
        line: fc.integer({ min: 1, max: 200 }),
      }),
      { maxLength: 4 },
    ),
    nodes: fc.array(
      fc.record({ count: fc.integer({ min: 0, max: 4 }), memory: fc.integer({ min: 0, max: 64 * 2 ** 30 }), cpu: fc.integer({ min: 0, max: 64_000 }) }),
      { maxLength: 3 },
    ),
    reserved: amount,
    budget: maybe(fc.record({ memory: maybe(fc.integer({ min: 0, max: 100 })), cpu: maybe(fc.integer({ min: 0, max: 100 })) })),
  })
  .map(({ services, phases, nodes, reserved, budget }) => {
    const names = services.map((s) => s.name);
    const map = new Map<string, Service>();
    for (const s of services) {
      map.set(s.name, {
        name: s.name,
        requests: s.requests,
        limits: Object.fromEntries(Object.entries(s.limits).filter(([, v]) => v !== undefined)),
        replicas: s.replicas,
        ...(s.port !== undefined ? { port: s.port } : {}),
        dependsOn: s.dependsOnAll ? names.filter((n) => n !== s.name) : s.dependsOn,
        dependsOnNamed: s.dependsOnAll ? [] : s.dependsOn,
        dependsOnAll: s.dependsOnAll,
        validate: s.validate,
        usage: s.requests,
        usageGiven: false,
        startupSeconds: s.startupSeconds,
        kind: "Deployment",
        strategy: "RollingUpdate",
        rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
        persistent: false,
        priority: 0,
        manifests: [],
        env: [],
        location: loc(s.line),
      });
    }
    const plan: Plan = {
      name: "generated",
      file: "gen.yaml",
      format: "yaml",
      cluster: { nodes: nodes.map((n) => ({ ...n, pods: 110, location: loc(1) })), reserved, overhead: "none", location: loc(1) },
      rollback: { scope: "phase", timeoutSeconds: 60, forSeconds: 30, location: loc(1) },
      phases: phases.map((p, i) => ({
        name: `phase ${i + 1}`,
        batches: p.batches.map((services, j) => ({ name: `batch ${j + 1}`, services, location: loc(p.line) })),
        sequential: false,
        ...(p.gate ? { gate: { ...stripUndefined(p.gate), location: loc(p.line) } } : {}),
        ...(p.declared ? { declared: { ...stripUndefined(p.declared), location: loc(p.line) } } : {}),
        location: loc(p.line),
      })),
      services: map,
      namespace: "default",
      location: loc(1),
    };
    if (budget) plan.budget = { ...stripUndefined(budget), location: loc(2) };
    return plan;
  });

function stripUndefined<T extends object>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}

describe("checkPlan on generated plans", () => {
  it("never throws, returns sorted findings with valid rules, and the renderers accept them", () => {
    fc.assert(
      fc.property(planArbitrary, (plan) => {
        const findings = checkPlan(plan);
        for (const f of findings) {
          expect(RULES[f.rule].severity).toBe(f.severity);
          expect(f.message.length).toBeGreaterThan(0);
          expect(f.location.line).toBeGreaterThanOrEqual(1);
        }
        for (let i = 1; i < findings.length; i++) expect(compareFindings(findings[i - 1]!, findings[i]!)).toBeLessThanOrEqual(0);
        formatFindingsText(findings, { color: true });
        findingsToJson(findings);
        findingsToSarif(findings, { toolVersion: "0.0.0" });
        const totals = planTotals(plan);
        formatTotalsText(totals, { color: false });
        formatTotalsMarkdown(totals);
        criticalPath(plan);
        // Every reported cycle is a real closed path of dependencies.
        for (const cycle of findCycles(buildDependencyGraph(plan))) {
          expect(cycle.path[0]).toBe(cycle.path[cycle.path.length - 1]);
          for (let i = 0; i + 1 < cycle.path.length; i++) {
            expect(plan.services.get(cycle.path[i]!)!.dependsOn).toContain(cycle.path[i + 1]);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it("reports a dependency-cycle finding exactly when the graph has a cycle", () => {
    fc.assert(
      fc.property(planArbitrary, (plan) => {
        const cycles = findCycles(buildDependencyGraph(plan));
        const reported = checkPlan(plan).filter((f) => f.rule === "dependency-cycle");
        expect(reported.length).toBe(cycles.length);
      }),
      { numRuns: 200 },
    );
  });
});
