import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { Finding } from "@openpolicy/core";
import { parsePlanText } from "./core-sources.js";
import { checkPlan } from "./core-sources.js";
import { planTotals } from "./core-sources.js";
import { diffFindings } from "../../src/report/finding-diff.js";
import { renderPullRequestReport, type Snapshot } from "../../src/report/render-pull-request-report.js";
import { simulate } from "../../src/simulate.js";
import { buildResult } from "./build-result.js";
import { markdownTableAfter, mermaidBlocks, parseGantt } from "./mermaid-grammar.js";

const examples = fileURLToPath(new URL("../../../../examples/openpolicy/", import.meta.url));

function load(file: string) {
  return parsePlanText(readFileSync(examples + file, "utf8"), `examples/openpolicy/${file}`);
}

async function snapshot(file: string, faults: Parameters<typeof simulate>[1] = {}): Promise<Snapshot> {
  const plan = load(file);
  return { findings: checkPlan(plan), totals: planTotals(plan), simulation: await simulate(plan, { seed: 1, ...faults }) };
}

function finding(rule: Finding["rule"], message: string, services: string[], line = 1): Finding {
  return { rule, severity: rule === "port-conflict" || rule === "missing-validation" ? "warning" : "error", message, services, location: { file: "plan.yaml", line, column: 1 } };
}

describe("diffFindings", () => {
  it("matches by rule, services (any order) and message, not by location, and counts copies", () => {
    const base = [finding("port-conflict", "9015 clash", ["a", "b"], 3), finding("missing-validation", "no check", ["c"], 4), finding("missing-validation", "no check", ["c"], 4)];
    const head = [
      finding("port-conflict", "9015 clash", ["b", "a"], 30), // moved: unchanged
      finding("missing-validation", "no check", ["c"], 40), // one of two copies stays
      finding("unschedulable", "too big", ["d"], 50), // new
      finding("port-conflict", "9015 clash", ["a", "c"], 60), // other services: new
    ];
    const diff = diffFindings(base, head);
    expect(diff.added.map((f) => [f.rule, f.services])).toEqual([
      ["unschedulable", ["d"]],
      ["port-conflict", ["a", "c"]],
    ]);
    expect(diff.fixed.map((f) => f.rule)).toEqual(["missing-validation"]);
    expect(diff.unchanged).toHaveLength(2);
    expect(diff.added.length + diff.unchanged.length).toBe(head.length);
    expect(diff.fixed.length + diff.unchanged.length).toBe(base.length);
  });
});

describe("renderPullRequestReport on the example plans", async () => {
  const base = await snapshot("plan.yaml");
  const head = await snapshot("plan.fixed.yaml");
  const report = renderPullRequestReport({ planFile: "examples/openpolicy/plan.yaml", head, base, marker: "opdeploy-report", fullReportPath: "opdeploy-report.html" });

  it("starts with the marker and an emoji-free verdict line", () => {
    const [first, second] = report.split("\n");
    expect(first).toBe("<!-- opdeploy-report -->");
    const errors = head.findings.filter((f) => f.severity === "error").length;
    const warnings = head.findings.filter((f) => f.severity === "warning").length;
    expect(second).toBe(`**opdeploy**: simulation ${head.simulation!.verdict === "rolled-back" ? "rolled back" : head.simulation!.verdict} · ${errors} error${errors === 1 ? "" : "s"} · ${warnings} warning${warnings === 1 ? "" : "s"}`);
    expect(second).not.toMatch(/\p{Extended_Pictographic}/u);
  });

  it("lists fixed findings (in base, not in head) and new ones", () => {
    const diff = diffFindings(base.findings, head.findings);
    expect(diff.fixed.length).toBeGreaterThan(0);
    expect(report).toContain(`### Findings: ${diff.added.length} new, ${diff.fixed.length} fixed, ${diff.unchanged.length} unchanged`);
    const fixedRules = new Set(diff.fixed.map((f) => f.rule));
    expect(fixedRules.has("port-conflict")).toBe(true);
    expect(fixedRules.has("budget-exceeded")).toBe(true);
  });

  it("shows totals per phase before → after with six columns", () => {
    const rows = markdownTableAfter(report, "| Phase | Memory requested |");
    expect(rows[0]).toEqual(["Phase", "Memory requested", "CPU requested", "Memory % (cumulative)", "CPU % (cumulative)", "Memory gate margin"]);
    expect(rows.slice(2)).toHaveLength(head.totals.phases.length + 1);
    for (const row of rows) expect(row).toHaveLength(6);
    // The budget changed from 50% to 80% of memory: its margin shows before → after.
    expect(rows[rows.length - 1]![5]).toMatch(/^budget -21\.9 pts → budget \+8\.1 pts$/);
    expect(rows[2]![1]).toBe("3Gi");
  });

  it("shows the verdict and makespan before → after, and the head's charts", () => {
    const b = base.simulation!;
    const h = head.simulation!;
    const clock = (s: number) => `${String(Math.floor(Math.round(s) / 60)).padStart(2, "0")}:${String(Math.round(s) % 60).padStart(2, "0")}`;
    expect(report).toContain(`- Makespan (simulated): ${clock(b.durationSeconds)} → ${clock(h.durationSeconds)}`);
    const blocks = mermaidBlocks(report);
    expect(blocks).toHaveLength(2);
    const started = h.phases.flatMap((p) => p.steps).filter((s) => s.startedAt !== undefined).length;
    expect(parseGantt(blocks[0]!).sections.flatMap((s) => s.tasks)).toHaveLength(started);
    if (head.findings.length > 0) expect(report).toContain(`<details>\n<summary>All ${head.findings.length} finding`);
    else expect(report).not.toContain("<details>");
    expect(report).not.toContain("Report shortened");
  });

  it("is deterministic", async () => {
    const again = renderPullRequestReport({ planFile: "examples/openpolicy/plan.yaml", head: await snapshot("plan.fixed.yaml"), base: await snapshot("plan.yaml"), marker: "opdeploy-report", fullReportPath: "opdeploy-report.html" });
    expect(again).toBe(report);
  });
});

describe("renderPullRequestReport shortening", async () => {
  const plan = load("plan.yaml");
  const totals = planTotals(plan);
  const many: Finding[] = Array.from({ length: 400 }, (_, i) => finding("missing-validation", `service svc-${String(i).padStart(3, "0")} has no validation ${"x".repeat(80)}`, [`svc-${i}`], i + 1));
  const head: Snapshot = { findings: many, totals, simulation: buildResult({ failAt: "web", oomLoop: true }) };
  const base: Snapshot = { findings: [], totals };
  const input = { planFile: "plan.yaml", head, base, fullReportPath: "out/report.md", marker: "m" };
  const full = renderPullRequestReport({ ...input, maxLength: 10_000_000 });
  const notice = "Report shortened to fit GitHub's limit; the full report is in `out/report.md`";

  it("keeps everything when it fits", () => {
    expect(full).toContain("<details>");
    expect(full).toContain("```mermaid");
    expect(full).not.toContain(notice);
  });

  it("drops the full findings list first, then the charts, then cuts tables, never exceeding the limit", () => {
    const withoutDetails = full.length - full.slice(full.indexOf("<details>")).length;
    // Just too long for everything: only the details go.
    const a = renderPullRequestReport({ ...input, maxLength: full.length - 1 });
    expect(a.length).toBeLessThanOrEqual(full.length - 1);
    expect(a).not.toContain("<details>");
    expect(a).toContain("```mermaid");
    expect(a).toContain(notice);
    // Too long without the charts as well.
    const chartsStart = full.indexOf("### Rollout (head)");
    const b = renderPullRequestReport({ ...input, maxLength: chartsStart + 200 });
    expect(b).not.toContain("```mermaid");
    expect(b).toContain("### Resources (requests)");
    expect(b.length).toBeLessThanOrEqual(chartsStart + 200);
    // Far too long: the new-findings table is cut to the rows that fit.
    const c = renderPullRequestReport({ ...input, maxLength: 8000 });
    expect(c.length).toBeLessThanOrEqual(8000);
    expect(c).toMatch(/… and \d+ more new findings\./);
    expect(c).toContain(notice);
    expect(c.split("\n")[1]).toMatch(/^\*\*opdeploy\*\*: simulation rolled back · 0 errors · 400 warnings$/);
    expect(withoutDetails).toBeGreaterThan(8000);
    // Tables that survive keep whole rows.
    for (const line of c.split("\n").filter((l) => l.startsWith("|"))) expect(line.endsWith("|")).toBe(true);
    for (const limit of [65_536, 20_000, 3000, 500, 120, 10]) {
      expect(renderPullRequestReport({ ...input, maxLength: limit }).length).toBeLessThanOrEqual(limit);
    }
  });

  it("is deterministic when shortened", () => {
    expect(renderPullRequestReport({ ...input, maxLength: 8000 })).toBe(renderPullRequestReport({ ...input, maxLength: 8000 }));
  });
});
