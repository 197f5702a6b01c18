/**
 * Issue 9, "Names are data, not code", and the inputs that used to crash or mislead the loader:
 * prototype property names, a byte order mark, absurd nesting, n² dependencies, files that are
 * not files.
 */
import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkPlan } from "../../src/checks/index.js";
import { readPlanDocument, parsePlanDocument } from "../../src/document/read-plan.js";
import { buildDependencyGraph, criticalPath, findCycles, topologicalGenerations } from "../../src/graph/index.js";
import { loadPlanFile, parsePlanText, PlanLoadError } from "../../src/plan/index.js";
import { MAX_MANIFEST_BYTES, readBoundedFile } from "../../src/plan/read-bounded.js";
import { importMarkdown } from "../../src/markdown/index.js";
import { renderManifests } from "../../src/render/index.js";

const testdata = (path: string) => fileURLToPath(new URL(`../../testdata/${path}`, import.meta.url));
const PROTOTYPE_NAMES = ["constructor", "toString", "hasOwnProperty", "__proto__", "valueOf"];

describe("services named like Object.prototype properties", () => {
  it("load with every name kept (a __proto__ key used to vanish) and their dependencies", async () => {
    const plan = await loadPlanFile(testdata("bad/prototype-names.yaml"));
    expect([...plan.services.keys()]).toEqual(PROTOTYPE_NAMES);
    expect(plan.services.get("__proto__")!.dependsOn).toEqual(["hasOwnProperty"]);
    expect(plan.services.get("valueOf")!.dependsOn).toEqual(["constructor", "toString", "hasOwnProperty", "__proto__"]);
  });

  it("go through the graph, the checks and the renderer without a TypeError", async () => {
    const plan = await loadPlanFile(testdata("bad/prototype-names.yaml"));
    const graph = buildDependencyGraph(plan);
    expect(graph.order).toBe(5);
    expect(graph.inNeighbors("hasOwnProperty")).toEqual(["toString", "constructor"]);
    expect(graph.hasDirectedEdge("__proto__", "valueOf")).toBe(true);
    expect(findCycles(graph)).toEqual([]);
    expect(topologicalGenerations(plan)).toEqual([["constructor"], ["toString"], ["hasOwnProperty"], ["__proto__"], ["valueOf"]]);
    expect(criticalPath(plan).path).toEqual(PROTOTYPE_NAMES);
    // Sequential and in dependency order: the checks have nothing to say about order.
    expect(checkPlan(plan).filter((f) => f.severity === "error")).toEqual([]);
    const names = renderManifests(plan).map((file) => file.path);
    for (const name of ["constructor", "tostring", "hasownproperty", "proto", "valueof"]) expect(names.join("\n")).toContain(name);
  });

  it("find a self-cycle on constructor and an unknown dependency named toString", () => {
    const plan = parsePlanText(
      "name: p\ncluster: {nodes: [{memory: 8Gi, cpu: 4}]}\nphases: [{name: a, services: [constructor]}]\nservices:\n  constructor: {memory: 1Mi, validate: none, dependsOn: [constructor, toString]}\n",
      "p.yaml",
    );
    const rules = checkPlan(plan).map((f) => `${f.rule}: ${f.message.split(";")[0]}`);
    expect(rules).toContain("dependency-cycle: constructor depends on itself");
    expect(rules).toContain('unknown-dependency: constructor depends on "toString", which is not a service of this plan');
  });
});

describe("a UTF-8 byte order mark is ignored", () => {
  it("in YAML: same plan, same columns", async () => {
    const text = await readFile(testdata("plans/example.yaml"), "utf8");
    const plain = parsePlanText(text, "p.yaml");
    expect(parsePlanText(`\uFEFF${text}`, "p.yaml")).toEqual(plain);
  });

  it("in a Markdown plan: the title still names the plan", async () => {
    const text = await readFile(testdata("markdown/small-no-validation.md"), "utf8");
    const plain = parsePlanDocument(text, "plan.md");
    const withBom = parsePlanDocument(`\uFEFF${text}`, "plan.md");
    expect(withBom.plan.name).toBe(plain.plan.name);
    expect(withBom.plan.name).not.toBe("plan");
    expect(withBom.notes).toEqual(plain.notes);
  });
});

describe("absurd nesting", () => {
  it.each([
    ["10,000 nested lists in YAML", `env: ${"[".repeat(10_000)}${"]".repeat(10_000)}`],
    ["100,000 nested lists in YAML", `env: ${"[".repeat(100_000)}${"]".repeat(100_000)}`],
    ["65 nested mappings", `usage: ${"{a: ".repeat(65)}1${"}".repeat(65)}`],
  ])("%s is one clean error, not a stack overflow", (_, field) => {
    const text = `name: deep\ncluster:\n  nodes: [{memory: 8Gi, cpu: 4}]\nphases: [{name: p, services: [a]}]\nservices:\n  a: {memory: 1Gi, ${field}}\n`;
    let error: unknown;
    try {
      parsePlanText(text, "deep.yaml");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PlanLoadError);
    const problems = (error as PlanLoadError).problems;
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: "deep.yaml", line: 6, message: expect.stringMatching(/^the plan is nested more than 64 levels deep/) });
    expect(problems[0]!.path.length).toBeLessThan(400);
  });
});

describe("500 services that each depend on \"*\"", () => {
  it("load and check in reasonable time, reporting the tangle instead of throwing", () => {
    const names = Array.from({ length: 500 }, (_, i) => `svc-${i}`);
    const text = [
      "name: star",
      "cluster: {nodes: [{count: 100, memory: 64Gi, cpu: 64}]}",
      `phases: [{name: all, services: [${names.join(", ")}]}]`,
      "services:",
      ...names.map((name) => `  ${name}: {memory: 16Mi, cpu: 10m, validate: none, dependsOn: "*"}`),
    ].join("\n");
    const started = performance.now();
    const plan = parsePlanText(text, "star.yaml");
    const findings = checkPlan(plan);
    const seconds = (performance.now() - started) / 1000;
    expect(plan.services.get("svc-0")!.dependsOn).toHaveLength(499);
    expect(findings.filter((f) => f.rule === "dependency-cycle")).toHaveLength(1);
    // Measured about 1 s on the 2-core build machine; 20 s leaves room for a loaded one.
    expect(seconds).toBeLessThan(20);
  });
});

describe("files a plan names are read only when they are regular files of sane size", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "opdeploy-bad-"));
    execFileSync("mkfifo", [join(dir, "pipe")]);
    await writeFile(join(dir, "big.yaml"), Buffer.alloc(MAX_MANIFEST_BYTES + 1, 0x23));
    await writeFile(join(dir, "ok.yaml"), "kind: ConfigMap\n");
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("refuses a device, a named pipe (without blocking), a directory and an oversized file", async () => {
    expect(await readBoundedFile("/dev/zero", MAX_MANIFEST_BYTES)).toEqual({ ok: false, reason: expect.stringMatching(/not a regular file/) });
    expect(await readBoundedFile(join(dir, "pipe"), MAX_MANIFEST_BYTES)).toEqual({ ok: false, reason: expect.stringMatching(/not a regular file/) });
    expect(await readBoundedFile(dir, MAX_MANIFEST_BYTES)).toEqual({ ok: false, reason: "is a directory, not a file" });
    expect(await readBoundedFile(join(dir, "big.yaml"), MAX_MANIFEST_BYTES)).toEqual({ ok: false, reason: "is 8 MiB, more than the 8 MiB allowed" });
    expect(await readBoundedFile(join(dir, "nope.yaml"), MAX_MANIFEST_BYTES)).toEqual({ ok: false, reason: "no such file" });
    expect(await readBoundedFile(join(dir, "ok.yaml"), MAX_MANIFEST_BYTES)).toEqual({ ok: true, text: "kind: ConfigMap\n" });
  });

  it("turns such manifests into findings and such plans into load errors", async () => {
    const plan = join(dir, "plan.yaml");
    await writeFile(
      plan,
      "name: m\ncluster: {nodes: [{memory: 8Gi, cpu: 4}]}\nphases: [{name: p, services: [a, b]}]\nservices:\n" +
        "  a: {memory: 1Mi, validate: none, manifests: [/dev/zero]}\n  b: {memory: 1Mi, validate: none, manifests: [pipe, big.yaml]}\n",
    );
    const document = await readPlanDocument(plan);
    expect(document.unreadableManifests.map((m) => [m.service, m.reason])).toEqual([
      ["a", expect.stringMatching(/not a regular file/)],
      ["b", expect.stringMatching(/not a regular file/)],
      ["b", "is 8 MiB, more than the 8 MiB allowed"],
    ]);
    await expect(readPlanDocument(join(dir, "pipe"))).rejects.toThrow(/pipe:1:1: cannot read plan: is not a regular file/);
    await expect(loadPlanFile("/dev/zero")).rejects.toThrow(/cannot read plan: is not a regular file/);
  });
});

describe("import says what it assumed", () => {
  const doc = (validation: string) =>
    [
      "# Rollout Plan - Shop",
      "",
      "### **Phase 1: Apps (Priority 1)**",
      "| Service | Memory | CPU | Port | Dependencies | Validation |",
      "|---------|--------|-----|------|--------------|------------|",
      `| **web** | 128Mi | 100m | 8080 | None | ${validation} |`,
      "",
    ].join("\n");

  it("a /healthz the document never mentions comes with a note on the row", () => {
    const imported = importMarkdown(doc("Health check endpoints"), "plan.md");
    expect((imported.raw as { services: Record<string, { validate?: unknown }> }).services.web!.validate).toEqual({ http: "/healthz" });
    expect(imported.notes).toContainEqual({
      line: 6,
      kind: "assumed",
      message: 'web: "Health check endpoints" read as an HTTP check of /healthz — the document names no path; write the one the service serves if it differs',
    });
  });

  it("a path written in the document needs no note", () => {
    const imported = importMarkdown(doc("GET /ready"), "plan.md");
    expect((imported.raw as { services: Record<string, { validate?: unknown }> }).services.web!.validate).toEqual({ http: "/ready" });
    expect(imported.notes.filter((n) => n.message.includes("HTTP check"))).toEqual([]);
  });
});

describe("a Markdown plan with prototype names", () => {
  it("keeps services named constructor, toString and valueOf, with their dependencies", () => {
    const text = [
      "# Rollout Plan - Shop",
      "",
      "**Cluster Capacity**: 1 node, 4Gi Memory, 2 CPU cores",
      "",
      "### **Phase 1: Apps (Priority 1)**",
      "**Deployment Order**: Sequential",
      "",
      "| Service | Memory | CPU | Port | Dependencies |",
      "|---------|--------|-----|------|--------------|",
      "| **constructor** | 128Mi | 100m | 8080 | None |",
      "| **toString** | 128Mi | 100m | 8081 | constructor |",
      "| **valueOf** | 128Mi | 100m | 8082 | toString, constructor |",
      "",
    ].join("\n");
    const { plan } = parsePlanDocument(text, "plan.md");
    expect([...plan.services.keys()]).toEqual(["constructor", "toString", "valueOf"]);
    expect(plan.services.get("valueOf")!.dependsOn).toEqual(["toString", "constructor"]);
    expect(checkPlan(plan).filter((f) => f.rule === "unknown-dependency" || f.rule === "dependency-cycle")).toEqual([]);
  });
});
