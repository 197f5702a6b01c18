/** The reports on real `simulate` output for the example plans (not hand-built results). */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parsePlanText } from "./core-sources.js";
import { checkPlan } from "./core-sources.js";
import { simulate } from "../../src/simulate.js";
import type { Fault } from "../../src/faults/fault.js";
import { formatSimulationText } from "../../src/report/format-simulation-text.js";
import { renderSimulationMarkdown } from "../../src/report/render-simulation-markdown.js";
import { renderSimulationHtml } from "../../src/report/render-simulation-html.js";
import { mermaidBlocks, parseGantt, parseXyChart } from "./mermaid-grammar.js";

const examples = fileURLToPath(new URL("../../../../examples/openpolicy/", import.meta.url));
const load = (file: string) => parsePlanText(readFileSync(examples + file, "utf8"), file);

const cases: { name: string; file: string; faults: Fault[] }[] = [
  { name: "the fixed plan", file: "plan.fixed.yaml", faults: [] },
  { name: "an OOM loop in etl", file: "plan.yaml", faults: [{ kind: "memory-growth", service: "etl", bytesPerSecond: 100_000 }] },
  { name: "a crash loop in web", file: "plan.fixed.yaml", faults: [{ kind: "crash", service: "web" }] },
];

describe.each(cases)("reports for $name", ({ file, faults }) => {
  it("agree with the result: ≤ 60 text lines, one gantt task per started step, valid charts", async () => {
    const plan = load(file);
    const result = await simulate(plan, { seed: 3, faults });
    const started = result.phases.flatMap((p) => p.steps).filter((s) => s.startedAt !== undefined).length;
    const text = formatSimulationText(result, { color: false });
    expect(text.trimEnd().split("\n").length).toBeLessThanOrEqual(60);
    expect(text).toContain(`makespan`);
    if (result.failure) expect(text).toContain(`Failure: ${result.failure.reason}`);
    const md = renderSimulationMarkdown(result, { findings: checkPlan(plan), planFile: file });
    const [gantt, memory] = mermaidBlocks(md);
    const parsedGantt = parseGantt(gantt!);
    expect(parsedGantt.errors).toEqual([]);
    expect(parsedGantt.sections.flatMap((s) => s.tasks)).toHaveLength(started);
    const chart = parseXyChart(memory!);
    expect(chart.errors).toEqual([]);
    expect(chart.lines[0]!.values.length).toBeLessThanOrEqual(60);
    const html = renderSimulationHtml(result);
    expect(html.match(/class="gantt-bar"/g) ?? []).toHaveLength(started);
  });
});
