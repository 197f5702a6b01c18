/**
 * Property tests: any plan the schema accepts survives being written as YAML or JSON and read
 * back, with the same figures; and no input, however mangled, makes the loader throw anything
 * but PlanLoadError.
 */
import fc from "fast-check";
import { stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { PlanLoadError } from "./errors.js";
import { parsePlanText } from "./parse-text.js";

/** A memory quantity as text and the bytes it must read as (kept below 2^53). */
const MEMORY_SUFFIXES: [string, number][] = [["", 1], ["k", 1e3], ["M", 1e6], ["G", 1e9], ["Ki", 1024], ["Mi", 1024 ** 2], ["Gi", 1024 ** 3]];
const memoryArb = fc
  .tuple(fc.integer({ min: 0, max: 100_000 }), fc.constantFrom(...MEMORY_SUFFIXES))
  .map(([amount, [suffix, factor]]) => ({ text: `${amount}${suffix}`, bytes: amount * factor }));

/** A CPU quantity as millicores text, whole cores (number) or decimal cores, and its millicores. */
const cpuArb = fc.oneof(
  fc.integer({ min: 0, max: 64_000 }).map((milli) => ({ written: `${milli}m` as string | number, milli })),
  fc.integer({ min: 0, max: 64 }).map((cores) => ({ written: cores as string | number, milli: cores * 1000 })),
  fc.tuple(fc.integer({ min: 0, max: 64 }), fc.integer({ min: 0, max: 9 })).map(([whole, tenth]) => ({
    written: `${whole}.${tenth}`,
    milli: whole * 1000 + tenth * 100,
  })),
);

// DNS-1123 labels without "--", so no two fold to the same Kubernetes name (api-rules.ts).
const nameArb = fc.stringMatching(/^[a-z](-?[a-z0-9]){0,10}$/);
const validateArb = fc.constantFrom<unknown>("postgres", "redis", "rabbitmq", "none", "http", { http: "/healthz" }, { tcp: 5432 }, { http: { path: "/readyz", status: 200 } });

const serviceArb = fc.record(
  {
    memory: memoryArb,
    cpu: cpuArb,
    limitMemory: fc.option(memoryArb, { nil: undefined }),
    shorthand: fc.boolean(),
    replicas: fc.integer({ min: 0, max: 5 }),
    port: fc.integer({ min: 1, max: 65535 }),
    validate: validateArb,
    startup: fc.integer({ min: 0, max: 600 }),
    dependsOnAll: fc.boolean(),
  },
  { requiredKeys: ["memory", "cpu", "shorthand", "replicas", "port", "validate", "startup", "dependsOnAll"] },
);

const planArb = fc
  .tuple(fc.uniqueArray(nameArb, { minLength: 1, maxLength: 8 }), fc.array(serviceArb, { minLength: 8, maxLength: 8 }), fc.integer({ min: 1, max: 3 }))
  .map(([names, specs, phaseCount]) => {
    const services: Record<string, unknown> = {};
    const expected = new Map<string, { memory: number; cpu: number; limitMemory: number | undefined; replicas: number; startup: number }>();
    names.forEach((name, index) => {
      const spec = specs[index]!;
      const service: Record<string, unknown> = { replicas: spec.replicas, port: spec.port, validate: spec.validate, startup: `${spec.startup}s` };
      // A limit below the request is refused at load (the API server rejects it): raise it to the request.
      const limit = spec.limitMemory && spec.limitMemory.bytes < spec.memory.bytes ? spec.memory : spec.limitMemory;
      if (spec.shorthand) {
        service.memory = spec.memory.text;
        service.cpu = spec.cpu.written;
      } else {
        service.resources = {
          requests: { memory: spec.memory.text, cpu: spec.cpu.written },
          ...(limit ? { limits: { memory: limit.text } } : {}),
        };
      }
      if (spec.dependsOnAll) service.dependsOn = ["*"];
      else if (index > 0) service.dependsOn = [names[index - 1]];
      services[name] = service;
      expected.set(name, {
        memory: spec.memory.bytes,
        cpu: spec.cpu.milli,
        limitMemory: spec.shorthand ? spec.memory.bytes : limit?.bytes,
        replicas: spec.replicas,
        startup: spec.startup,
      });
    });
    const phases = Array.from({ length: phaseCount }, (_, p) => ({
      name: `phase-${p}`,
      services: names.filter((_, i) => i % phaseCount === p),
      ...(p % 2 === 1 ? { sequential: true } : {}),
    }));
    const plan = { name: "generated", cluster: { nodes: [{ memory: "8Gi", cpu: 16 }] }, budget: { memory: "50%" }, phases, services };
    return { plan, expected, names, phases };
  });

describe("plan round trip", () => {
  it("reads back every generated plan written as YAML or JSON, with the same figures", () => {
    fc.assert(
      fc.property(planArb, fc.boolean(), ({ plan, expected, names, phases }, asJson) => {
        const text = asJson ? JSON.stringify(plan, null, 2) : stringify(plan);
        const loaded = parsePlanText(text, asJson ? "plan.json" : "plan.yaml");
        expect(loaded.format).toBe(asJson ? "json" : "yaml");
        expect([...loaded.services.keys()]).toEqual(names);
        for (const [name, figures] of expected) {
          const service = loaded.services.get(name)!;
          expect(service.requests).toEqual({ memory: figures.memory, cpu: figures.cpu });
          expect(service.limits.memory).toBe(figures.limitMemory);
          expect(service.replicas).toBe(figures.replicas);
          expect(service.startupSeconds).toBe(figures.startup);
          if (service.dependsOnAll) expect(service.dependsOn).toEqual(names.filter((other) => other !== name));
        }
        loaded.phases.forEach((phase, p) => {
          expect(phase.batches.flatMap((batch) => batch.services)).toEqual(phases[p]!.services);
          expect(phase.batches.length).toBe(phase.sequential ? phases[p]!.services.length : 1);
        });
        expect(loaded.budget?.memory).toBe(50);
      }),
      { numRuns: 200 },
    );
  });

  it("throws nothing but PlanLoadError when any field is replaced by anything", () => {
    const paths = (value: unknown, prefix: (string | number)[] = []): (string | number)[][] =>
      value !== null && typeof value === "object"
        ? Object.entries(value).flatMap(([key, inner]) => {
            const path = [...prefix, Array.isArray(value) ? Number(key) : key];
            return [path, ...paths(inner, path)];
          })
        : [];
    fc.assert(
      fc.property(planArb, fc.nat(), fc.anything({ withNullPrototype: false }), fc.boolean(), ({ plan }, pick, replacement, asJson) => {
        const copy = structuredClone(plan) as Record<string, unknown>;
        const all = paths(copy);
        const path = all[pick % all.length]!;
        let holder: Record<string | number, unknown> = copy;
        for (const segment of path.slice(0, -1)) holder = holder[segment] as Record<string | number, unknown>;
        holder[path[path.length - 1]!] = replacement;
        let text: string;
        try {
          text = asJson ? JSON.stringify(copy) : stringify(copy);
        } catch {
          return; // not every value can be written out (e.g. bigint in JSON); nothing to load
        }
        try {
          parsePlanText(text, "mutated.yaml");
        } catch (error) {
          expect(error).toBeInstanceOf(PlanLoadError);
          expect((error as PlanLoadError).problems.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("throws nothing but PlanLoadError for arbitrary text", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        try {
          parsePlanText(text, "random.yaml");
        } catch (error) {
          expect(error).toBeInstanceOf(PlanLoadError);
        }
      }),
      { numRuns: 300 },
    );
  });
});
