/** `opdeploy check --fix` end to end on the bundled CLI: what it writes, keeps, reports and refuses. */
import { copyFile, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildCli, REPO_ROOT, runCli } from "./run-cli.js";

beforeAll(buildCli, 120_000);

interface Report {
  findings: { rule: string; fix?: { safe: boolean; edits: { path: string; text: string; replacement?: string }[] } }[];
  fixed?: { description: string }[];
  notFixed?: unknown[];
}

async function copyOfExample(name: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "opdeploy-fix-"));
  const file = join(dir, "plan.yaml");
  await copyFile(join(REPO_ROOT, "examples/openpolicy", name), file);
  return file;
}

describe("opdeploy check --fix", () => {
  it("fixes the example plan's declared total, \"*\" and shared ports in place, keeps every comment, and re-checks", async () => {
    const file = await copyOfExample("plan.yaml");
    const before = await readFile(file, "utf8");
    const run = await runCli(["check", file, "--fix", "-f", "json"]);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.fixed!.map((f) => f.description)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^narrow "\*"/), "declare the phase's memory as its services' sum, 1152Mi", expect.stringMatching(/^move op-import/), expect.stringMatching(/^move cache-service/)]),
    );
    expect(run.stderr).toMatch(/fixed: declare the phase's memory/);
    const after = await readFile(file, "utf8");
    expect(after).toContain("declared: {memory: 1152Mi, cpu: 600m}");
    expect(after).not.toContain('dependsOn: ["*"]');
    // Every comment line of the original survives unchanged.
    const comments = (text: string) => text.split("\n").filter((l) => l.trimStart().startsWith("#"));
    expect(comments(after)).toEqual(comments(before));
    expect(after.split("\n")).toHaveLength(before.split("\n").length);
    // Re-checked: no finding of a fixed kind is left; the budget (not mechanical) still is, so exit 1.
    const rules = new Set(report.findings.map((f) => f.rule));
    for (const rule of ["declared-total-mismatch", "order-violation", "port-conflict", "dependency-cycle"]) expect(rules.has(rule)).toBe(false);
    expect(rules.has("budget-exceeded")).toBe(true);
    expect(run.code).toBe(1);
    // A second run has nothing left to do.
    const again = await runCli(["check", file, "--fix"]);
    expect(again.stdout).toContain("nothing to fix automatically");
    expect(await readFile(file, "utf8")).toBe(after);
  }, 60_000);

  it("mends memory written in milli-bytes, which otherwise stops the plan loading (exit 2)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "opdeploy-fix-"));
    const file = join(dir, "milli.yaml");
    const text = "name: milli\ncluster: {nodes: [{count: 1, memory: 4Gi, cpu: 2}]}\nphases: [{name: one, services: [a]}]\nservices:\n  a: {memory: 128m, cpu: 100m, validate: tcp, port: 80}  # typo\n";
    await writeFile(file, text);
    const plain = await runCli(["check", file]);
    expect(plain.code).toBe(2);
    expect(plain.stderr).toMatch(/did you mean 128Mi\?/);
    const fixed = await runCli(["check", file, "--fix"]);
    expect(fixed.code).toBe(0);
    expect(fixed.stdout).toMatch(/fixed: services\.a\.memory: "128m" is milli-bytes; write memory: 128Mi/);
    expect(await readFile(file, "utf8")).toBe(text.replace("128m,", "128Mi,"));
  }, 60_000);

  it("when the plan still does not load, says what it already mended beside the load errors (exit 2)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "opdeploy-fix-"));
    const file = join(dir, "both.yaml");
    await writeFile(file, "name: both\ncluster: {nodes: [{count: 1, memory: 4Gi, cpu: 2}]}\nphases: [{name: one, services: [a]}]\nservices:\n  a: {memory: 64m, cpu: 100m, validate: none, replicaz: 2}\n");
    const run = await runCli(["check", file, "--fix"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/fixed: services\.a\.memory: "64m" is milli-bytes; write memory: 64Mi/);
    expect(run.stderr).toMatch(/replicaz/);
    expect(await readFile(file, "utf8")).toContain("memory: 64Mi,");
  }, 60_000);

  it("refuses a Markdown plan with exit 2 and a clear message, leaving the file as it was", async () => {
    const dir = await mkdtemp(join(tmpdir(), "opdeploy-fix-"));
    const file = join(dir, "PLAN.md");
    await copyFile(join(REPO_ROOT, "examples/openpolicy/PLAN.md"), file);
    const before = await readFile(file, "utf8");
    const run = await runCli(["check", file, "--fix"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/is a Markdown plan; --fix edits YAML and JSON plans only/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(await readFile(file, "utf8")).toBe(before);
  }, 60_000);

  it("without --fix, JSON and SARIF carry the fixes and the file is not touched", async () => {
    const file = await copyOfExample("plan.yaml");
    const before = await readFile(file, "utf8");
    const json = JSON.parse((await runCli(["check", file, "-f", "json"])).stdout) as Report;
    const port = json.findings.find((f) => f.rule === "port-conflict" && f.fix)!;
    expect(port.fix!.safe).toBe(true);
    expect(port.fix!.edits[0]!.text).toMatch(/^port: \d+$/);
    expect(port.fix!.edits[0]!.replacement).toMatch(/^\d+$/);
    const sarif = JSON.parse((await runCli(["check", file, "-f", "sarif"])).stdout) as { runs: { results: { fixes?: unknown[] }[] }[] };
    expect(sarif.runs[0]!.results.filter((r) => r.fixes).length).toBeGreaterThanOrEqual(3);
    expect(await readFile(file, "utf8")).toBe(before);
  }, 60_000);
});
