/** Fixes in the JSON and SARIF reports: valid against the official SARIF schema, at the value's region. */
import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import { describe, expect, it } from "vitest";
import { checkPlan } from "../checks/index.js";
import { parsePlanText } from "../plan/parse-text.js";
import { applyFixes, editLocator, findingsToJson, findingsToSarif } from "./index.js";

// ajv-formats is CommonJS: under NodeNext its default import is the module object.
type FormatsPlugin = typeof addFormatsModule.default;
const addFormats: FormatsPlugin =
  (addFormatsModule as unknown as { default?: FormatsPlugin }).default ?? (addFormatsModule as unknown as FormatsPlugin);

const TEXT = [
  "name: fixes",
  "cluster: {nodes: [{count: 1, memory: 8Gi, cpu: 4}]}",
  "phases:",
  "  - name: one",
  "    services: [a, b, c]",
  "    declared: {memory: 3Gi}",
  "services:",
  "  a: {memory: 64Mi, cpu: 10m, port: 8080, validate: none}",
  "  b: {memory: 64Mi, cpu: 10m, port: 8080, validate: none}",
  '  c: {memory: 64Mi, cpu: 10m, validate: none, dependsOn: ["*"]}',
  "",
].join("\n");

const findings = checkPlan(parsePlanText(TEXT, "plans/fixes.yaml"));
const locate = editLocator(TEXT, "yaml");

describe("fixes in reports", () => {
  it("SARIF results carry §3.55 fixes that validate against the official SARIF 2.1.0 schema", () => {
    const schema = JSON.parse(readFileSync(new URL("./testdata/sarif-schema-2.1.0.json", import.meta.url), "utf8"));
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    const sarif = findingsToSarif(findings, { toolVersion: "1", baseDirectory: process.cwd(), locate });
    expect(validate(JSON.parse(JSON.stringify(sarif)))).toBe(true);
    expect(validate.errors ?? []).toEqual([]);
    const withFixes = sarif.runs[0]!.results.filter((r) => r.fixes);
    expect(withFixes.map((r) => r.ruleId).sort()).toEqual(["declared-total-mismatch", "order-violation", "port-conflict"]);
    // A fix with its region removed is rejected: the schema test is not vacuous.
    const broken = JSON.parse(JSON.stringify(sarif));
    delete broken.runs[0].results.find((r: { fixes?: unknown }) => r.fixes).fixes[0].artifactChanges;
    expect(validate(broken)).toBe(false);
  });

  it("a SARIF replacement deletes exactly the written value and inserts the new one", () => {
    const sarif = findingsToSarif(findings, { toolVersion: "1", baseDirectory: process.cwd(), locate });
    const port = sarif.runs[0]!.results.find((r) => r.ruleId === "port-conflict")!;
    const change = port.fixes![0]!.artifactChanges[0]!;
    expect(change.artifactLocation.uri).toBe("plans/fixes.yaml");
    // Line 9 is b's; "8080" is columns 37–40 and the region ends after it (SARIF endColumn is exclusive).
    expect(change.replacements).toEqual([{ deletedRegion: { startLine: 9, startColumn: 37, endLine: 9, endColumn: 41 }, insertedContent: { text: "8081" } }]);
    expect(TEXT.split("\n")[8]!.slice(36, 40)).toBe("8080");
  });

  it("JSON carries fix with plan text, region and replacement; making the SARIF edits equals applyFixes", () => {
    const json = findingsToJson(findings, { locate });
    const declared = json.findings.find((f) => f.rule === "declared-total-mismatch")!;
    expect(declared.fix).toEqual({
      description: "declare the phase's memory as its services' sum, 192Mi",
      safe: true,
      edits: [{ path: "phases[0].declared.memory", text: "memory: 192Mi", region: { startLine: 6, startColumn: 24, endLine: 6, endColumn: 27 }, replacement: "192Mi" }],
    });
    const star = json.findings.find((f) => f.rule === "order-violation")!;
    expect(star.fix!.edits[0]).toMatchObject({ path: "services.c.dependsOn", text: "dependsOn: []", replacement: "[]" });
    const fixed = applyFixes(TEXT, "yaml", findings.flatMap((f) => (f.fix ? [f.fix] : []))).text;
    expect(fixed.split("\n").slice(5, 10)).toEqual([
      "    declared: {memory: 192Mi}",
      "services:",
      "  a: {memory: 64Mi, cpu: 10m, port: 8080, validate: none}",
      "  b: {memory: 64Mi, cpu: 10m, port: 8081, validate: none}",
      "  c: {memory: 64Mi, cpu: 10m, validate: none, dependsOn: []}",
    ]);
    expect(checkPlan(parsePlanText(fixed, "plans/fixes.yaml")).filter((f) => f.fix)).toEqual([]);
  });

  it("without a locator (a Markdown plan) JSON still carries the plan text, and SARIF leaves fixes out", () => {
    const json = findingsToJson(findings);
    expect(json.findings.find((f) => f.rule === "port-conflict")!.fix!.edits).toEqual([{ path: "services.b.port", text: "port: 8081" }]);
    expect(findingsToSarif(findings, { toolVersion: "1" }).runs[0]!.results.some((r) => r.fixes)).toBe(false);
  });
});
