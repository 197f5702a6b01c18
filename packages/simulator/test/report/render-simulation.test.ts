import { describe, expect, it } from "vitest";
import type { Finding } from "@openpolicy/core";
import { formatSimulationText } from "../../src/report/format-simulation-text.js";
import { renderSimulationMarkdown } from "../../src/report/render-simulation-markdown.js";
import { renderMermaidGantt } from "../../src/report/mermaid-gantt.js";
import { renderMermaidMemoryChart } from "../../src/report/mermaid-memory-chart.js";
import { memorySeries } from "../../src/report/memory-series.js";
import { escapeMermaidGanttText } from "../../src/report/escape.js";
import { stripAnsi } from "../../src/report/ansi.js";
import type { SimulationResult } from "../../src/engine/result.js";
import { buildResult } from "./build-result.js";
import { encodeEntities, markdownTableAfter, mermaidBlocks, parseGantt, parseXyChart } from "./mermaid-grammar.js";

const findings: Finding[] = [
  { rule: "port-conflict", severity: "warning", message: "Ports clash: database-service and op-import both use 9015 | really", services: ["database-service", "op-import"], location: { file: "plan.yaml", line: 66, column: 3 } },
  { rule: "budget-exceeded", severity: "error", message: "Requests 5,888Mi = 71.9% of allocatable exceed the budget <50%>", services: [], location: { file: "plan.yaml", line: 19, column: 1 } },
];

function startedCount(result: SimulationResult): number {
  return result.phases.flatMap((p) => p.steps).filter((s) => s.startedAt !== undefined).length;
}

describe("formatSimulationText", () => {
  const rolledBack = buildResult({ failAt: "web", oomLoop: true });

  it("fits one screen for the 26-service plan and names the notable events", () => {
    const text = formatSimulationText(rolledBack, { color: false });
    const lines = text.trimEnd().split("\n");
    expect(rolledBack.phases.flatMap((p) => p.steps)).toHaveLength(26);
    expect(lines.length).toBeLessThanOrEqual(60);
    for (const phase of rolledBack.phases) expect(text).toContain(phase.name);
    expect(text).toContain("FailedScheduling web: 0/1 nodes are available: 1 Insufficient memory.");
    expect(text).toContain("OOMKilled scraper-service");
    expect(text).toMatch(/BackOff scraper-service \(×3\)/);
    expect(text).toMatch(/RolledBack (mobile-api|admin|cache-service)/);
    expect(text).toContain("Verdict: rolled back · makespan 17:53");
    expect(text).toMatch(/Failure: Unschedulable \(web, phase utility\): .* detected after 30s/);
    expect(text).toContain("memory by requests 14.6% ≤ 40% pass");
    expect(text).not.toContain("\x1b[");
  });

  it("colours only when asked, and colour changes nothing else", () => {
    const plain = formatSimulationText(rolledBack, { color: false });
    const coloured = formatSimulationText(rolledBack, { color: true });
    expect(coloured).toContain("\x1b[");
    expect(stripAnsi(coloured)).toBe(plain);
  });

  it("caps event lines per phase", () => {
    const noisy = buildResult({ oomLoop: true });
    const phase1 = noisy.phases[0]!;
    // Alternate types so nothing folds: 20 distinct notable events in phase 1.
    for (let i = 0; i < 20; i += 1) noisy.events.push({ t: phase1.startedAt! + i, type: i % 2 ? "Evicted" : "OOMKilled", service: `svc-${i}`, message: "m" });
    noisy.events.sort((a, b) => a.t - b.t);
    const text = formatSimulationText(noisy, { color: false });
    expect(text).toMatch(/… \d+ more notable events?/);
    expect(text.trimEnd().split("\n").length).toBeLessThanOrEqual(60);
  });
});

describe("Mermaid gantt", () => {
  it("has one task line per started step, unique ids, sections per phase, valid lines", () => {
    const result = buildResult({ failAt: "search-service" });
    const parsed = parseGantt(renderMermaidGantt(result));
    expect(parsed.errors).toEqual([]);
    const tasks = parsed.sections.flatMap((s) => s.tasks);
    expect(tasks).toHaveLength(startedCount(result));
    expect(startedCount(result)).toBeLessThan(26);
    expect(parsed.sections.map((s) => s.name)).toEqual(["1. infrastructure", "2. business"]);
    const failed = tasks.find((t) => t.text === "search-service")!;
    expect(failed.tags).toEqual(["crit"]);
    // Bars run from startedAt (written in ms under `dateFormat x`) for (readyAt - startedAt) seconds.
    expect(renderMermaidGantt(result)).toContain("\n    dateFormat x\n");
    const step = result.phases[0]!.steps[1]!;
    const bar = tasks.find((t) => t.text === step.service)!;
    expect([bar.start / 1000, bar.start / 1000 + bar.seconds]).toEqual([step.startedAt, step.readyAt]);
  });

  it("escapes names that would break the gantt lexer", () => {
    for (const name of ["Phase 1: infra; db #1", "gantt-service", "click me", "section x", "50% done", "2024-01-01 backup", ""]) {
      const escaped = escapeMermaidGanttText(name);
      const encoded = encodeEntities(escaped);
      expect(encoded).toMatch(/^[^#:\n;]+$/);
      expect(encoded).not.toMatch(/^(gantt|click\s|section\s|\d{4}-\d\d-\d\d)/i);
      expect(encoded).not.toContain("%%");
    }
    const result = buildResult();
    result.phases[0]!.name = "Phase 1: infra; #core";
    result.phases[0]!.steps[0]!.service = "gantt";
    const parsed = parseGantt(renderMermaidGantt(result));
    expect(parsed.errors).toEqual([]);
    expect(parsed.sections[0]!.name).toContain("#58;".replace("#", "\uFB02\u00B0").replace(";", "\u00B6\u00DF"));
  });
});

describe("Mermaid memory chart", () => {
  it("has at most 60 evenly spaced points covering the run, the same count on both lines", () => {
    for (const duration of [0, 45, 600, 1073, 3599, 7200, 100_000]) {
      const result = buildResult();
      result.durationSeconds = duration;
      const chart = parseXyChart(renderMermaidMemoryChart(result));
      expect(chart.errors).toEqual([]);
      expect(chart.lines.map((l) => l.name)).toEqual(["requested", "used"]);
      const n = chart.lines[0]!.values.length;
      expect(chart.lines[1]!.values).toHaveLength(n);
      expect(n).toBeLessThanOrEqual(60);
      expect(n).toBeGreaterThanOrEqual(2);
      const series = memorySeries(result.memory, duration);
      expect(n).toBe(series.points.length);
      // The x-axis ends on the last grid point, at or after the end of the run, within one step.
      const xMax = chart.xRange![1];
      expect(xMax).toBe((n - 1) * series.stepMinutes);
      expect(xMax * 60).toBeGreaterThanOrEqual(duration);
      expect(xMax * 60 - duration).toBeLessThan(series.stepMinutes * 60 + 1e-9);
    }
  });

  it("keeps short peaks when downsampling", () => {
    const result = buildResult();
    const allocatable = result.memory[0]!.allocatableBytes;
    result.durationSeconds = 3600;
    // A 1-second spike to 95% used between two grid points (grid step is 1 minute here).
    result.memory.push({ t: 1830, requestedBytes: allocatable / 2, usedBytes: Math.round(allocatable * 0.95), allocatableBytes: allocatable });
    result.memory.push({ t: 1831, requestedBytes: allocatable / 2, usedBytes: allocatable / 4, allocatableBytes: allocatable });
    const chart = parseXyChart(renderMermaidMemoryChart(result));
    expect(Math.max(...chart.lines[1]!.values)).toBe(95);
  });
});

describe("renderSimulationMarkdown", () => {
  const result = buildResult({ failAt: "web", oomLoop: true });
  const md = renderSimulationMarkdown(result, { findings, planFile: "examples/openpolicy/plan.yaml" });

  it("has a verdict line, tables with the right columns and rows, and two Mermaid charts", () => {
    expect(md).toContain("**Simulation rolled back** of `examples/openpolicy/plan.yaml` — makespan 17:53");
    const phases = markdownTableAfter(md, "| # | Phase |");
    expect(phases[0]).toEqual(["#", "Phase", "Status", "Start", "Duration", "Gate margins (points)"]);
    expect(phases.slice(2)).toHaveLength(5);
    for (const row of phases) expect(row).toHaveLength(6);
    expect(phases[2]).toEqual(["1", "infrastructure", "succeeded", "00:00", "06:33", "memory by requests +25.4, memory by usage +30.5, healthy 0"]);
    const findingRows = markdownTableAfter(md, "| Rule |");
    expect(findingRows[0]).toEqual(["Rule", "Severity", "Location", "Message"]);
    expect(findingRows.slice(2).map((r) => r[0])).toEqual(["`budget-exceeded`", "`port-conflict`"]);
    // Pipes and angle brackets in messages cannot break the table or become HTML.
    for (const row of findingRows) expect(row).toHaveLength(4);
    expect(md).toContain("the budget &lt;50%&gt;");
    const blocks = mermaidBlocks(md);
    expect(blocks).toHaveLength(2);
    expect(parseGantt(blocks[0]!).sections.flatMap((s) => s.tasks)).toHaveLength(26);
    expect(parseXyChart(blocks[1]!).errors).toEqual([]);
    expect(md).toContain("**Unschedulable** (service `web`, phase utility)");
  });

  it("is deterministic", () => {
    expect(renderSimulationMarkdown(buildResult({ failAt: "web", oomLoop: true }), { findings, planFile: "examples/openpolicy/plan.yaml" })).toBe(md);
  });
});
