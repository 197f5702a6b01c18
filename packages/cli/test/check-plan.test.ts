import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildCli, runCli, SEED, seedMissing } from "./run-cli.js";

const EXAMPLE = "examples/openpolicy/plan.yaml";
const FIXED = "examples/openpolicy/plan.fixed.yaml";
const PLAN_MD = "examples/openpolicy/PLAN.md";
const Mi = 1024 * 1024;

interface JsonFinding {
  rule: string;
  severity: string;
  message: string;
  services: string[];
  location: { file: string; line: number };
}

beforeAll(buildCli, 60_000);

function withRule(findings: JsonFinding[], rule: string): JsonFinding[] {
  return findings.filter((f) => f.rule === rule);
}

/** The defects issue 2 names, found on every form of the user's plan. */
function expectSeedDefects(findings: JsonFinding[]): void {
  const ports = withRule(findings, "port-conflict").map((f) => [...f.services].sort().join(","));
  expect(ports).toContain("database-service,op-import");
  expect(ports).toContain("cache-service,scraper-service");
  expect(withRule(findings, "port-conflict").map((f) => f.message).join("\n")).toMatch(/9015[\s\S]*9016|9016[\s\S]*9015/);

  const cycle = withRule(findings, "dependency-cycle");
  expect(cycle).toHaveLength(1);
  expect(cycle[0]!.services).toContain("api-gateway");
  expect(cycle[0]!.message).toContain("api-gateway → web → api-gateway");

  const order = withRule(findings, "order-violation");
  expect(order.length).toBeGreaterThan(0);
  expect(order.every((f) => f.services.includes("api-gateway"))).toBe(true);

  const budget = withRule(findings, "budget-exceeded");
  expect(budget).toHaveLength(1);
  expect(budget[0]!.message).toContain("71.9%");
  expect(budget[0]!.message).toContain("50%");

  const declared = withRule(findings, "declared-total-mismatch");
  expect(declared).toHaveLength(1);
  expect(declared[0]!.message).toContain("1.15Gi");
  expect(declared[0]!.message).toContain("1,152Mi");
}

describe("opdeploy check on the user's plan", () => {
  it("finds every defect in examples/openpolicy/plan.yaml, exits 1, and says where", async () => {
    const run = await runCli(["check", EXAMPLE, "--format", "json"]);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as { findings: JsonFinding[]; summary: { errors: number; warnings: number } };
    expectSeedDefects(report.findings);
    expect(report.summary.errors).toBe(report.findings.filter((f) => f.severity === "error").length);
    expect(report.summary.warnings).toBe(report.findings.filter((f) => f.severity === "warning").length);
    const plan = await readFile(EXAMPLE, "utf8");
    const lines = plan.split("\n");
    // Locations point at the lines that hold the problem.
    const opImport = withRule(report.findings, "port-conflict").find((f) => f.services.includes("op-import"))!;
    expect(opImport.location.file).toBe(EXAMPLE);
    expect(lines[opImport.location.line - 1]).toMatch(/op-import|database-service/);
    const gateway = withRule(report.findings, "dependency-cycle")[0]!;
    expect(lines[gateway.location.line - 1]).toMatch(/api-gateway|web|admin|mobile-api/);
  });

  it.skipIf(seedMissing)("finds the same defects in the seed Markdown document, with its line numbers", async () => {
    const run = await runCli(["check", SEED, "--format", "json"]);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as { findings: JsonFinding[] };
    expectSeedDefects(report.findings);
    const seed = (await readFile(SEED, "utf8")).split("\n");
    const conflict = withRule(report.findings, "port-conflict").find((f) => f.services.includes("op-import"))!;
    expect(seed[conflict.location.line - 1]).toMatch(/op-import|database-service/);
    const declared = withRule(report.findings, "declared-total-mismatch")[0]!;
    expect(seed[declared.location.line - 1]).toContain("1.15Gi");
  });

  it("finds the same defects in PLAN.md, a Markdown plan in the seed's style", async () => {
    const run = await runCli(["check", PLAN_MD, "--format", "json"]);
    expect(run.code).toBe(1);
    expectSeedDefects((JSON.parse(run.stdout) as { findings: JsonFinding[] }).findings);
  });

  it("passes plan.fixed.yaml (exit 0, no errors)", async () => {
    const run = await runCli(["check", FIXED, "--format", "json"]);
    const report = JSON.parse(run.stdout) as { findings: JsonFinding[]; summary: { errors: number } };
    expect(report.summary.errors, JSON.stringify(report.findings, null, 2)).toBe(0);
    expect(run.code).toBe(0);
  });

  it("prints valid SARIF 2.1.0 with one result per finding", async () => {
    const [json, sarif] = await Promise.all([
      runCli(["check", EXAMPLE, "--format", "json"]),
      runCli(["check", EXAMPLE, "--format", "sarif"]),
    ]);
    const log = JSON.parse(sarif.stdout) as {
      version: string;
      runs: { tool: { driver: { name: string; rules: { id: string }[] } }; results: { ruleId: string; locations: { physicalLocation: { region: { startLine: number } } }[] }[] }[];
    };
    expect(log.version).toBe("2.1.0");
    expect(log.runs[0]!.tool.driver.name).toBe("opdeploy");
    const findings = (JSON.parse(json.stdout) as { findings: JsonFinding[] }).findings;
    expect(log.runs[0]!.results).toHaveLength(findings.length);
    expect(log.runs[0]!.results.every((r) => r.locations[0]!.physicalLocation.region.startLine >= 1)).toBe(true);
  });

  it("prints plain text when stdout is not a terminal, grouped by severity", async () => {
    const run = await runCli(["check", EXAMPLE]);
    expect(run.stdout).not.toMatch(/\u001b\[/);
    expect(run.stdout.indexOf("errors")).toBeLessThan(run.stdout.indexOf("warnings"));
    expect(run.stdout).toMatch(new RegExp(`${EXAMPLE.replaceAll(".", "\\.")}:\\d+:\\d+: error: `));
  });
});

describe("opdeploy check on a plan whose services bring their own manifests", () => {
  it("cross-checks probe and container ports in the manifest file, at its line, and reports unreadable files", async () => {
    const run = await runCli(["check", "packages/cli/testdata/manifests/plan.yaml", "-f", "json"]);
    expect(run.code).toBe(1);
    const findings = (JSON.parse(run.stdout) as { findings: JsonFinding[] }).findings;
    const probe = findings.find((f) => f.rule === "manifest-mismatch" && f.message.includes("9007"))!;
    expect(probe.location.file).toBe("packages/cli/testdata/manifests/k8s/audit-service.yaml");
    const manifest = (await readFile(probe.location.file, "utf8")).split("\n");
    expect(manifest[probe.location.line - 1]).toContain("port: 9007");
    expect(findings.some((f) => f.services.includes("ghost-service") && f.message.includes("cannot be read"))).toBe(true);
  });
});

describe("opdeploy plan", () => {
  it("totals 5,888Mi and 2,750m = 71.9% of 8Gi, per phase with cumulative percentages", async () => {
    const run = await runCli(["plan", EXAMPLE, "--format", "json"]);
    expect(run.code).toBe(0);
    const totals = JSON.parse(run.stdout) as {
      phases: { name: string; memoryBytes: number; cpuMillis: number; memoryPercent: number; cpuPercent: number }[];
      totals: { memoryBytes: number; cpuMillis: number; memoryPercent: number };
    };
    expect(totals.totals.memoryBytes).toBe(5888 * Mi);
    expect(totals.totals.cpuMillis).toBe(2750);
    expect(totals.totals.memoryPercent).toBe(71.9);
    expect(totals.phases.map((p) => p.memoryBytes)).toEqual([3072 * Mi, 1152 * Mi, 768 * Mi, 384 * Mi, 512 * Mi]);
    expect(totals.phases.map((p) => p.cpuMillis)).toEqual([1450, 600, 300, 200, 200]);
    expect(totals.phases.map((p) => p.memoryPercent)).toEqual([37.5, 51.6, 60.9, 65.6, 71.9]);
  });

  it("renders the same totals as Markdown tables and as text", async () => {
    const [md, text] = await Promise.all([runCli(["plan", EXAMPLE, "-f", "markdown"]), runCli(["plan", EXAMPLE])]);
    expect(md.stdout).toMatch(/^\|.*\|$/m);
    for (const out of [md.stdout, text.stdout]) {
      expect(out).toContain("5,888Mi");
      expect(out).toContain("2,750m");
      expect(out).toContain("71.9%");
    }
  });
});

describe("opdeploy import", () => {
  it.skipIf(seedMissing)("converts the seed into a YAML plan that check reads to the same findings", async () => {
    const dir = await mkdtemp(join(tmpdir(), "opdeploy-import-"));
    const out = join(dir, "plan.yaml");
    const run = await runCli(["import", SEED, "-o", out]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/:\d+: not imported: /); // what it could not use, with line numbers
    const yaml = await readFile(out, "utf8");
    expect((yaml.match(/^ {2}[a-z][a-z-]*:/gm) ?? []).length).toBeGreaterThanOrEqual(26);
    const [fromYaml, fromSeed] = await Promise.all([
      runCli(["check", out, "-f", "json"]),
      runCli(["check", SEED, "-f", "json"]),
    ]);
    const rules = (r: { stdout: string }) =>
      (JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings
        .filter((f) => f.rule !== "unread-content")
        .map((f) => `${f.rule}:${f.services.join(",")}`)
        .sort();
    expect(rules(fromYaml)).toEqual(rules(fromSeed));
  });

  it("refuses a document that is already a plan (exit 2)", async () => {
    const run = await runCli(["import", EXAMPLE]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${EXAMPLE}:1: already a plan`);
  });
});

describe("unusable input exits 2 and names file:line for every problem", () => {
  const cases: [string, RegExp[]][] = [
    ["malformed.yaml", [/malformed\.yaml:\d+:\d+/]],
    ["wrong-types.yaml", [/wrong-types\.yaml:3:\d+: cluster\.nodes\[0\]\.count/, /wrong-types\.yaml:6:\d+: phases\[0\]\.sequential/, /wrong-types\.yaml:9:\d+: services\.a\.port/, /wrong-types\.yaml:9:\d+: services\.a\.replicas/]],
    ["unknown-fields.yaml", [/unknown-fields\.yaml:8:\d+: services\.a.*dependson.*dependsOn/, /unknown-fields\.yaml:8:\d+: services\.a.*prot.*port/]],
    ["bad-quantities.yaml", [/bad-quantities\.yaml:3:\d+: cluster\.nodes\[0\]\.memory/, /bad-quantities\.yaml:8:\d+: services\.a\.memory/, /bad-quantities\.yaml:8:\d+: services\.a\.cpu/]],
    ["duplicate-keys.yaml", [/duplicate-keys\.yaml:9:\d+/]],
    ["empty.yaml", [/empty\.yaml:1:\d+: .*empty/]],
  ];
  for (const [file, patterns] of cases) {
    it(file, async () => {
      const run = await runCli(["check", `packages/cli/testdata/bad/${file}`]);
      expect(run.code, run.stderr).toBe(2);
      expect(run.stdout).toBe("");
      for (const pattern of patterns) expect(run.stderr).toMatch(pattern);
    });
  }

  it("a missing file, an unknown option and a bad --format", async () => {
    const [missing, option, format] = await Promise.all([
      runCli(["check", "no/such/plan.yaml"]),
      runCli(["check", EXAMPLE, "--sed", "1"]),
      runCli(["check", EXAMPLE, "--format", "xml"]),
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("no/such/plan.yaml:1:1: cannot read plan: no such file");
    expect(option.code).toBe(2);
    expect(option.stderr).toContain("--sed");
    expect(format.code).toBe(2);
    expect(format.stderr).toContain("--format must be one of text, json, sarif");
  });
});
