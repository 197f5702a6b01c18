/**
 * One simulation as a single self-contained HTML file: inline CSS and inline SVG, no script, no
 * font, no image, nothing fetched (a Content-Security-Policy of `default-src 'none'` makes a
 * browser refuse any request). Every text from the plan or the cluster is escaped.
 */
import type { Finding } from "@openpolicy/core";
import type { SimulationResult } from "../engine/result.js";
import { escapeHtml } from "./escape.js";
import { formatLocation, sortFindings } from "./findings-markdown.js";
import { renderSvgGantt } from "./svg-gantt.js";
import { renderSvgMemoryChart } from "./svg-memory-chart.js";
import { formatClock, formatPoints } from "./clock.js";
import { describeGateCheck, gateMargin, NOTABLE_EVENT_TYPES, phaseEnd, verdictText } from "./timeline.js";

export interface SimulationHtmlOptions {
  findings?: readonly Finding[];
  title?: string;
  /** Events listed in the events table (the rest is counted). Default 1000. */
  maxEvents?: number;
}

const STYLE = `
body { font-family: system-ui, sans-serif; margin: 24px; color: #1a202c; max-width: 1000px; }
h1 { font-size: 22px; } h2 { font-size: 17px; margin-top: 28px; }
table { border-collapse: collapse; font-size: 13px; margin: 8px 0; }
th, td { border: 1px solid #cbd5e0; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #edf2f7; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.verdict-succeeded { color: #2f855a; } .verdict-rolled-back { color: #b7791f; } .verdict-failed { color: #c53030; }
.fail { color: #c53030; font-weight: bold; } .notable td { background: #fff5f5; }
svg { display: block; margin: 8px 0; max-width: 100%; height: auto; }
`;

/** Cells are HTML already (escaped by the caller). */
function table(headers: string[], rows: string[][], numeric: number[] = [], rowClass: (index: number) => string | undefined = () => undefined): string {
  const head = `<tr>${headers.map((h) => `<th>${h}</th>`).join("")}</tr>`;
  const body = rows
    .map((r, index) => {
      const cls = rowClass(index);
      return `<tr${cls ? ` class="${cls}"` : ""}>${r.map((c, i) => `<td${numeric.includes(i) ? ' class="num"' : ""}>${c}</td>`).join("")}</tr>`;
    })
    .join("\n");
  return `<table>\n${head}\n${body}\n</table>`;
}

export function renderSimulationHtml(result: SimulationResult, options: SimulationHtmlOptions = {}): string {
  const title = options.title ?? `Simulation of ${result.plan}`;
  const maxEvents = options.maxEvents ?? 1000;
  const body: string[] = [];
  body.push(`<h1>${escapeHtml(title)}</h1>`);
  body.push(
    `<p class="verdict"><strong class="verdict-${result.verdict}">Simulation ${escapeHtml(verdictText(result.verdict))}</strong> — makespan ${formatClock(result.durationSeconds)} (simulated, seed ${result.seed})</p>`,
  );
  if (result.failure) {
    const f = result.failure;
    const where = [f.service ? `service ${f.service}` : "", f.phase ? `phase ${f.phase}` : ""].filter(Boolean).join(", ");
    body.push(
      `<p class="failure"><span class="fail">${escapeHtml(f.reason)}</span>${where ? ` (${escapeHtml(where)})` : ""}: ${escapeHtml(f.message)} — detected after ${f.detectionSeconds}s.</p>`,
    );
  }
  if (result.rollback) {
    const r = result.rollback;
    body.push(
      `<p class="rollback">Rollback (scope ${r.scope}) ${formatClock(r.startedAt)}–${formatClock(r.endedAt)}: ${escapeHtml(r.services.map((s) => `${s.action} ${s.service}${s.ok ? "" : " (did not settle)"}`).join(", ") || "nothing to undo")}; ${r.completed ? "completed" : '<span class="fail">not completed</span>'}.</p>`,
    );
  }
  body.push("<h2>Rollout</h2>", renderSvgGantt(result));
  body.push("<h2>Memory</h2>", renderSvgMemoryChart(result));
  body.push(
    "<h2>Phases</h2>",
    table(
      ["#", "Phase", "Status", "Start", "Duration", "Gate checks", "Margin (points)"],
      result.phases.map((p, i) => [
        String(i + 1),
        escapeHtml(p.name),
        p.status,
        p.startedAt === undefined ? "—" : formatClock(p.startedAt),
        p.startedAt === undefined ? "—" : formatClock(phaseEnd(p, result) - p.startedAt),
        (p.gate?.checks ?? []).map((c) => `<span${c.passed ? "" : ' class="fail"'}>${escapeHtml(describeGateCheck(c))}</span>`).join("<br>") || "—",
        (p.gate?.checks ?? []).map((c) => formatPoints(gateMargin(c))).join("<br>") || "—",
      ]),
      [0, 3, 4, 6],
    ),
  );
  const shown = result.events.slice(0, maxEvents);
  body.push(
    "<h2>Events</h2>",
    table(
      ["Time", "Type", "Service", "Node", "Message"],
      shown.map((e) => [formatClock(e.t), escapeHtml(e.type), escapeHtml(e.service ?? ""), escapeHtml(e.node ?? ""), escapeHtml(e.message)]),
      [0],
      (i) => (NOTABLE_EVENT_TYPES.has(shown[i]!.type) ? "notable" : undefined),
    ),
  );
  if (result.events.length > shown.length) body.push(`<p>… ${result.events.length - shown.length} more events not listed.</p>`);
  if (options.findings) {
    body.push("<h2>Findings</h2>");
    body.push(
      options.findings.length === 0
        ? "<p>No findings.</p>"
        : table(
            ["Rule", "Severity", "Location", "Message"],
            sortFindings(options.findings).map((f) => [`<code>${escapeHtml(f.rule)}</code>`, f.severity, escapeHtml(formatLocation(f)), escapeHtml(f.message)]),
          ),
    );
  }
  return [
    "<!DOCTYPE html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    "</head>",
    "<body>",
    ...body,
    "</body>",
    "</html>",
    "",
  ].join("\n");
}
