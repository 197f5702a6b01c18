/**
 * The fast road (fast-parse.ts) must be indistinguishable from the reference (`yaml` AST): for
 * every text, parsePlanText and parsePlanTextReference give deep-equal plans (every location
 * included) or deep-equal problems. Texts are generated plans written in many styles (block, flow
 * per collection, JSON, comments, quoted keys, multi-line flow mappings), invalid plans, and
 * character-level mutations of both, which mostly make texts the fast road must decline.
 */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { LineCounter, parseAllDocuments, stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { fieldHolders } from "../../test/helpers/field-holders.js";
import { PlanLoadError } from "./errors.js";
import { fastParsePlanText, resolveCoreScalar } from "./fast-parse.js";
import { fastParseJsonPlanText } from "./fast-parse-json.js";
import { lineStartsOf, positionAt } from "./line-index.js";
import { parsePlanText, parsePlanTextReference } from "./parse-text.js";
import { documentEditLocator, editLocator } from "../report/plan-edits.js";

type Outcome = { plan: unknown } | { problems: unknown };

function outcome(read: () => unknown): Outcome {
  try {
    return { plan: read() };
  } catch (error) {
    if (error instanceof PlanLoadError) return { problems: error.problems };
    throw error;
  }
}

function expectSameAsReference(text: string, file = "plan.yaml"): Outcome {
  const reference = outcome(() => parsePlanTextReference(text, file));
  expect(outcome(() => parsePlanText(text, file))).toEqual(reference);
  return reference;
}

// --- generated plans --------------------------------------------------------------------------

// DNS-1123 labels without "--", so no two fold to the same Kubernetes name (api-rules.ts).
const nameArb = fc.stringMatching(/^[a-z](-?[a-z0-9]){0,8}$/);
const memoryArb = fc.tuple(fc.integer({ min: 0, max: 4096 }), fc.constantFrom("", "Ki", "Mi", "Gi", "M", "k")).map(([n, s]) => `${n}${s}`);
const cpuArb = fc.oneof(
  fc.integer({ min: 0, max: 8000 }).map((n) => `${n}m`),
  fc.integer({ min: 0, max: 16 }),
  fc.integer({ min: 0, max: 16 }).map(String),
);
const validateArb = fc.constantFrom<unknown>("postgres", "redis", "none", "http", { http: "/healthz" }, { tcp: 5432 }, { http: { path: "/readyz", status: 200 } });

const serviceArb = fc.record(
  {
    memory: memoryArb,
    cpu: cpuArb,
    replicas: fc.integer({ min: 0, max: 5 }),
    port: fc.integer({ min: 1, max: 65535 }),
    validate: validateArb,
    startup: fc.integer({ min: 0, max: 600 }).map((s) => `${s}s`),
    usage: fc.record({ memory: memoryArb, cpu: cpuArb }),
    env: fc.array(fc.constantFrom("A=1", "B=two words", "C="), { maxLength: 2 }),
  },
  { requiredKeys: ["memory", "cpu", "replicas"] },
);

const planArb = fc
  .tuple(fc.uniqueArray(nameArb, { minLength: 1, maxLength: 6 }), fc.array(serviceArb, { minLength: 6, maxLength: 6 }), fc.integer({ min: 1, max: 3 }), fc.boolean())
  .map(([names, specs, phaseCount, batches]) => {
    const services: Record<string, unknown> = {};
    names.forEach((name, i) => {
      services[name] = { ...specs[i]!, ...(i > 0 ? { dependsOn: [names[i - 1]] } : {}) };
    });
    const phases = Array.from({ length: phaseCount }, (_, p) => {
      const members = names.filter((_, i) => i % phaseCount === p);
      return batches
        ? { name: `phase-${p}`, batches: [{ name: `b${p}`, services: members }], gate: { memory: "80%" } }
        : { name: `phase-${p}`, services: members, ...(p % 2 === 1 ? { sequential: true } : {}) };
    });
    return {
      name: "generated",
      cluster: { nodes: [{ count: 2, memory: "8Gi", cpu: 16 }], reserved: { memory: "512Mi", cpu: "500m" } },
      budget: { memory: "50%", cpu: "90%" },
      rollback: { memory: "85%", unhealthy: "20%", latency: "500ms" },
      phases,
      services,
    } as Record<string, unknown>;
  });

/** Replaces, adds or removes one field somewhere in the plan: wrong types, unknown fields, bad quantities. */
const invalidPlanArb = fc
  .tuple(planArb, fc.nat(), fc.constantFrom<unknown>(123, -1, "text", "12Zi", "-5Mi", "1.5.5", [1, "a"], { x: 1 }, true, null, "", "*"), fc.constantFrom("replace", "add", "remove"))
  .map(([shared, pick, sharedReplacement, how]) => {
    // Arbitraries hand out shared objects (constantFrom): mutate copies only.
    const plan = structuredClone(shared);
    const replacement = structuredClone(sharedReplacement);
    const holders = fieldHolders(plan);
    const [holder, key] = holders[pick % holders.length]!;
    if (how === "replace") holder[key] = replacement;
    else if (how === "remove" && !Array.isArray(holder)) delete holder[key];
    else if (!Array.isArray(holder)) holder[`${String(key)}z`] = replacement;
    else holder.push(replacement);
    return plan;
  });

/** A small deterministic generator, so one seed decides every style choice of a rendering. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PLAIN_SAFE = /^[A-Za-z0-9/][A-Za-z0-9/._%=-]*$/;

/**
 * Hand-written YAML in a style the seed picks per node: plain, single- or double-quoted scalars
 * and keys, block or flow collections (one line or several), comments after values and on lines
 * of their own.
 */
function renderYaml(value: unknown, seed: number): string {
  const next = random(seed);
  const chance = (p: number) => next() < p;
  const comment = () => (chance(0.15) ? ` # note ${Math.floor(next() * 100)}` : "");
  const scalar = (v: unknown, inFlow: boolean): string => {
    if (typeof v === "string") {
      const plainOk = PLAIN_SAFE.test(v) && typeof resolveCoreScalar(v) === "string" && !(inFlow && /[,[\]{}]/.test(v));
      if (plainOk && chance(0.7)) return v;
      if (!v.includes("'") && chance(0.5)) return `'${v}'`;
      return JSON.stringify(v);
    }
    if (v === null) return chance(0.5) ? "null" : "~";
    return String(v);
  };
  const key = (k: string) => scalar(k, true);
  const flow = (v: unknown, indent: number, multiline: boolean): string => {
    if (v === null || typeof v !== "object") return scalar(v, true);
    const inner = " ".repeat(indent + 2);
    const entries = Array.isArray(v)
      ? v.map((item) => flow(item, indent + 2, false))
      : Object.entries(v).map(([k, item]) => `${key(k)}: ${flow(item, indent + 2, false)}`);
    const [open, close] = Array.isArray(v) ? ["[", "]"] : ["{", "}"];
    if (!multiline || entries.length === 0) return `${open}${entries.join(", ")}${close}`;
    return `${open}\n${entries.map((e) => `${inner}  ${e}`).join(",\n")}\n${inner}${close}`;
  };
  const lines: string[] = [];
  const block = (v: unknown, indent: number, prefix: string): void => {
    const pad = " ".repeat(indent);
    const entries: [string, unknown][] = Array.isArray(v) ? v.map((item) => ["-", item]) : Object.entries(v as object);
    entries.forEach(([k, item], i) => {
      if (chance(0.05)) lines.push(`${pad}# a comment line`);
      const lead = i === 0 && prefix ? prefix : pad;
      const head = Array.isArray(v) ? `${lead}- ` : `${lead}${key(k)}:`;
      const sep = Array.isArray(v) ? "" : " ";
      if (item === null || typeof item !== "object" || (Array.isArray(item) ? item.length : Object.keys(item).length) === 0) {
        lines.push(`${head}${sep}${item !== null && typeof item === "object" ? flow(item, indent, false) : scalar(item, false)}${comment()}`);
      } else if (chance(0.3)) {
        lines.push(`${head}${sep}${flow(item, indent, chance(0.5))}${comment()}`);
      } else if (Array.isArray(v) && !Array.isArray(item)) {
        block(item, indent + 2, `${head}`);
      } else {
        lines.push(`${head}${comment()}`);
        // A list may sit at its key's indentation (`key:\n- a`), never at its parent list's.
        block(item, Array.isArray(item) && !Array.isArray(v) && chance(0.5) ? indent : indent + 2, "");
      }
    });
  };
  if (chance(0.1)) lines.push("# leading comment", "");
  block(value, 0, "");
  return `${lines.join("\n")}\n`;
}

const styleArb = fc.oneof(
  fc.integer().map((seed) => ({ kind: "hand" as const, seed })),
  fc.constant({ kind: "stringify" as const, seed: 0 }),
  fc.constant({ kind: "json" as const, seed: 0 }),
  fc.constant({ kind: "json-compact" as const, seed: 0 }),
);

function write(shared: unknown, style: { kind: string; seed: number }): string {
  // Arbitraries share objects (constantFrom), which `stringify` would write as anchors and aliases.
  const plan: unknown = JSON.parse(JSON.stringify(shared));
  switch (style.kind) {
    case "stringify":
      return stringify(plan);
    case "json":
      return JSON.stringify(plan, null, 2);
    case "json-compact":
      return JSON.stringify(plan);
    default:
      return renderYaml(plan, style.seed);
  }
}

describe("fast plan reading", () => {
  it("reads generated valid plans, in any style, exactly as the reference does, without declining", () => {
    fc.assert(
      fc.property(planArb, styleArb, (plan, style) => {
        const text = write(plan, style);
        expect(fastParsePlanText(text)).toBeDefined();
        // JSON takes the JSON road (JSON.parse and a scan), not js-yaml's.
        if (style.kind.startsWith("json")) expect(fastParseJsonPlanText(text)).toBeDefined();
        const reference = expectSameAsReference(text, style.kind.startsWith("json") ? "plan.json" : "plan.yaml");
        expect(reference).toHaveProperty("plan");
      }),
      { numRuns: 300 },
    );
  });

  it("reports the same problems as the reference for generated invalid plans", () => {
    fc.assert(
      fc.property(invalidPlanArb, styleArb, (plan, style) => {
        const text = write(plan, style);
        expect(fastParsePlanText(text)).toBeDefined();
        expectSameAsReference(text);
      }),
      { numRuns: 300 },
    );
  });

  it("agrees with the reference on mutated text (it may decline, never differ)", () => {
    const inserts = [" ", "\n", ":", "#", "-", "- ", "{", "}", "[", "]", ",", '"', "'", "\t", "&a ", "*a", "!!str ", "? ", "<<: ", "---\n", "...", "|", ">", "  ", "\r", "%", "@"];
    fc.assert(
      fc.property(planArb, styleArb, fc.array(fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 0, max: 2 })), { minLength: 1, maxLength: 3 }), (plan, style, edits) => {
        let text = write(plan, style);
        for (const [where, what, how] of edits) {
          const at = where % (text.length + 1);
          if (how === 0) text = text.slice(0, at) + inserts[what % inserts.length]! + text.slice(at);
          else if (how === 1) text = text.slice(0, at) + text.slice(at + 1 + (what % 3));
          else text = text.slice(0, at) + text.slice(at, at + 1 + (what % 8)).repeat(2) + text.slice(at + 1 + (what % 8));
        }
        expectSameAsReference(text);
      }),
      { numRuns: 1000 },
    );
  });

  it("agrees with the reference on hand-picked YAML corners", () => {
    const base = "name: x\ncluster:\n  nodes: [{memory: 8Gi, cpu: 4}]\nphases: [{name: p, services: [a]}]\nservices:\n  a: {memory: 1Gi, cpu: 1, replicas: 1}\n";
    const corners = [
      base,
      `---\n${base}`,
      `${base}---\nname: y\n`,
      `${base}...\n`,
      base.replace("name: x", "name: yes"),
      base.replace("name: x", "name: 0o12"),
      base.replace("name: x", "name: 0x1F"),
      base.replace("name: x", "name: .inf"),
      base.replace("name: x", "name: -.5"),
      base.replace("name: x", "name: 2001-12-14"),
      base.replace("name: x", "name: 1_000"),
      base.replace("name: x", "name: 0b101"),
      base.replace("name: x", "name: ~"),
      base.replace("name: x", "name: on"),
      base.replace("name: x", "name: 'it''s'"),
      base.replace("name: x", 'name: "tab\\there \\u00e9 \\x41"'),
      base.replace("name: x", 'name: "x"#c'),
      base.replace("name: x", "name: x #c"),
      base.replace("name: x", "name: x\n  continued"),
      base.replace("name: x", "name: |\n  block"),
      base.replace("name: x", "name: &n x"),
      base.replace("replicas: 1}", "replicas: 1, replicas: 2}"),
      base.replace("replicas: 1}", "<<: {port: 80}, replicas: 1}"),
      base.replace("replicas: 1}", "replicas: 1, ? port : 80}"),
      base.replace("replicas: 1}", "replicas: 1, port}"),
      base.replace("replicas: 1}", "replicas: 1,}"),
      base.replace("services: [a]", "services: [a: 1]"),
      base.replace("services: [a]", "services: [\n  a\n  ]"),
      base.replace("services: [a]", "services: [\na\n]"),
      base.replace("a: {memory", "null: {memory"),
      base.replace("a: {memory", "1: {memory"),
      base.replace("a: {memory", '"a": {memory'),
      base.replace("a: {memory", '"a":{memory'),
      base.replace("a: {memory", "__proto__: {memory"),
      base.replace("  a: {memory", "\ta: {memory"),
      base.replaceAll("\n", "\r\n"),
      base.replaceAll("\n", "\r"),
      `\uFEFF${base}`,
      `%YAML 1.2\n---\n${base}`,
      "",
      "# only a comment\n",
      "[1, 2]\n",
      "just text\n",
      `${"k".repeat(1100)}: 1\n${base}`,
    ];
    for (const text of corners) expectSameAsReference(text);
    expect(fastParsePlanText(base)).toBeDefined();
  });

  it("agrees with the reference on JSON corners", () => {
    const base = '{"name": "x", "cluster": {"nodes": [{"memory": "8Gi", "cpu": 4}]}, "phases": [{"name": "p", "services": ["a"]}], "services": {"a": {"memory": "1Gi", "cpu": 1, "replicas": 1}}}\n';
    const corners = [
      base,
      base.replace('"name": "x"', '"name": "x", "name": "y"'),
      base.replace('"name": "x"', '"name"\n: "x"'),
      base.replace('"name": "x"', '"name":"x"'),
      base.replace('"name": "x"', '"name": "a\\/b \\u00e9 \\ud83d\\ude00 \\n"'),
      base.replace('"replicas": 1', '"replicas": -0'),
      base.replace('"replicas": 1', '"replicas": 1E400'),
      base.replace('"replicas": 1', '"replicas": 1.0'),
      base.replace('"replicas": 1', '"replicas": 12345678901234567890'),
      base.replace('"replicas": 1', '"replicas": null'),
      base.replace('"replicas": 1', '"replicas": true'),
      base.replace('"a": {"memory"', '"__proto__": {"memory"'),
      base.replace('"replicas": 1', '"<<": {"port": 80}'),
      base.replace('"replicas": 1', `"${"k".repeat(1100)}": 1`),
      base.replace('"replicas": 1', '"replicas": 1,'),
      base.replace('"x"', '"x\u0085"'),
      base.replace('"x"', '"x\u2028"'),
      base.replaceAll(": ", ":\n"),
      base.replaceAll(", ", ",\n"),
      base.replaceAll("{", "{\n").replaceAll("}", "\n}"),
      `  ${base}`,
      `${base}   \n\n`,
      `${base}{}`,
      "{}",
      '{"a": [[[[[[1]]]]]]}',
    ];
    for (const text of corners) expectSameAsReference(text, "plan.json");
    expect(fastParseJsonPlanText(base)).toBeDefined();
  });

  it("reads the example plans and test fixtures exactly as the reference does", () => {
    const root = fileURLToPath(new URL("../../../../", import.meta.url));
    const dirs = ["examples/openpolicy", "packages/core/testdata/plans", "packages/cli/testdata/bad", "packages/cli/testdata/manifests"];
    let read = 0;
    for (const dir of dirs) {
      for (const name of readdirSync(`${root}${dir}`)) {
        if (!/\.(ya?ml|json)$/.test(name)) continue;
        expectSameAsReference(readFileSync(`${root}${dir}/${name}`, "utf8"), name);
        read++;
      }
    }
    expect(read).toBeGreaterThan(10);
    expect(fastParsePlanText(readFileSync(`${root}examples/openpolicy/plan.yaml`, "utf8"))).toBeDefined();
  });
});

/** Every path in a value, its collections' included, and one missing key below each mapping. */
function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const paths = [prefix];
  if (Array.isArray(value)) value.forEach((item, i) => paths.push(...pathsOf(item, [...prefix, i])));
  else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) paths.push(...pathsOf(item, [...prefix, key]));
    paths.push([...prefix, "absent"]);
  }
  return paths;
}

describe("fix regions", () => {
  it("are the Document's ranges for every path of generated plans, in any style and mutated", () => {
    fc.assert(
      fc.property(fc.oneof(planArb, invalidPlanArb), styleArb, fc.nat(), fc.boolean(), (plan, style, at, mutate) => {
        let text = write(plan, style);
        if (mutate) text = text.slice(0, at % text.length) + text.slice((at % text.length) + 1);
        const format = style.kind.startsWith("json") ? "json" : "yaml";
        const fast = editLocator(text, format);
        const reference = documentEditLocator(text, format);
        for (const path of pathsOf(plan)) {
          const edit = { path, value: 1, text: "x: 1" };
          expect([path, fast(edit)]).toEqual([path, reference(edit)]);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe("line index", () => {
  it("gives the positions LineCounter gives, for every offset of the texts the fast road reads", () => {
    fc.assert(
      fc.property(planArb, styleArb, (plan, style) => {
        const text = write(plan, style);
        const lineCounter = new LineCounter();
        parseAllDocuments(text, { lineCounter });
        const starts = lineStartsOf(text);
        for (let offset = 0; offset <= text.length; offset++) {
          const { line, col } = lineCounter.linePos(offset);
          expect(positionAt(starts, offset)).toEqual({ line, column: col });
        }
      }),
      { numRuns: 50 },
    );
  });
});

describe("core schema scalars", () => {
  it("resolves plain scalars as the yaml package's core schema does", () => {
    const samples = ["", "~", "null", "Null", "NULL", "nULL", "true", "True", "TRUE", "tRUE", "yes", "no", "on", "off", "0", "-0", "+5", "007", "0o17", "0o8", "0x1F", "0X1F", "-0x1", "0b11", "1_000", ".5", "-.5", "+.5", "1.", "1.5e3", "1e3", ".inf", "-.Inf", "+.INF", ".nan", ".NaN", "nan", "2001-12-14", "64Mi", "50m", "1.5.5", "12Zi"];
    for (const source of samples) {
      const reference = parseAllDocuments(`v: ${source}\n`)[0 as never] as unknown as { toJS(): { v: unknown } };
      expect([source, resolveCoreScalar(source)]).toEqual([source, reference.toJS().v]);
    }
  });
});
