/** Renderers of `planTotals`: a terminal table, GitHub Markdown tables, and JSON. */
import { formatBytes, formatMillicores } from "../quantity/index.js";
import { paint } from "./ansi.js";
import type { PlanTotals } from "./plan-totals.js";

function cpuText(millicores: number): string {
  const text = formatMillicores(millicores);
  return text.endsWith("m") || text === "0" ? text : `${text} cores`;
}

function pct(value: number | null | undefined): string {
  return value === null || value === undefined ? "n/a" : `${value.toFixed(1)}%`;
}

function signed(value: number | null | undefined): string {
  if (value === null || value === undefined) return "n/a";
  return `${value >= 0 ? "+" : ""}${value.toFixed(1)}`;
}

interface Row {
  cells: string[];
  /** Indexes of cells to highlight as over a threshold / within it. */
  bad?: number[];
  good?: number[];
  strong?: boolean;
}

function rows(totals: PlanTotals): { header: string[]; body: Row[]; footer: Row[] } {
  const header = ["Phase / batch", "Services", "Memory", "CPU", "Cum. memory", "% alloc.", "Cum. CPU", "% alloc.", "Memory gate", "Margin"];
  const body: Row[] = [];
  for (const phase of totals.phases) {
    const gate = phase.gate?.memory !== undefined ? `≤ ${phase.gate.memory}%` : "";
    const margin = phase.gate?.memory !== undefined ? signed(phase.gate.memoryMarginPercent) : "";
    const over = phase.gate?.memoryMarginPercent !== undefined && phase.gate.memoryMarginPercent !== null && phase.gate.memoryMarginPercent < 0;
    body.push({
      cells: [
        phase.name,
        String(phase.serviceCount),
        formatBytes(phase.memoryBytes),
        cpuText(phase.cpuMillis),
        formatBytes(phase.cumulative.memoryBytes),
        pct(phase.memoryPercent),
        cpuText(phase.cumulative.cpuMillis),
        pct(phase.cpuPercent),
        gate,
        margin,
      ],
      strong: true,
      ...(gate ? (over ? { bad: [5, 9] } : { good: [9] }) : {}),
    });
    if (phase.batches.length > 1) {
      for (const batch of phase.batches) {
        body.push({
          cells: [`  ${batch.name}`, String(batch.services.length), formatBytes(batch.memoryBytes), cpuText(batch.cpuMillis), "", "", "", "", "", ""],
        });
      }
    }
  }
  const t = totals.totals;
  const footer: Row[] = [
    {
      cells: ["Total requests", String(t.services), formatBytes(t.memoryBytes), cpuText(t.cpuMillis), "", pct(t.memoryPercent), "", pct(t.cpuPercent), "", ""],
      strong: true,
    },
    {
      cells: ["Total limits", "", formatBytes(t.limitsMemoryBytes), cpuText(t.limitsCpuMillis), "", pct(t.limitsMemoryPercent), "", pct(t.limitsCpuPercent), "", ""],
      ...((t.limitsMemoryPercent ?? 0) > 100 ? { bad: [5] } : {}),
    },
  ];
  return { header, body, footer };
}

function headline(totals: PlanTotals): string {
  return (
    `${totals.plan}: ${totals.nodes} node${totals.nodes === 1 ? "" : "s"}, allocatable ${formatBytes(totals.allocatable.memoryBytes)} memory and ` +
    `${cpuText(totals.allocatable.cpuMillis)} CPU (capacity ${formatBytes(totals.capacity.memoryBytes)} / ${cpuText(totals.capacity.cpuMillis)} minus reserved). ` +
    `Percentages are of allocatable.`
  );
}

function budgetLines(totals: PlanTotals): string[] {
  const lines: string[] = [];
  const b = totals.budget;
  if (!b) return lines;
  if (b.memory !== undefined) {
    lines.push(`Budget: memory ≤ ${b.memory}% of allocatable; the plan requests ${pct(totals.totals.memoryPercent)} (margin ${signed(b.memoryMarginPercent)} points).`);
  }
  if (b.cpu !== undefined) {
    lines.push(`Budget: CPU ≤ ${b.cpu}% of allocatable; the plan requests ${pct(totals.totals.cpuPercent)} (margin ${signed(b.cpuMarginPercent)} points).`);
  }
  return lines;
}

/** The plan's totals as an aligned text table, as `opdeploy plan` prints it. */
export function formatTotalsText(totals: PlanTotals, options: { color: boolean } = { color: false }): string {
  const p = paint(options.color);
  const { header, body, footer } = rows(totals);
  const all = [{ cells: header, strong: true } as Row, ...body, ...footer];
  const widths = header.map((_, i) => Math.max(...all.map((r) => [...(r.cells[i] ?? "")].length)));
  const render = (row: Row) =>
    row.cells
      .map((cell, i) => {
        const padded = i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!);
        if (row.bad?.includes(i)) return p.red(padded);
        if (row.good?.includes(i)) return p.green(padded);
        return padded;
      })
      .join("  ")
      .trimEnd();
  const rule = widths.map((w) => "─".repeat(w)).join("  ");
  const lines = [headline(totals), "", p.bold(render(all[0]!)), rule, ...body.map(render), rule, ...footer.map(render)];
  if (totals.unplaced.length > 0) lines.push("", `Not deployed by any phase (counted in the totals): ${totals.unplaced.join(", ")}.`);
  const budget = budgetLines(totals);
  if (budget.length > 0) {
    lines.push("");
    for (const line of budget) lines.push(line.includes("margin -") ? p.red(line) : line);
  }
  return `${lines.join("\n")}\n`;
}

/** GitHub-flavoured Markdown: one table (phases, their batches, totals) and the budget below it. */
export function formatTotalsMarkdown(totals: PlanTotals): string {
  const { header, body, footer } = rows(totals);
  const escapeCell = (cell: string) => cell.replace(/\|/g, "\\|");
  const line = (cells: string[], strong = false) =>
    `| ${cells.map((c, i) => (strong && i === 0 && c ? `**${escapeCell(c.trim())}**` : escapeCell(i === 0 ? c.replace(/^ {2}/, "↳ ") : c))).join(" | ")} |`;
  const lines = [
    headline(totals),
    "",
    line(header),
    `| ${header.map((_, i) => (i === 0 ? ":--" : "--:")).join(" | ")} |`,
    ...body.map((r) => line(r.cells, r.strong)),
    ...footer.map((r) => line(r.cells, r.strong)),
  ];
  if (totals.unplaced.length > 0) lines.push("", `Not deployed by any phase (counted in the totals): ${totals.unplaced.map((s) => `\`${s}\``).join(", ")}.`);
  const budget = budgetLines(totals);
  if (budget.length > 0) lines.push("", ...budget);
  return `${lines.join("\n")}\n`;
}

/** The totals as a plain JSON value (a deep copy; `JSON.stringify` it). */
export function totalsToJson(totals: PlanTotals): PlanTotals {
  return JSON.parse(JSON.stringify(totals)) as PlanTotals;
}
