/**
 * The pull-request comment / job summary: what a change to a plan does, in one Markdown body.
 *
 * Sections, in order: hidden marker (so the Action can find and update its own comment), a
 * one-line verdict, new and fixed findings against the base, resource totals per phase
 * before → after, the simulated verdict and makespan before → after (and risk, when assessed),
 * the head simulation's Mermaid charts, and every head finding in a collapsed <details>.
 *
 * GitHub caps a comment at 65,536 characters (a job summary at 1 MiB; the caller passes the
 * limit). When the body is longer, whole sections are dropped in this order — the full findings
 * list, then the charts, then the resource table — then the new/fixed tables are cut to the rows
 * that fit, and a notice says where the full report is. The result never exceeds `maxLength`.
 */
import type { PlanDiff } from "../diff/diff-plan.js";
import { planDiffMarkdown } from "./plan-diff-markdown.js";
import type { Finding, PhaseTotals, PlanTotals } from "@openpolicy/core";
import { formatBytes, formatMillicores } from "@openpolicy/core";
import type { SimulationResult } from "../engine/result.js";
import type { RiskSummary } from "../risk/assess-risk.js";
import { formatProbability } from "../risk/format-risk.js";
import { formatClock, formatPoints } from "./clock.js";
import { escapeMarkdown } from "./escape.js";
import { diffFindings } from "./finding-diff.js";
import { countBySeverity, findingsTable, plural, sortFindings } from "./findings-markdown.js";
import { markdownTable } from "./markdown-table.js";
import { simulationCharts } from "./render-simulation-markdown.js";
import { verdictText } from "./timeline.js";

export interface Snapshot {
  findings: Finding[];
  totals: PlanTotals;
  simulation?: SimulationResult;
  risk?: RiskSummary;
}

export interface PullRequestReportInput {
  planFile: string;
  head: Snapshot;
  base?: Snapshot;
  fullReportPath?: string;
  /** Default 65,536 (GitHub's comment limit). */
  maxLength?: number;
  /** Written first as a hidden HTML comment. */
  marker?: string;
  /** What deploy of the head would change on the live cluster (when the Action was given a kubeconfig). */
  diff?: PlanDiff;
}

export const GITHUB_COMMENT_LIMIT = 65_536;

interface Section {
  name: string;
  text: string;
  /** Lower drops first; undefined never drops whole. */
  dropOrder?: number;
  /** A smaller version of the section with at most `rows` table rows, for the last squeeze. */
  shrink?: (rows: number) => string;
}

function hiddenMarker(marker: string): string {
  // "--" cannot appear inside an HTML comment.
  return `<!-- ${marker.replace(/--/g, "- -")} -->`;
}

function headline(head: Snapshot): string {
  const sim = head.simulation ? `simulation ${verdictText(head.simulation.verdict)}` : "not simulated";
  const counts = countBySeverity(head.findings);
  const parts = [sim, plural(counts.error, "error"), plural(counts.warning, "warning")];
  if (head.risk) parts.push(`${formatProbability(head.risk.successProbability)} of ${head.risk.runs} seeded runs succeeded`);
  return `**opdeploy**: ${parts.join(" · ")}`;
}

/** "a → b", or just "b" when nothing changed; "—" stands for absent. */
function change<T>(before: T | undefined, after: T | undefined, format: (v: T) => string, hasBase: boolean): string {
  const a = after === undefined ? "—" : format(after);
  if (!hasBase) return a;
  const b = before === undefined ? "—" : format(before);
  return a === b ? a : `${b} → ${a}`;
}

const pct = (v: number | null) => (v === null ? "n/a" : `${v}%`);
const margin = (v: number | null) => (v === null ? "n/a" : `${formatPoints(v)} pts`);

function totalsTable(head: PlanTotals, base: PlanTotals | undefined): string {
  const hasBase = base !== undefined;
  const byName = (t: PlanTotals | undefined) => new Map((t?.phases ?? []).map((p) => [p.name, p] as const));
  const headPhases = byName(head);
  const basePhases = byName(base);
  const names = [...headPhases.keys(), ...[...basePhases.keys()].filter((n) => !headPhases.has(n))];
  const row = (label: string, h: PhaseTotals | undefined, b: PhaseTotals | undefined) => [
    escapeMarkdown(label),
    change(b?.memoryBytes, h?.memoryBytes, formatBytes, hasBase),
    change(b?.cpuMillis, h?.cpuMillis, formatMillicores, hasBase),
    change(b?.memoryPercent, h?.memoryPercent, pct, hasBase),
    change(b?.cpuPercent, h?.cpuPercent, pct, hasBase),
    change(b?.gate?.memoryMarginPercent ?? undefined, h?.gate?.memoryMarginPercent ?? undefined, margin, hasBase),
  ];
  const rows = names.map((name) => row(name, headPhases.get(name), basePhases.get(name)));
  rows.push([
    "**all services**",
    change(base?.totals.memoryBytes, head.totals.memoryBytes, formatBytes, hasBase),
    change(base?.totals.cpuMillis, head.totals.cpuMillis, formatMillicores, hasBase),
    change(base?.totals.memoryPercent, head.totals.memoryPercent, pct, hasBase),
    change(base?.totals.cpuPercent, head.totals.cpuPercent, pct, hasBase),
    change(base?.budget?.memoryMarginPercent ?? undefined, head.budget?.memoryMarginPercent ?? undefined, (v) => `budget ${margin(v)}`, hasBase),
  ]);
  return markdownTable(
    ["Phase", "Memory requested", "CPU requested", "Memory % (cumulative)", "CPU % (cumulative)", "Memory gate margin"],
    rows,
    ["left", "right", "right", "right", "right", "right"],
  );
}

function simulationSection(head: Snapshot, base: Snapshot | undefined): string {
  const lines: string[] = ["### Simulation", ""];
  const hs = head.simulation;
  const bs = base?.simulation;
  const hasBase = bs !== undefined;
  if (!hs) lines.push("Not simulated.");
  else {
    lines.push(
      `- Verdict: ${change(bs?.verdict, hs.verdict, (v) => `**${verdictText(v)}**`, hasBase)}`,
      `- Makespan (simulated): ${change(bs?.durationSeconds, hs.durationSeconds, formatClock, hasBase)} (seed ${hs.seed})`,
    );
    if (hs.failure) {
      const f = hs.failure;
      lines.push(
        `- Failure: **${f.reason}**${f.service ? ` at \`${escapeMarkdown(f.service)}\`` : ""}${f.phase ? ` in phase ${escapeMarkdown(f.phase)}` : ""}: ${escapeMarkdown(f.message)} (detected after ${f.detectionSeconds}s)`,
      );
    }
    if (hs.rollback) lines.push(`- Rollback (scope ${hs.rollback.scope}): ${hs.rollback.completed ? "completed" : "**did not complete**"}, ${plural(hs.rollback.services.length, "service")} undone`);
  }
  const hr = head.risk;
  const br = base?.risk;
  if (hr) {
    const hasRiskBase = br !== undefined;
    lines.push(
      `- Success over ${hr.runs} seeds: ${change(br?.successProbability, hr.successProbability, formatProbability, hasRiskBase)}; makespan p50 ${change(br?.makespan.p50, hr.makespan.p50, formatClock, hasRiskBase)}, p95 ${change(br?.makespan.p95, hr.makespan.p95, formatClock, hasRiskBase)}`,
    );
    if (hr.mostFrequentFailure) {
      const f = hr.mostFrequentFailure;
      lines.push(`- Most frequent failure: ${f.reason}${f.service ? ` at \`${escapeMarkdown(f.service)}\`` : ""} in ${f.count} of ${hr.runs} runs (first at seed ${f.firstSeed})`);
    }
  }
  return lines.join("\n");
}

function findingsChangeSection(head: Snapshot, base: Snapshot | undefined): Section {
  if (!base) {
    const c = countBySeverity(head.findings);
    return {
      name: "findings",
      text: `### Findings\n\n${head.findings.length === 0 ? "No findings." : `${plural(c.error, "error")}, ${plural(c.warning, "warning")}, ${c.info} info (listed below).`}`,
    };
  }
  const diff = diffFindings(base.findings, head.findings);
  const added = sortFindings(diff.added);
  const fixed = sortFindings(diff.fixed);
  const render = (rows: number) => {
    const parts = [`### Findings: ${diff.added.length} new, ${diff.fixed.length} fixed, ${diff.unchanged.length} unchanged`];
    let budget = rows;
    for (const [label, list] of [
      ["New", added],
      ["Fixed", fixed],
    ] as const) {
      if (list.length === 0) continue;
      const shown = list.slice(0, Math.max(0, budget));
      budget -= shown.length;
      parts.push(`**${label}**`);
      if (shown.length > 0) parts.push(findingsTable(shown));
      if (shown.length < list.length) parts.push(`… and ${list.length - shown.length} more ${label.toLowerCase()} findings.`);
    }
    return parts.join("\n\n");
  };
  return { name: "findings", text: render(Number.MAX_SAFE_INTEGER), shrink: render };
}

export function renderPullRequestReport(input: PullRequestReportInput): string {
  const maxLength = input.maxLength ?? GITHUB_COMMENT_LIMIT;
  const { head, base } = input;
  const sections: Section[] = [];
  if (input.marker !== undefined) sections.push({ name: "marker", text: hiddenMarker(input.marker) });
  sections.push({ name: "headline", text: headline(head) });
  sections.push({ name: "plan", text: `Plan \`${escapeMarkdown(input.planFile)}\`${base ? " compared with the base branch" : ""}.` });
  sections.push(findingsChangeSection(head, base));
  sections.push({ name: "totals", text: `### Resources (requests)\n\n${totalsTable(head.totals, base?.totals)}`, dropOrder: 3 });
  sections.push({ name: "simulation", text: simulationSection(head, base) });
  if (head.simulation) {
    const charts = simulationCharts(head.simulation, "### Rollout (head)");
    if (charts) sections.push({ name: "charts", text: charts, dropOrder: 2 });
  }
  if (input.diff) sections.push({ name: "cluster-diff", text: planDiffMarkdown(input.diff), dropOrder: 2 });
  if (head.findings.length > 0) {
    sections.push({
      name: "all-findings",
      text: `<details>\n<summary>All ${plural(head.findings.length, "finding")}</summary>\n\n${findingsTable(head.findings)}\n\n</details>`,
      dropOrder: 1,
    });
  }
  return fitToLength(sections, maxLength, input.fullReportPath);
}

/** Blank lines between sections; the marker sits directly above the verdict line. */
function join(sections: readonly Section[]): string {
  return `${sections.map((s, i) => (i === 0 ? "" : sections[i - 1]!.name === "marker" ? "\n" : "\n\n") + s.text).join("")}\n`;
}

function fitToLength(sections: Section[], maxLength: number, fullReportPath: string | undefined): string {
  const whole = join(sections);
  if (whole.length <= maxLength) return whole;
  const notice = `_Report shortened to fit GitHub's limit; the full report is in ${fullReportPath ? `\`${escapeMarkdown(fullReportPath)}\`` : "the job's artifacts"}._`;
  const noticeSection: Section = { name: "notice", text: notice };
  let kept = [...sections];
  const fits = (list: Section[]) => join([...list, noticeSection]).length <= maxLength;
  // 1. Drop whole sections, lowest dropOrder first.
  const droppable = kept.filter((s) => s.dropOrder !== undefined).sort((a, b) => a.dropOrder! - b.dropOrder!);
  for (const section of droppable) {
    if (fits(kept)) break;
    kept = kept.filter((s) => s !== section);
  }
  // 2. Cut the new/fixed tables to the rows that fit (binary search on the row count).
  if (!fits(kept)) {
    kept = kept.map((s) => {
      if (!s.shrink) return s;
      const shrink = s.shrink;
      let lo = 0;
      let hi = 100_000;
      while (lo < hi) {
        const mid = Math.ceil((lo + hi) / 2);
        const trial = kept.map((k) => (k === s ? { ...k, text: shrink(mid) } : k));
        if (fits(trial)) lo = mid;
        else hi = mid - 1;
      }
      return { ...s, text: shrink(lo) };
    });
  }
  // 3. Drop sections from the end, keeping marker and headline.
  while (!fits(kept) && kept.length > 0 && !["marker", "headline"].includes(kept[kept.length - 1]!.name)) kept.pop();
  let out = join([...kept, noticeSection]);
  // 4. A limit too small even for that: cut at the limit (never exceed it).
  if (out.length > maxLength) out = out.slice(0, Math.max(0, maxLength));
  return out;
}
