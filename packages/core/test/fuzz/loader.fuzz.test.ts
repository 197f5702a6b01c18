/**
 * Fuzzing the plan loader, the Markdown importer and `checkPlan` (issue 9): mutated copies of the
 * repository's valid plans either load — and then check without throwing — or fail with the
 * documented PlanLoadError. Any other throw is a crash a user would see as a stack trace.
 * Bounded by time so `pnpm test` stays fast; the seed is printed by fast-check on failure.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { parse, stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { checkPlan } from "../../src/checks/index.js";
import { parsePlanDocument } from "../../src/document/read-plan.js";
import { fieldHolders } from "../helpers/field-holders.js";
import { PlanLoadError } from "../../src/plan/index.js";

const repo = (path: string) => fileURLToPath(new URL(`../../../../${path}`, import.meta.url));
const SOURCES = [
  "packages/core/testdata/plans/example.yaml",
  "packages/core/testdata/plans/small.json",
  "packages/core/testdata/bad/prototype-names.yaml",
  "packages/core/testdata/markdown/small-no-validation.md",
  "packages/core/testdata/markdown/batches-conflicts.md",
  "examples/openpolicy/plan.yaml",
  "examples/openpolicy/plan.fixed.yaml",
  "examples/openpolicy/plan.previous.yaml",
  "examples/openpolicy/PLAN.md",
].map((path) => ({ path, text: readFileSync(repo(path), "utf8") }));

/**
 * Time budget per property: thousands of small plans, short enough for `pnpm test`. FUZZ_MS=60000
 * hunts longer.
 */
const BUDGET_MS = Number(process.env.FUZZ_MS ?? 4_000);
/** One plan of a few KB must never take this long: a hang or a blow-up, not slowness. */
const MAX_CASE_MS = 3_000;

/** Loads and checks; returns what happened, failing the property on any unclassified throw. */
function loadAndCheck(text: string, file: string): "loaded" | "refused" {
  const started = performance.now();
  try {
    const { plan } = parsePlanDocument(text, file);
    const findings = checkPlan(plan);
    expect(Array.isArray(findings)).toBe(true);
    return "loaded";
  } catch (error) {
    if (!(error instanceof PlanLoadError)) throw error;
    // Every problem is located and says something.
    for (const problem of error.problems) {
      expect(problem.line).toBeGreaterThanOrEqual(1);
      expect(problem.column).toBeGreaterThanOrEqual(1);
      expect(problem.message.length).toBeGreaterThan(0);
    }
    return "refused";
  } finally {
    expect(performance.now() - started).toBeLessThan(MAX_CASE_MS);
  }
}

/** Text that has broken parsers before: structure, prototype names, units, controls, a BOM. */
const FRAGMENTS = [
  ...[":", "-", "- ", "[", "]", "{", "}", ",", "#", "&a ", "*a", "!!str ", "? ", "<<: *a", "---\n", "|\n", '"', "'", "\t", "\n", "  "],
  ...["__proto__", "constructor", "toString", "hasOwnProperty", "prototype", "__proto__: {}", "constructor: {memory: 1Mi}"],
  ...["128m", "0.5", "-1", "1e309", "9007199254740993", "NaN", ".inf", "0x1F", "~", "null", "*", '"*"', "0%", "150%", "99999999Gi"],
  ...["\uFEFF", "\u0000", "\u001b[2J", "\u2028", "计划", "Web", "api.v1", "a".repeat(300), "[".repeat(200), "{a: ".repeat(80)],
];

const textEditArb = fc.array(
  fc.tuple(fc.nat(), fc.nat(), fc.constantFrom("insert", "delete", "replace")),
  { minLength: 1, maxLength: 4 },
);

function applyEdits(text: string, edits: [number, number, string][]): string {
  let result = text;
  for (const [where, what, how] of edits) {
    const at = where % (result.length + 1);
    const fragment = FRAGMENTS[what % FRAGMENTS.length]!;
    if (how === "insert") result = result.slice(0, at) + fragment + result.slice(at);
    else if (how === "delete") result = result.slice(0, at) + result.slice(at + 1 + (what % 8));
    else result = result.slice(0, at) + fragment + result.slice(at + fragment.length);
  }
  return result;
}

/** Values a field may be swapped for: wrong types, prototype names, edge quantities, deep values. */
const VALUES: unknown[] = [
  null, true, 0, -1, 1.5, 1e308, "", "*", "128m", "0.5", "150%", "0%", "1e3Gi", "__proto__", "constructor", "toString",
  [], [null], ["*"], ["constructor", "__proto__"], {}, { __proto__: null, constructor: 1 }, JSON.parse('{"__proto__": {"memory": "1Mi"}}'),
  { maxSurge: 0, maxUnavailable: 0 }, { maxUnavailable: "150%" }, "计划", "Web", "api.v1", "a\u001b[2Jb",
];

/** Replaces, adds or removes one field anywhere in a parsed plan. */
function mutateValue(root: unknown, pick: number, value: unknown, how: number): unknown {
  const plan = structuredClone(root);
  const holders = fieldHolders(plan);
  if (holders.length === 0) return plan;
  const [holder, key] = holders[pick % holders.length]!;
  const copy = structuredClone(value);
  if (how % 3 === 0) holder[key] = copy;
  else if (how % 3 === 1 && !Array.isArray(holder)) delete holder[key];
  else if (Array.isArray(holder)) holder.push(copy);
  // defineProperty, so a key named __proto__ is an own key as a parser would make it.
  else Object.defineProperty(holder, typeof copy === "string" ? copy : `${String(key)}x`, { value: copy, enumerable: true, writable: true, configurable: true });
  return plan;
}

// The plans as data, as the YAML parser gives them (every key an own property, __proto__ too).
const structuredSources = SOURCES.filter((s) => !s.path.endsWith(".md")).map((s) => ({ path: s.path, raw: parse(s.text) as unknown }));

describe("fuzzing the loader and checkPlan", () => {
  it("every valid source loads and checks", () => {
    for (const source of SOURCES) expect(loadAndCheck(source.text, source.path)).toBe("loaded");
  });

  it("text edits give a plan or a PlanLoadError, never another throw or a hang", () => {
    const outcomes = { loaded: 0, refused: 0 };
    fc.assert(
      fc.property(fc.nat({ max: SOURCES.length - 1 }), textEditArb, (index, edits) => {
        const source = SOURCES[index]!;
        outcomes[loadAndCheck(applyEdits(source.text, edits), source.path)]++;
      }),
      { numRuns: 100_000, interruptAfterTimeLimit: BUDGET_MS, markInterruptAsFailure: false },
    );
    if (process.env.FUZZ_MS) console.log("text edits", outcomes);
    // The fuzzer reached both sides: plans that still load and plans that are refused.
    expect(outcomes.loaded).toBeGreaterThan(0);
    expect(outcomes.refused).toBeGreaterThan(0);
  });

  it("field mutations, written as YAML or JSON, give a plan or a PlanLoadError", () => {
    const outcomes = { loaded: 0, refused: 0 };
    fc.assert(
      fc.property(
        fc.nat({ max: structuredSources.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.nat({ max: VALUES.length - 1 }), fc.nat()), { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        (index, mutations, asJson) => {
          let raw = structuredSources[index]!.raw;
          for (const [pick, value, how] of mutations) raw = mutateValue(raw, pick, VALUES[value], how);
          const text = asJson ? JSON.stringify(raw, null, 1) : stringify(raw);
          outcomes[loadAndCheck(text, asJson ? "fuzz.json" : "fuzz.yaml")]++;
        },
      ),
      { numRuns: 100_000, interruptAfterTimeLimit: BUDGET_MS, markInterruptAsFailure: false },
    );
    if (process.env.FUZZ_MS) console.log("field mutations", outcomes);
    expect(outcomes.loaded).toBeGreaterThan(0);
    expect(outcomes.refused).toBeGreaterThan(0);
  });
});
