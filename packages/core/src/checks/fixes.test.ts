/**
 * Every fix kind: the finding carries it as valid plan text, applyFixes makes it without touching
 * anything else in the file (comments, spacing), and checking the fixed text again finds nothing
 * of that kind.
 */
import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { parsePlanText } from "../plan/parse-text.js";
import { PlanLoadError } from "../plan/errors.js";
import { applyFixes } from "../report/plan-edits.js";
import { checkPlan } from "./check-plan.js";
import type { Finding, RuleId } from "./finding.js";
import { quantitySpellingFixes } from "./quantity-spelling.js";

const CLUSTER = "cluster: {nodes: [{count: 2, memory: 8Gi, cpu: 4}]}";

function check(text: string, file = "plan.yaml"): Finding[] {
  return checkPlan(parsePlanText(text, file));
}

const ofRule = (findings: Finding[], rule: RuleId) => findings.filter((f) => f.rule === rule);

/** Applies the safe fixes of `rule` and returns the new text, asserting every one was made. */
function fixAll(text: string, rule: RuleId, format: "yaml" | "json" = "yaml"): string {
  const fixes = ofRule(check(text), rule).flatMap((f) => (f.fix?.safe ? [f.fix] : []));
  expect(fixes.length).toBeGreaterThan(0);
  const result = applyFixes(text, format, fixes);
  expect(result.skipped).toEqual([]);
  expect(result.applied).toHaveLength(fixes.length);
  return result.text;
}

/** Each edit's text parses as YAML to exactly { key: value }. */
function expectValidPlanText(findings: Finding[]): void {
  for (const edit of findings.flatMap((f) => f.fix?.edits ?? [])) {
    const key = edit.path[edit.path.length - 1]!;
    expect(parseDocument(edit.text).toJS()).toEqual({ [key]: edit.value });
  }
}

describe("declared-total-mismatch", () => {
  const text = [
    "name: totals",
    CLUSTER,
    "phases:",
    "  - name: one  # the data tier",
    "    services: [a, b]",
    "    declared: {memory: 1.15Gi, cpu: 300m}   # written by hand",
    "services:",
    "  a: {memory: 640Mi, cpu: 100m, validate: none}",
    "  b: {memory: 512Mi, cpu: 100m, validate: none}",
    "",
  ].join("\n");

  it("advises a quantity Kubernetes reads (1152Mi, not 1,152Mi) and carries it as the fix", () => {
    const findings = ofRule(check(text), "declared-total-mismatch");
    expect(findings.map((f) => f.fix!.edits[0]!.text).sort()).toEqual(["cpu: 200m", "memory: 1152Mi"]);
    const memory = findings.find((f) => f.message.includes("memory"))!;
    expect(memory.message).toContain("write memory: 1152Mi");
    expect(memory.message).not.toMatch(/write [\d,]*,\d/);
    expectValidPlanText(findings);
  });

  it("round-trips: fixed, the phase matches and the comments stay", () => {
    const fixed = fixAll(text, "declared-total-mismatch");
    expect(fixed).toContain("    declared: {memory: 1152Mi, cpu: 200m}   # written by hand");
    expect(fixed).toContain("  - name: one  # the data tier");
    expect(ofRule(check(fixed), "declared-total-mismatch")).toEqual([]);
    // Nothing but the two values changed.
    expect(fixed.replace("1152Mi", "1.15Gi").replace("200m", "300m")).toBe(text);
  });
});

describe('"*" dependencies', () => {
  const names = Array.from({ length: 500 }, (_, i) => `svc-${i}`);
  const text = [
    "name: star",
    "cluster: {nodes: [{count: 100, memory: 64Gi, cpu: 64}]}",
    "phases:",
    "  - {name: base, services: [db]}",
    `  - {name: all, services: [${names.join(", ")}]}`,
    "services:",
    "  db: {memory: 16Mi, cpu: 10m, validate: none}",
    ...names.map((name) => `  ${name}: {memory: 16Mi, cpu: 10m, validate: none, dependsOn: "*"}`),
    "",
  ].join("\n");

  it("500 services on \"*\" in one batch are one order-violation finding, not 249,500", () => {
    const findings = ofRule(check(text), "order-violation");
    expect(findings).toHaveLength(1);
    expect(findings[0]!.services).toHaveLength(500);
    expect(findings[0]!.message).toContain("svc-0, svc-1, svc-2, svc-3, svc-4, … (500 in all)");
    expect(findings[0]!.message).toContain("499 deployed in the same parallel batch");
    expect(findings[0]!.fix!.edits).toHaveLength(500);
    expect(findings[0]!.fix!.edits[0]).toMatchObject({ path: ["services", "svc-0", "dependsOn"], value: ["db"], text: "dependsOn: [db]" });
    expectValidPlanText(findings);
  });

  it("round-trips: \"*\" becomes the services deployed before, and the order and cycles are gone", () => {
    const fixed = fixAll(text, "order-violation");
    expect(fixed).toContain("  svc-7: {memory: 16Mi, cpu: 10m, validate: none, dependsOn: [db]}");
    const after = check(fixed);
    expect(ofRule(after, "order-violation")).toEqual([]);
    expect(ofRule(after, "dependency-cycle")).toEqual([]);
  });
});

describe("port-conflict", () => {
  const text = [
    "name: ports",
    CLUSTER,
    "phases: [{name: one, services: [a, b, c, d]}]",
    "services:",
    "  # a and b were copied from one template",
    "  a: {memory: 64Mi, cpu: 10m, port: 8080, validate: none}",
    "  b: {memory: 64Mi, cpu: 10m, port: 8080, validate: none}",
    "  c: {memory: 64Mi, cpu: 10m, port: 8081, validate: none}",
    "  d:",
    "    memory: 64Mi",
    "    cpu: 10m",
    "    port: 8080   # fixed by its manifests",
    "    validate: none",
    "    manifests: [d.yaml]",
    "",
  ].join("\n");

  it("moves the later services to ports nobody uses, never one whose port its own manifests fix", () => {
    const [finding] = ofRule(check(text), "port-conflict");
    expect(finding!.fix!.edits).toEqual([{ path: ["services", "b", "port"], value: 8082, text: "port: 8082" }]);
    // d's Service and container say 8080: moving the plan's port would break it, so it is told, not moved.
    expect(finding!.message).toMatch(/d keeps 8080 \(fixed by its own manifests\)/);
  });

  it("round-trips: b moves, d stays, the comments stay, and only d's own port is still shared", () => {
    const fixed = fixAll(text, "port-conflict");
    expect(fixed).toContain("  b: {memory: 64Mi, cpu: 10m, port: 8082, validate: none}");
    expect(fixed).toContain("    port: 8080   # fixed by its manifests");
    expect(fixed).toContain("  # a and b were copied from one template");
    const after = ofRule(check(fixed), "port-conflict");
    expect(after.map((f) => f.services)).toEqual([["a", "d"]]);
    expect(after[0]!.fix).toBeUndefined();
  });

  it("edits JSON plans in JSON", () => {
    const json = JSON.stringify({
      name: "ports",
      cluster: { nodes: [{ count: 1, memory: "8Gi", cpu: 4 }] },
      phases: [{ name: "one", services: ["a", "b"] }],
      services: { a: { memory: "64Mi", cpu: "10m", port: 80, validate: "none" }, b: { memory: "64Mi", cpu: "10m", port: 80, validate: "none" } },
    }, null, 2);
    const fixed = fixAll(json, "port-conflict", "json");
    expect(JSON.parse(fixed).services.b.port).toBe(1024);
    expect(ofRule(check(fixed, "plan.json"), "port-conflict")).toEqual([]);
  });
});

describe("quantity spelling", () => {
  const text = [
    "name: milli",
    CLUSTER,
    "phases: [{name: one, services: [a]}]",
    "services:",
    "  a:",
    "    resources:",
    "      requests: {memory: 128m, cpu: 100m}   # cpu in m is fine",
    "      limits: {memory: \"256m\"}",
    "    validate: none",
    "",
  ].join("\n");

  it("a plan with memory in milli-bytes does not load; the fix spells it Mi, and CPU's m is left alone", () => {
    expect(() => parsePlanText(text, "plan.yaml")).toThrow(PlanLoadError);
    const fixes = quantitySpellingFixes(text);
    expect(fixes.map((f) => f.edits[0]!.text)).toEqual(["memory: 128Mi", "memory: 256Mi"]);
    expect(fixes.every((f) => f.safe)).toBe(true);
  });

  it("round-trips: fixed, the plan loads with 128Mi and 256Mi and nothing else changed", () => {
    const result = applyFixes(text, "yaml", quantitySpellingFixes(text));
    expect(result.text).toBe(text.replace("memory: 128m,", "memory: 128Mi,").replace('"256m"', "256Mi"));
    const plan = parsePlanText(result.text, "plan.yaml");
    expect(plan.services.get("a")!.requests.memory).toBe(128 * 2 ** 20);
    expect(plan.services.get("a")!.limits.memory).toBe(256 * 2 ** 20);
    expect(quantitySpellingFixes(result.text)).toEqual([]);
  });
});

describe("unknown-dependency", () => {
  it("2,000 services naming one missing service are one finding with the near name, offered but not applied", () => {
    const lines = ["name: typo", "cluster: {nodes: [{count: 20, memory: 64Gi, cpu: 64}]}", "phases:", "  - name: all", "    services: [postgres]"];
    lines.push(`  - {name: apps, services: [${Array.from({ length: 2000 }, (_, i) => `s${i}`).join(", ")}]}`, "services:", "  postgres: {memory: 16Mi, cpu: 10m, validate: none}");
    for (let i = 0; i < 2000; i++) lines.push(`  s${i}: {memory: 16Mi, cpu: 10m, validate: none, dependsOn: [postgress]}`);
    const started = performance.now();
    const findings = ofRule(check(lines.join("\n")), "unknown-dependency");
    // Was 7.1 s (the near-name search ran over every name for every service); measured ~0.2 s.
    expect(performance.now() - started).toBeLessThan(5000);
    expect(findings).toHaveLength(1);
    expect(findings[0]!.services).toHaveLength(2000);
    expect(findings[0]!.message).toMatch(/^2000 services \(s0, s1, s2, s3, s4, …\) depend on "postgress".*did you mean "postgres"\?$/);
    expect(findings[0]!.fix!.safe).toBe(false);
    expect(findings[0]!.fix!.edits[0]!.text).toBe("dependsOn: [postgres]");
  });
});

describe("budget and gate thresholds (offered, not applied)", () => {
  const text = [
    "name: limits",
    "cluster: {nodes: [{count: 1, memory: 8Gi, cpu: 4}], reserved: {memory: 0}}",
    "budget: {memory: 50%}",
    "phases:",
    "  - {name: one, services: [a], gate: {memory: 40%}}",
    "services:",
    "  a: {memory: 5000Mi, cpu: 100m, validate: none}",
    "",
  ].join("\n");

  it("carry the smallest whole percent that passes, as valid plan text, marked unsafe", () => {
    const findings = check(text);
    const budget = ofRule(findings, "budget-exceeded")[0]!;
    const gate = ofRule(findings, "gate-unreachable")[0]!;
    // 5000Mi of 8192Mi is 61.04%: 62% is the smallest whole percent above it.
    expect(budget.fix).toMatchObject({ safe: false, edits: [{ path: ["budget", "memory"], value: "62%", text: "memory: 62%" }] });
    expect(gate.fix).toMatchObject({ safe: false, edits: [{ path: ["phases", 0, "gate", "memory"], value: "62%" }] });
    expectValidPlanText([budget, gate]);
    // Made by hand (applyFixes), they leave neither finding; check --fix would not make them.
    const fixed = applyFixes(text, "yaml", [budget.fix!, gate.fix!]).text;
    expect(fixed).toContain("budget: {memory: 62%}");
    const after = check(fixed);
    expect(ofRule(after, "budget-exceeded")).toEqual([]);
    expect(ofRule(after, "gate-unreachable")).toEqual([]);
  });
});
