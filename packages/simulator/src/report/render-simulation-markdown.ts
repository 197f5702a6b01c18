/**
 * One simulation as GitHub Markdown: verdict, phases table, failure and rollback, findings, and
 * two Mermaid charts (the rollout gantt and memory over time). The output depends only on its
 * inputs (no clock, no locale), so the same result renders byte-identically.
 */
import type { Finding } from "@openpolicy/core";
import type { SimulationResult } from "../engine/result.js";
import { formatClock } from "./clock.js";
import { escapeMarkdown } from "./escape.js";
import { findingsTable } from "./findings-markdown.js";
import { markdownTable } from "./markdown-table.js";
import { renderMermaidGantt } from "./mermaid-gantt.js";
import { renderMermaidMemoryChart } from "./mermaid-memory-chart.js";
import { describeGateMargins, phaseEnd, startedSteps, verdictText } from "./timeline.js";

export interface SimulationMarkdownOptions {
  findings?: readonly Finding[];
  title?: string;
  planFile?: string;
  /** Heading level of the title (default 2); sections are one level below. */
  headingLevel?: number;
}

export function fence(language: string, body: string): string {
  return `\`\`\`${language}\n${body}\n\`\`\``;
}

export function simulationVerdictLine(result: SimulationResult, planFile?: string): string {
  const where = planFile ? ` of \`${escapeMarkdown(planFile)}\`` : "";
  return `**Simulation ${verdictText(result.verdict)}**${where} — makespan ${formatClock(result.durationSeconds)} (simulated, seed ${result.seed})`;
}

export function simulationPhasesTable(result: SimulationResult): string {
  return markdownTable(
    ["#", "Phase", "Status", "Start", "Duration", "Gate margins (points)"],
    result.phases.map((phase, i) => {
      const start = phase.startedAt;
      return [
        String(i + 1),
        escapeMarkdown(phase.name),
        phase.status,
        start === undefined ? "—" : formatClock(start),
        start === undefined ? "—" : formatClock(phaseEnd(phase, result) - start),
        escapeMarkdown(describeGateMargins(phase)) || "—",
      ];
    }),
    ["right", "left", "left", "right", "right", "left"],
  );
}

export function simulationFailureSection(result: SimulationResult, heading: string): string | undefined {
  const parts: string[] = [];
  const failure = result.failure;
  if (failure) {
    const where = [failure.service ? `service \`${escapeMarkdown(failure.service)}\`` : "", failure.phase ? `phase ${escapeMarkdown(failure.phase)}` : ""]
      .filter(Boolean)
      .join(", ");
    parts.push(`**${failure.reason}**${where ? ` (${where})` : ""}: ${escapeMarkdown(failure.message)}`);
    parts.push(`Detected ${failure.detectionSeconds}s after the failing step started.`);
  }
  const rollback = result.rollback;
  if (rollback) {
    parts.push(
      `Rollback (scope ${rollback.scope}) ran ${formatClock(rollback.startedAt)}–${formatClock(rollback.endedAt)} and ${rollback.completed ? "completed" : "**did not complete**"}.`,
    );
    if (rollback.services.length > 0) {
      parts.push(
        markdownTable(
          ["Order", "Service", "Action", "Settled"],
          rollback.services.map((s, i) => [String(i + 1), escapeMarkdown(s.service), s.action, s.ok ? "yes" : "**no**"]),
        ),
      );
    }
  }
  return parts.length > 0 ? `${heading}\n\n${parts.join("\n\n")}` : undefined;
}

/** The two charts, or nothing for a result with no started step. */
export function simulationCharts(result: SimulationResult, heading: string): string | undefined {
  if (startedSteps(result).length === 0) return undefined;
  return [
    heading,
    fence("mermaid", renderMermaidGantt(result)),
    result.memory.length > 0 ? fence("mermaid", renderMermaidMemoryChart(result)) : "",
  ]
    .filter(Boolean)
    .join("\n\n");
}

export function renderSimulationMarkdown(result: SimulationResult, options: SimulationMarkdownOptions = {}): string {
  const level = options.headingLevel ?? 2;
  const h = (n: number) => "#".repeat(Math.min(6, n));
  const sections: string[] = [];
  sections.push(`${h(level)} ${escapeMarkdown(options.title ?? `Simulation of ${result.plan}`)}`);
  sections.push(simulationVerdictLine(result, options.planFile));
  sections.push(`${h(level + 1)} Phases\n\n${simulationPhasesTable(result)}`);
  const failure = simulationFailureSection(result, `${h(level + 1)} Failure and rollback`);
  if (failure) sections.push(failure);
  if (options.findings) {
    sections.push(
      `${h(level + 1)} Findings\n\n${options.findings.length === 0 ? "No findings." : findingsTable(options.findings)}`,
    );
  }
  const charts = simulationCharts(result, `${h(level + 1)} Timeline`);
  if (charts) sections.push(charts);
  return `${sections.join("\n\n")}\n`;
}
