/** The risk summary for a terminal and for Markdown. */
import { formatClock } from "../report/clock.js";
import { escapeMarkdown } from "../report/escape.js";
import { markdownTable } from "../report/markdown-table.js";
import type { RiskFailure, RiskSummary } from "./assess-risk.js";

export function formatProbability(p: number): string {
  const pct = Math.round(p * 1000) / 10;
  return `${Number.isInteger(pct) ? pct.toFixed(0) : pct.toFixed(1)}%`;
}

function failureText(f: RiskFailure, runs: number): string {
  return `${f.reason}${f.service ? ` (${f.service})` : ""} in ${f.count} of ${runs} runs, first at seed ${f.firstSeed}`;
}

export function riskHeadline(risk: RiskSummary): string {
  return `${risk.succeeded} of ${risk.runs} runs succeeded (${formatProbability(risk.successProbability)})`;
}

export function formatRiskText(risk: RiskSummary): string {
  const lines = [
    `Risk of ${risk.plan}: ${riskHeadline(risk)}, seeds ${risk.seed0}–${risk.seed0 + risk.runs - 1}`,
    `Verdicts: ${risk.verdicts.succeeded} succeeded, ${risk.verdicts["rolled-back"]} rolled back, ${risk.verdicts.failed} failed`,
    `Makespan: p50 ${formatClock(risk.makespan.p50)} · p95 ${formatClock(risk.makespan.p95)} · min ${formatClock(risk.makespan.min)} · max ${formatClock(risk.makespan.max)} (nearest-rank)`,
  ];
  if (risk.mostFrequentFailure) lines.push(`Most frequent failure: ${failureText(risk.mostFrequentFailure, risk.runs)}`);
  for (const f of risk.failures.slice(1, 5)) lines.push(`  also: ${failureText(f, risk.runs)}`);
  if (risk.failures.length > 5) lines.push(`  … ${risk.failures.length - 5} more failure kinds`);
  return `${lines.join("\n")}\n`;
}

export function renderRiskMarkdown(risk: RiskSummary, options: { headingLevel?: number } = {}): string {
  const h = "#".repeat(Math.min(6, options.headingLevel ?? 3));
  const parts = [
    `${h} Risk over ${risk.runs} seeds (${risk.seed0}–${risk.seed0 + risk.runs - 1})`,
    `**${riskHeadline(risk)}** — ${risk.verdicts["rolled-back"]} rolled back, ${risk.verdicts.failed} failed.`,
    markdownTable(
      ["Makespan", "p50", "p95", "min", "max"],
      [["simulated mm:ss", formatClock(risk.makespan.p50), formatClock(risk.makespan.p95), formatClock(risk.makespan.min), formatClock(risk.makespan.max)]],
      ["left", "right", "right", "right", "right"],
    ),
  ];
  if (risk.failures.length > 0) {
    parts.push(
      markdownTable(
        ["Failure", "Service", "Runs", "First seed"],
        risk.failures.map((f) => [f.reason, f.service ? `\`${escapeMarkdown(f.service)}\`` : "—", String(f.count), String(f.firstSeed)]),
        ["left", "left", "right", "right"],
      ),
    );
  }
  parts.push("Percentiles are nearest-rank: p95 is the makespan that at least 95% of the runs did not exceed.");
  return `${parts.join("\n\n")}\n`;
}
