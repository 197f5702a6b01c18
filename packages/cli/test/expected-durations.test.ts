/**
 * `opdeploy simulate` holds the plan's expected: durations against the rehearsal: a table in the
 * text report, `expectedDurations` and expected-duration findings in JSON. On the example plans
 * (examples/openpolicy), whose expectations are 15–25 minutes per phase.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { SHOP_PLAN, fakeClusterPerTest } from "./fake-cluster-fixture.js";
import { buildCli, runCli } from "./run-cli.js";

const TOKEN = "tok-41d2-durations-never-print";
let dir: string;
const fake = fakeClusterPerTest(TOKEN, () => dir);

beforeAll(async () => {
  await buildCli();
  dir = await mkdtemp(join(tmpdir(), "opdeploy-durations-"));
}, 60_000);

interface Json {
  verdict: string;
  phases: { name: string; startedAt: number; endedAt: number }[];
  findings: { rule: string; severity: string; message: string }[];
  expectedDurations: { phase: string; expected: [number, number]; rehearsed: number; verdict: string }[];
}

describe("simulate: expected durations", () => {
  it("JSON: each phase's expected range beside its rehearsed time, and a warning per phase outside it", async () => {
    const run = await runCli(["simulate", "examples/openpolicy/plan.fixed.yaml", "-f", "json"]);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as Json;
    expect(report.expectedDurations.map((d) => [d.phase, d.expected, d.verdict])).toEqual([
      ["infrastructure", [900, 1200], "faster"],
      ["business", [1200, 1500], "faster"],
      ["operational", [900, 1200], "faster"],
      ["interface", [600, 900], "faster"],
      ["utility", [600, 900], "faster"],
    ]);
    for (const d of report.expectedDurations) {
      const phase = report.phases.find((p) => p.name === d.phase)!;
      expect(d.rehearsed).toBe(phase.endedAt - phase.startedAt);
    }
    const durations = report.findings.filter((f) => f.rule === "expected-duration");
    expect(durations).toHaveLength(5);
    for (const f of durations) {
      expect(f.severity).toBe("warning");
      expect(f.message).toContain("Most likely the expectation");
    }
  });

  it("text: the table after the rehearsal, the cause under it; the verdict and exit code are the rehearsal's", async () => {
    const run = await runCli(["simulate", "examples/openpolicy/plan.yaml"]);
    expect(run.code, run.stderr).toBe(0);
    const section = run.stdout.slice(run.stdout.indexOf("Expected durations"));
    expect(run.stdout.indexOf("Expected durations")).toBeGreaterThan(run.stdout.indexOf("Verdict:"));
    expect(section).toMatch(/^ {2}infrastructure +15m–20m +\S+( \S+)? +rehearsal faster than expected$/m);
    expect(section).toMatch(/^ {2}phase infrastructure is expected to take 15m–20m; the rehearsal takes .*Most likely the start-up figures/m);
  });
});

describe("deploy: expected, rehearsed and observed side by side", () => {
  it("text and JSON carry the three per phase", async () => {
    const planFile = join(dir, "shop-expected.yaml");
    await writeFile(planFile, SHOP_PLAN.replace("services: [db]", "services: [db]\n    expected: 1m-2m").replace("services: [api]", "services: [api]\n    expected: 1m-2m"));
    const text = await runCli(["deploy", planFile, "--settle", "0", "--no-traffic", "--kubeconfig", fake.kubeconfig]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^ {2}phase +expected +rehearsed +observed$/m);
    expect(text.stdout).toMatch(/^ {2}data +1m–2m +\S+( \S+)? +\S+( \S+)? +rehearsal (faster|slower) than expected$/m);

    const json = await runCli(["deploy", planFile, "--settle", "0", "--no-traffic", "-f", "json", "--kubeconfig", fake.kubeconfig]);
    expect(json.code, json.stderr).toBe(0);
    const report = JSON.parse(json.stdout) as { expectedDurations: { phase: string; expected: number[]; rehearsed?: number; observed?: number }[] };
    expect(report.expectedDurations.map((d) => [d.phase, d.expected])).toEqual([
      ["data", [60, 120]],
      ["apps", [60, 120]],
    ]);
    for (const d of report.expectedDurations) {
      expect(typeof d.rehearsed).toBe("number");
      expect(typeof d.observed).toBe("number");
    }
    expect(text.stdout + text.stderr + json.stdout + json.stderr).not.toContain(TOKEN);
  });
});
