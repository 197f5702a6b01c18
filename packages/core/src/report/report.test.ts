import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import { describe, expect, it } from "vitest";
import { checkPlan } from "../checks/index.js";
import { openPolicyPlan, OPENPOLICY_PLAN_FILE } from "../../test/helpers/openpolicy-plan.js";
import { Gi, Mi, planBuilder } from "../../test/helpers/plan-builder.js";
import {
  findingsToJson,
  findingsToSarif,
  formatFindingsText,
  formatTotalsMarkdown,
  formatTotalsText,
  planTotals,
  totalsToJson,
} from "./index.js";

// ajv-formats is CommonJS: under NodeNext its default import is the module object.
type FormatsPlugin = typeof addFormatsModule.default;
const addFormats: FormatsPlugin =
  (addFormatsModule as unknown as { default?: FormatsPlugin }).default ?? (addFormatsModule as unknown as FormatsPlugin);

describe("planTotals on the seed", () => {
  const totals = planTotals(openPolicyPlan());

  it("adds 26 services up to 5,888Mi and 2,750m = 71.9% of 8Gi allocatable", () => {
    expect(totals.totals.services).toBe(26);
    expect(totals.totals.memoryBytes).toBe(5888 * Mi);
    expect(totals.totals.cpuMillis).toBe(2750);
    expect(totals.totals.memoryPercent).toBe(71.9);
    expect(totals.allocatable).toEqual({ memoryBytes: 8 * Gi, cpuMillis: 16_000 });
  });

  it("gives per-phase and cumulative figures", () => {
    expect(totals.phases.map((p) => [p.name, p.serviceCount, p.memoryBytes / Mi, p.cpuMillis])).toEqual([
      ["Phase 1", 4, 3072, 1450],
      ["Phase 2", 9, 1152, 600],
      ["Phase 3", 6, 768, 300],
      ["Phase 4", 3, 384, 200],
      ["Phase 5", 4, 512, 200],
    ]);
    expect(totals.phases.map((p) => p.cumulative.memoryBytes / Mi)).toEqual([3072, 4224, 4992, 5376, 5888]);
    expect(totals.phases.map((p) => p.memoryPercent)).toEqual([37.5, 51.6, 60.9, 65.6, 71.9]);
    expect(totals.phases[1]!.batches.map((b) => [b.name, b.services.length, b.memoryBytes / Mi])).toEqual([
      ["Batch 2.1", 3, 384],
      ["Batch 2.2", 3, 384],
      ["Batch 2.3", 3, 384],
    ]);
    expect(totals.phases[0]!.gate).toMatchObject({ memory: 40, memoryMarginPercent: 2.5, memoryMarginBytes: Math.floor(0.4 * 8 * Gi) - 3 * Gi });
    expect(totals.budget).toEqual({ memory: 50, memoryMarginPercent: -21.9 });
  });

  it("multiplies requests and limits by replicas", () => {
    const doubled = planTotals(openPolicyPlan({ replicas: 2, limitsFactor: 2 }));
    expect(doubled.totals.memoryBytes).toBe(11_776 * Mi);
    expect(doubled.totals.limitsMemoryBytes).toBe(23_552 * Mi);
    expect(doubled.totals.memoryPercent).toBe(143.8);
  });

  it("serializes with the documented keys", () => {
    const json = totalsToJson(totals);
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
    const phase = json.phases[4]!;
    for (const key of ["memoryBytes", "cpuMillis", "memoryPercent", "cpuPercent", "limitsMemoryBytes", "limitsCpuMillis"]) {
      expect(phase).toHaveProperty(key);
    }
    expect(phase.memoryPercent).toBe(71.9);
    expect(phase.cpuPercent).toBe(17.2);
    expect(json.totals).toMatchObject({ memoryBytes: 5888 * Mi, cpuMillis: 2750 });
  });
});

describe("totals renderers", () => {
  const totals = planTotals(openPolicyPlan());

  it("text: one row per phase and batch, no colour unless asked", () => {
    const plain = formatTotalsText(totals, { color: false });
    expect(plain).not.toMatch(/\u001b\[/);
    expect(plain).toMatch(/Phase 5 +4 +512Mi +200m +5,888Mi +71\.9% +2,750m +17\.2% +≤ 80% +\+8\.1/);
    expect(plain).toContain("Percentages are of allocatable");
    expect(plain).toContain("margin -21.9 points");
    expect(formatTotalsText(totals, { color: true })).toMatch(/\u001b\[31m/);
  });

  it("markdown: a GitHub table with aligned columns", () => {
    const md = formatTotalsMarkdown(totals);
    const lines = md.split("\n");
    expect(lines).toContain("| **Phase 2** | 9 | 1,152Mi | 600m | 4,224Mi | 51.6% | 2,050m | 12.8% | ≤ 60% | +8.4 |");
    expect(lines).toContain("| ↳ Batch 2.1 | 3 | 384Mi | 200m |  |  |  |  |  |  |");
    expect(lines.some((l) => l.startsWith("| :-- | --: |"))).toBe(true);
  });
});

describe("findings renderers", () => {
  const findings = checkPlan(openPolicyPlan({ limitsFactor: 2 }));

  it("text groups by severity then rule with file:line prefixes", () => {
    const text = formatFindingsText(findings, { color: false });
    expect(text).not.toMatch(/\u001b\[/);
    expect(text.indexOf("errors")).toBeLessThan(text.indexOf("warnings"));
    expect(text).toContain(`    ${OPENPOLICY_PLAN_FILE}:62:3: warning: port 9015`);
    // api-gateway's "*" order violations are one finding: cycle, order, budget.
    expect(text.trimEnd().endsWith("3 errors, 4 warnings")).toBe(true);
    expect(formatFindingsText(findings, { color: true })).toMatch(/\u001b\[31m/);
    expect(formatFindingsText([], { color: false })).toBe("no problems found\n");
  });

  it("JSON has exactly the documented shape", () => {
    const json = findingsToJson(findings);
    expect(Object.keys(json)).toEqual(["findings", "summary"]);
    expect(json.summary).toEqual({ errors: 3, warnings: 4 });
    for (const f of json.findings) {
      expect(Object.keys(f)).toEqual(["rule", "severity", "message", "services", "location", ...(f.fix ? ["fix"] : [])]);
      expect(Object.keys(f.location)).toEqual(["file", "line", "column"]);
    }
    expect(json.findings.find((f) => f.rule === "budget-exceeded")!.location).toEqual({ file: OPENPOLICY_PLAN_FILE, line: 17, column: 1 });
  });

  it("SARIF validates against the official SARIF 2.1.0 schema", () => {
    const schema = JSON.parse(readFileSync(new URL("./testdata/sarif-schema-2.1.0.json", import.meta.url), "utf8"));
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    const sarif = findingsToSarif(findings, { toolVersion: "0.1.0" });
    const valid = validate(JSON.parse(JSON.stringify(sarif)));
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    // And the schema does reject something broken, so the check is not vacuous.
    expect(validate({ version: "2.1.0", runs: [{ tool: { driver: {} } }] })).toBe(false);

    const run = sarif.runs[0]!;
    expect(run.tool.driver.name).toBe("opdeploy");
    const budget = run.results.find((r) => r.ruleId === "budget-exceeded")!;
    expect(budget.level).toBe("error");
    expect(run.tool.driver.rules[budget.ruleIndex]!.id).toBe("budget-exceeded");
    expect(budget.locations[0]!.physicalLocation).toEqual({ artifactLocation: { uri: OPENPOLICY_PLAN_FILE }, region: { startLine: 17, startColumn: 1 } });
    expect(run.results.filter((r) => r.level === "warning")).toHaveLength(4);
  });

  it("SARIF artifact URIs are relative to the base directory and URI-safe", () => {
    const plan = planBuilder("p", "/repo/plans/my plan.yaml").service("a", { validate: { kind: "none" } }).phase("p", { batches: [["a"]] }).build();
    const sarif = findingsToSarif(checkPlan(plan), { toolVersion: "1", baseDirectory: "/repo" });
    expect(sarif.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation.uri).toBe("plans/my%20plan.yaml");
  });
});
