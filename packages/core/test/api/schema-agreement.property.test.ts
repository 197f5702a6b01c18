/**
 * Issue 11 item 2: schema/plan.schema.json is exactly as strict as the decoder. Valid plans are
 * mutated (figures set to in- and out-of-range values, required fields dropped, unknown fields
 * added, structures emptied or doubled, wrong types) and, for every mutant, ajv in strict mode
 * and decodePlan must both accept or both reject. The mutations stay within what JSON Schema can
 * express; the rest (an `expected` range's order, limits below requests, a phase naming an
 * undefined service) is listed in planJsonSchema's comment and is the decoder's alone.
 */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { Ajv } from "ajv";
import fc from "fast-check";
import { parse } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { decodePlan, PlanLoadError, planJsonSchema } from "../../src/index.js";

type Json = Record<string, unknown>;
type Path = (string | number)[];

const BASES = [
  "../../../../examples/openpolicy/plan.fixed.yaml",
  "../../../../examples/openpolicy/plan.previous.yaml",
  "../../testdata/plans/example.yaml",
];

const PERCENTS = ["0%", "50%", " 7.5 % ", "100%", "100.0%", "007%", "100.5%", "101%", "150%", "-5%", "50", "%", "5 0%", 0, 42.5, 100, 100.01, 150, -1, true, null];
const SECONDS = ["0s", "15s", "10m", "1h", "1m30s", " 2m ", "2000ms", 0, 30, -1, 1.5, "15", "15 s", "s", "1d", false];
const MILLIS = ["500ms", "2s", "1m", 0, 250, -3, 2.5, "fast", "2 s"];
const RANGES = ["15m-20m", "15-20m", "15m", "10m - 12m", "0s-1s", 0, 900, -1, 2.5, "15m-", "-20m", "a-b", "15m-20m-25m", "15x"];
const MEMORY = ["128Mi", "1Gi", "512M", "1.5Gi", "0", "0m", "1000000u", "1000000000n", "64e6", 0, 1024, 1, 0.5, -1, "128m", "1u", "5n", "-1Gi", "1Gb", "Mi", "", "1 Gi", true];
const CPU = ["500m", "2", "0.5", "100u", "1e3", "16", 0, 2, 0.25, -1, "-500m", "2 cores", "1Ki", "", "m"];
const COUNTS = [1, 3, 110, 10_000, 0, 10_001, -1, 1.5, "3", null];
const PORTS = [1, 80, 65535, 0, 65536, -80, 8.5, "80"];
const NAMES = ["shop", "Shop_2", "a", "x--y", "", "---", "***", "é", 7, null];
const VALIDATES = ["postgres", "redis", "rabbitmq", "http", "tcp", "none", "grpc", "", { http: "/healthz" }, { http: { path: "/x", port: 80, status: 204 } }, { tcp: 5432 }, { postgres: { database: "db" } }, {}, { http: "/x", tcp: 80 }, { htp: "/x" }, { http: { status: 99 } }, 5];
const ROLLING = [0, 1, "25%", "0%", "100%", "101%", "150%", -1, "25", "%"];
const OTHER = ["phase", "all", "everything", "Deployment", "StatefulSet", "Job", "none", "kind", "aws", true, "yes", [], {}];

/** Leaf fields to set, by where they are found in a plan and what they hold. */
function figureTargets(plan: Json): { path: Path; pool: readonly unknown[] }[] {
  const targets: { path: Path; pool: readonly unknown[] }[] = [];
  const add = (path: Path, pool: readonly unknown[]) => targets.push({ path, pool });
  for (const field of ["memory", "cpu"]) add(["budget", field], PERCENTS);
  for (const field of ["memory", "unhealthy", "errorRate"]) add(["rollback", field], PERCENTS);
  add(["rollback", "latency"], MILLIS);
  for (const field of ["for", "timeout"]) add(["rollback", field], SECONDS);
  add(["rollback", "scope"], OTHER);
  add(["name"], NAMES);
  add(["namespace"], NAMES);
  add(["cluster", "overhead"], OTHER);
  const nodes = ((plan.cluster as Json).nodes as unknown[]).length;
  for (let i = 0; i < nodes; i++) {
    add(["cluster", "nodes", i, "memory"], MEMORY);
    add(["cluster", "nodes", i, "cpu"], CPU);
    add(["cluster", "nodes", i, "count"], COUNTS);
    add(["cluster", "nodes", i, "pods"], COUNTS);
  }
  add(["cluster", "reserved", "memory"], MEMORY);
  add(["cluster", "reserved", "cpu"], CPU);
  const phases = (plan.phases as unknown[]).length;
  for (let i = 0; i < phases; i++) {
    for (const field of ["memory", "cpu", "healthy"]) add(["phases", i, "gate", field], PERCENTS);
    add(["phases", i, "expected"], RANGES);
    add(["phases", i, "name"], NAMES);
    add(["phases", i, "sequential"], [true, false, "yes", 1]);
  }
  for (const [name, service] of Object.entries(plan.services as Json)) {
    const s = service as Json;
    // Requests and limits are left alone: "limit below request" compares two figures.
    if (s.resources === undefined) {
      add(["services", name, "memory"], MEMORY);
      add(["services", name, "cpu"], CPU);
    }
    add(["services", name, "usage", "memory"], MEMORY);
    add(["services", name, "usage", "cpu"], CPU);
    add(["services", name, "storage"], MEMORY);
    add(["services", name, "startup"], SECONDS);
    add(["services", name, "replicas"], COUNTS);
    add(["services", name, "priority"], [0, 1000, -5, 1.5, "high"]);
    add(["services", name, "port"], PORTS);
    add(["services", name, "validate"], VALIDATES);
    add(["services", name, "imagePullPolicy"], ["Always", "IfNotPresent", "Never", "Sometimes"]);
    if (s.kind === "Deployment" && s.strategy === undefined) {
      add(["services", name, "rollingUpdate", "maxUnavailable"], ROLLING);
      add(["services", name, "rollingUpdate", "maxSurge"], [1, "25%", "101%", -1, "x"]);
    }
  }
  return targets;
}

/** Structural changes: drop a required field, add an unknown one, empty or double a structure. */
function structuralTargets(plan: Json): { path: Path; pool: readonly unknown[] }[] {
  const firstService = Object.keys(plan.services as Json)[0]!;
  const phase0 = (plan.phases as Json[])[0]!;
  const listed = (phase0.services ?? (phase0.batches as Json[] | undefined)?.[0]?.services) as string[];
  return [
    { path: ["services"], pool: [{}, [], "x", null] },
    { path: ["phases"], pool: [[], {}, null] },
    { path: ["cluster", "nodes"], pool: [[], {}] },
    { path: ["unknownField"], pool: [1] },
    { path: ["services", firstService, "unknownField"], pool: ["x"] },
    { path: ["phases", 0, "unknownField"], pool: ["x"] },
    // Both `services` and `batches` on a phase, or a batch that lists nothing known to the schema.
    { path: ["phases", 0, phase0.services ? "batches" : "services"], pool: [[{ services: listed }], listed] },
    // An extra service with a name that has or lacks a Kubernetes form.
    { path: ["services", "extra-1"], pool: [{ memory: "64Mi", cpu: "50m" }, { memory: "64Mi", resources: {} }, {}, null, "64Mi"] },
    { path: ["services", "***"], pool: [{ memory: "64Mi", cpu: "50m" }] },
    { path: ["services", firstService, "dependsOn"], pool: ["*", [], [""], "", 5] },
  ];
}

/** Required fields to delete. */
const DELETABLE: Path[] = [["name"], ["cluster"], ["phases"], ["services"], ["cluster", "nodes", 0, "memory"], ["cluster", "nodes", 0, "cpu"], ["phases", 0, "name"]];

function setAt(root: Json, path: Path, value: unknown): void {
  // A field of a service an earlier mutation removed is not set: that would create a service the
  // phases do not list, or drop the ones they do (a cross-reference JSON Schema cannot follow).
  const services = root.services as Json | undefined;
  if (path[0] === "services" && path.length > 2 && (typeof services?.[path[1]!] !== "object" || services[path[1]!] === null)) return;
  let node = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) {
    if (typeof node[key] !== "object" || node[key] === null) node[key] = {};
    node = node[key] as Record<string | number, unknown>;
  }
  node[path.at(-1)!] = value;
}

function deleteAt(root: Json, path: Path): void {
  let node = root as Record<string | number, unknown> | undefined;
  for (const key of path.slice(0, -1)) node = node?.[key] as Record<string | number, unknown> | undefined;
  if (node && typeof node === "object") delete node[path.at(-1)!];
}

function decoderAccepts(raw: unknown): boolean {
  try {
    decodePlan(raw, { file: "plan.yaml", format: "yaml", locate: () => ({ line: 1, column: 1 }) });
    return true;
  } catch (error) {
    if (error instanceof PlanLoadError) return false;
    throw error;
  }
}

let bases: Json[] = [];
let validate: ReturnType<Ajv["compile"]>;

beforeAll(async () => {
  bases = await Promise.all(BASES.map(async (path) => parse(await readFile(fileURLToPath(new URL(path, import.meta.url)), "utf8")) as Json));
  validate = new Ajv({ strict: true, allErrors: true }).compile(planJsonSchema());
});

describe("plan.schema.json and the decoder", () => {
  it("the schema compiles under ajv's strict mode and the written file is the generated schema", async () => {
    expect(() => new Ajv({ strict: true }).compile(planJsonSchema())).not.toThrow();
    const written = JSON.parse(await readFile(fileURLToPath(new URL("../../schema/plan.schema.json", import.meta.url)), "utf8"));
    expect(written).toEqual(planJsonSchema());
  });

  it("both accept the example plans", () => {
    for (const base of bases) {
      expect(decoderAccepts(base)).toBe(true);
      expect(validate(base), JSON.stringify(validate.errors)).toBe(true);
    }
  });

  it("both reject what the issue found the schema letting through", () => {
    const base = bases[2]!;
    const mutants: [Path, unknown][] = [
      [["budget", "memory"], "150%"],
      [["budget", "cpu"], 101],
      [["services"], {}],
      [["phases", 0, "gate", "healthy"], "100.5%"],
      [["services", "postgresql", "memory"], "128m"],
    ];
    for (const [path, value] of mutants) {
      const plan = structuredClone(base);
      setAt(plan, path, value);
      expect([path.join("."), decoderAccepts(plan), validate(plan)]).toEqual([path.join("."), false, false]);
    }
  });

  it("agree on accept or reject for mutated plans", () => {
    const mutation = (base: Json) =>
      fc.oneof(
        fc.constantFrom(...figureTargets(base), ...structuralTargets(base)).chain(({ path, pool }) => fc.constantFrom(...pool).map((value) => ({ path, value, remove: false }))),
        fc.constantFrom(...DELETABLE).map((path) => ({ path, value: undefined, remove: true })),
      );
    const mutant = fc.nat(bases.length - 1).chain((index) =>
      fc.array(mutation(bases[index]!), { minLength: 1, maxLength: 3 }).map((mutations) => ({ index, mutations })),
    );
    let rejected = 0;
    let runs = 0;
    fc.assert(
      fc.property(mutant, ({ index, mutations }) => {
        const plan = structuredClone(bases[index]!);
        for (const m of mutations) (m.remove ? deleteAt(plan, m.path) : setAt(plan, m.path, m.value));
        const decoder = decoderAccepts(plan);
        const schema = validate(plan) === true;
        runs++;
        if (!decoder) rejected++;
        if (decoder !== schema) {
          throw new Error(`decoder ${decoder ? "accepts" : "rejects"}, schema ${schema ? "accepts" : "rejects"}: ${JSON.stringify(mutations)}${schema ? "" : ` (${JSON.stringify(validate.errors?.slice(0, 3))})`}`);
        }
      }),
      { numRuns: 3000, seed: 11 },
    );
    // The mutations exercise both answers, not only one.
    expect(rejected).toBeGreaterThan(runs / 5);
    expect(rejected).toBeLessThan(runs);
  });
});
