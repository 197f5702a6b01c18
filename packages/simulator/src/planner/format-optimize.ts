/**
 * The optimizer's report in three forms: plain text for the terminal, Markdown for a pull
 * request, and JSON (the optimized plan as YAML text, since a Plan holds a Map).
 */
import { escapeMarkdown } from "../report/escape.js";
import { markdownTable } from "../report/markdown-table.js";
import type { OptimizeResult, OptimizedPhaseSummary, SimulatedMakespan } from "./optimize-plan.js";
import { planToYaml } from "./plan-to-yaml.js";

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function seconds(makespan: SimulatedMakespan): string {
  if (makespan.seconds === undefined) return `did not simulate (${makespan.verdict}${makespan.failure ? `: ${makespan.failure}` : ""})`;
  return `${makespan.seconds} s`;
}

function gateText(phase: OptimizedPhaseSummary): string {
  if (!phase.gate) return "no gate";
  const parts: string[] = [];
  if (phase.gate.memory !== undefined) parts.push(`memory ≤ ${phase.gate.memory}%`);
  if (phase.gate.cpu !== undefined) parts.push(`cpu ≤ ${phase.gate.cpu}%`);
  if (phase.gate.healthy !== undefined) parts.push(`healthy ≥ ${phase.gate.healthy}%`);
  return `gate ${parts.join(", ")}${phase.gateFrom ? `, carried from ${phase.gateFrom}` : ""}`;
}

function ratioText(result: OptimizeResult): string | undefined {
  if (result.ratio === undefined) return undefined;
  const saved = Math.round((1 - result.ratio) * 1000) / 10;
  return `${result.ratio}× the hand-written makespan (${saved >= 0 ? `${saved}% faster` : `${-saved}% slower`})`;
}

function optimizedShape(result: OptimizeResult): string {
  const batches = result.phases.reduce((n, p) => n + p.batches.length, 0);
  return `${plural(result.phases.length, "phase")}, ${plural(batches, "batch", "batches")}`;
}

export function formatOptimizeText(result: OptimizeResult): string {
  const lines: string[] = [];
  lines.push(`Optimized order for ${result.plan}`);
  lines.push(`  hand-written  ${seconds(result.handWritten)} (${plural(result.handWritten.phases, "phase")}, ${plural(result.handWritten.batches, "batch", "batches")})`);
  const ratio = ratioText(result);
  lines.push(`  optimized     ${seconds(result.makespan)} (${optimizedShape(result)})${ratio ? ` — ${ratio}` : ""}`);
  lines.push(`  lower bound   ${result.lowerBound.seconds} s (critical path ${result.lowerBound.path.join(" → ") || "—"}, start-up seconds only)`);
  if (result.search.seeds.length > 1) lines.push(`  makespans are the p95 of ${result.search.seeds.length} simulations (seeds ${result.search.seeds.join(", ")})`);
  for (const cycle of result.cycles) {
    lines.push("");
    lines.push(`The dependencies contain a cycle: ${cycle.path.join(" → ")} (members: ${cycle.members.join(", ")})${cycle.throughStar ? ', through a "*" dependency' : ""}.`);
  }
  if (result.droppedDependencies.length > 0) {
    lines.push(`Ignored to order the services: ${result.droppedDependencies.map((d) => `${d.service} → ${d.dependency}${d.fromStar ? " (*)" : ""}`).join(", ")}.`);
  }
  lines.push("");
  lines.push("Phases:");
  for (const phase of result.phases) {
    lines.push(`  ${phase.name} — ${gateText(phase)}`);
    phase.batches.forEach((batch, i) => lines.push(`    ${i + 1}. ${batch.name}: ${batch.services.join(", ")}`));
  }
  if (result.changes.length > 0) {
    lines.push("");
    lines.push("Changes:");
    for (const change of result.changes) lines.push(`  - ${change.message}`);
  }
  if (result.violations.length > 0) {
    lines.push("");
    lines.push("Still broken (no order fixes these):");
    for (const v of result.violations) lines.push(`  - ${v}`);
  }
  if (result.notes.length > 0) {
    lines.push("");
    lines.push("Notes:");
    for (const note of result.notes) lines.push(`  - ${note}`);
  }
  lines.push("");
  lines.push("The lower bound ignores:");
  for (const what of result.lowerBound.ignores) lines.push(`  - ${what}`);
  lines.push("");
  lines.push(`Search: ${plural(result.search.candidatesSimulated, "candidate")} simulated, ${result.search.candidatesRejected} rejected before simulation, ${plural(result.search.improvements, "improvement")}.`);
  return `${lines.join("\n")}\n`;
}

export function renderOptimizeMarkdown(result: OptimizeResult): string {
  const md = escapeMarkdown;
  const out: string[] = [];
  out.push(`## Optimized order for ${md(result.plan)}`);
  out.push("");
  out.push(
    markdownTable(
      ["", "Makespan", "Shape"],
      [
        ["Hand-written", md(seconds(result.handWritten)), `${plural(result.handWritten.phases, "phase")}, ${plural(result.handWritten.batches, "batch", "batches")}`],
        ["Optimized", md(seconds(result.makespan)), optimizedShape(result)],
        ["Lower bound (critical path)", `${result.lowerBound.seconds} s`, md(result.lowerBound.path.join(" → "))],
      ],
      ["left", "right", "left"],
    ),
  );
  const ratio = ratioText(result);
  if (ratio) {
    out.push("");
    out.push(`The optimized order takes ${md(ratio)}.`);
  }
  if (result.cycles.length > 0) {
    out.push("");
    out.push("### Dependency cycle");
    out.push("");
    for (const cycle of result.cycles) out.push(`- ${md(cycle.path.join(" → "))} (members: ${md(cycle.members.join(", "))})${cycle.throughStar ? ' — through a "\\*" dependency' : ""}`);
    out.push("");
    out.push(`Ignored to order the services: ${md(result.droppedDependencies.map((d) => `${d.service} → ${d.dependency}`).join(", "))}.`);
  }
  out.push("");
  out.push("### Phases");
  out.push("");
  const rows: string[][] = [];
  for (const phase of result.phases) {
    phase.batches.forEach((batch, i) => rows.push([i === 0 ? md(phase.name) : "", i === 0 ? md(gateText(phase)) : "", md(batch.name), md(batch.services.join(", "))]));
  }
  out.push(markdownTable(["Phase", "Gate", "Batch", "Services"], rows));
  if (result.changes.length > 0) {
    out.push("");
    out.push("<details><summary>Changes</summary>");
    out.push("");
    for (const change of result.changes) out.push(`- ${md(change.message)}`);
    out.push("");
    out.push("</details>");
  }
  for (const [title, items] of [
    ["Still broken", result.violations],
    ["Notes", result.notes],
  ] as const) {
    if (items.length === 0) continue;
    out.push("");
    out.push(`### ${title}`);
    out.push("");
    for (const item of items) out.push(`- ${md(item)}`);
  }
  out.push("");
  out.push(`The lower bound ignores: ${result.lowerBound.ignores.map(md).join("; ")}.`);
  return `${out.join("\n")}\n`;
}

/** Plain data for `--json`: the report with the optimized plan as YAML text. */
export function optimizeToJson(result: OptimizeResult): Record<string, unknown> {
  const { optimized, ...rest } = result;
  return { ...structuredClone(rest), optimizedYaml: planToYaml(optimized) };
}
