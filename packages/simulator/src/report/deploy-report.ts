/**
 * The Markdown report of a deploy or rollback (the Action's job summary, `opdeploy deploy -f
 * markdown`): what ran (plan, namespace, revision), each phase's steps and gate, the failure with
 * why it failed (pod events, log tails), the automatic rollback, the rehearsal beside what
 * happened, the verdict. Built only from the rollout's result and the plan — never from the
 * kubeconfig — so no token, certificate or server URL can reach it.
 */
import type { PodDiagnosis, SimulationResult, StepResult } from "../engine/result.js";
import type { DeployResult } from "../deploy/deploy-plan.js";
import type { RollbackOutcome } from "../deploy/rollback-plan.js";
import type { PhaseComparison } from "./compare-rollouts.js";
import { describeGateOutcome } from "./timeline.js";

export interface DeployReportContext {
  planFile: string;
  planName: string;
  namespace: string;
  footer: string;
}

const VERDICT_ICONS: Record<string, string> = { succeeded: "✅", "rolled-back": "↩️", failed: "❌", interrupted: "⏸️" };

/** Markdown table cells: no pipes or newlines from service names or server messages. */
function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

function stepText(step: StepResult): string {
  const mark = step.status === "succeeded" ? "✓" : step.status === "resumed" ? "✓ (resumed)" : step.status;
  return `${step.service} ${mark}`;
}

export function renderDeployReport(context: DeployReportContext, deployed: DeployResult): string {
  const lines: string[] = [];
  const icon = VERDICT_ICONS[deployed.verdict] ?? "";
  const what = deployed.dryRun ? "deploy (server-side dry run)" : "deploy";
  lines.push(`### opdeploy ${what} of \`${context.planFile}\`: ${icon} ${deployed.verdict}`, "");
  const facts = [`plan \`${context.planName}\``, `namespace \`${context.namespace}\``];
  if (deployed.revision !== undefined) facts.push(`revision ${deployed.revision}`);
  if (deployed.resumed.length > 0) facts.push(`resumed after ${deployed.resumed.length} completed step(s): ${deployed.resumed.join(", ")}`);
  lines.push(facts.join(" · "), "");
  if (deployed.dryRun) {
    const objects = deployed.objects ?? [];
    lines.push(`The API server accepted ${objects.length} object(s) with \`dryRun=All\`; nothing was changed and no revision was recorded.`, "");
    if (objects.length > 0) lines.push(...objects.map((o) => `- \`${o}\``), "");
  }
  if (deployed.verdict === "interrupted") {
    lines.push(`Interrupted (the workflow was cancelled): revision ${deployed.revision ?? "?"} keeps its completed steps; the next deploy of this plan resumes it.`, "");
  }
  if (deployed.result) lines.push(...resultSection(deployed.result));
  if (deployed.result?.failure?.diagnosis) lines.push(...diagnosisSection(deployed.result.failure.diagnosis));
  if (deployed.comparison) lines.push(...comparisonSection(deployed.comparison));
  lines.push(context.footer);
  return `${lines.join("\n")}\n`;
}

function resultSection(result: SimulationResult): string[] {
  const lines = ["| Phase | Status | Steps | Gate |", "| --- | --- | --- | --- |"];
  for (const phase of result.phases) {
    const gate = phase.gate ? (phase.gate.checks.length ? phase.gate.checks.map(describeGateOutcome).join("<br>") : phase.gate.passed ? "passed" : "FAILED") : "—";
    const steps = phase.steps.map(stepText).join(", ");
    lines.push(`| ${cell(phase.name)} | ${phase.status} | ${cell(steps)} | ${cell(gate)} |`);
  }
  lines.push("");
  if (result.failure) {
    lines.push(`**Failure** (${result.failure.reason}${result.failure.service ? `, \`${result.failure.service}\`` : ""}${result.failure.phase ? `, phase ${result.failure.phase}` : ""}): ${cell(result.failure.message)}`, "");
  }
  const failedSteps = result.phases.flatMap((p) => p.steps).filter((s) => s.status === "failed" && s.message);
  for (const step of failedSteps) lines.push(`- \`${step.service}\` failed: ${cell(step.message!)}`);
  if (failedSteps.length > 0) lines.push("");
  if (result.rollback) {
    const services = result.rollback.services.map((s) => `${s.action} \`${s.service}\`${s.ok ? "" : " (did not settle)"}`).join(", ");
    lines.push(`**Automatic rollback** (scope ${result.rollback.scope}): ${services || "nothing to undo"} — ${result.rollback.completed ? "completed" : "**not completed**"}.`, "");
  }
  return lines;
}

/** The failing pods: state, last events, log tails in a collapsed block (already redacted). */
function diagnosisSection(pods: readonly PodDiagnosis[]): string[] {
  const lines = ["**Why it failed**", ""];
  for (const pod of pods) {
    lines.push(`- pod \`${pod.pod}\`: ${pod.phase}${pod.reason ? ` (${cell(pod.reason)})` : ""}, ${pod.restarts} restart${pod.restarts === 1 ? "" : "s"}${pod.message ? ` — ${cell(pod.message)}` : ""}`);
    for (const event of pod.events) lines.push(`  - ${cell(event)}`);
    for (const log of pod.logs ?? []) {
      const tail = [...(log.previous.length ? ["# previous instance", ...log.previous] : []), ...(log.current.length ? ["# current instance", ...log.current] : [])];
      if (tail.length === 0) continue;
      lines.push("", `<details><summary>${log.container}: last log lines</summary>`, "", "```text", ...tail.map((l) => l.replace(/```/g, "ʼʼʼ")), "```", "", "</details>");
    }
  }
  lines.push("");
  return lines;
}

/** Per phase: rehearsed and observed duration, and each gate's two readings. */
function comparisonSection(rows: readonly PhaseComparison[]): string[] {
  const seconds = (s: number | undefined) => (s === undefined ? "—" : `${Math.round(s)} s`);
  const lines = ["**Rehearsal vs deploy**", "", "| Phase | Rehearsed | Observed | Gates (rehearsed / observed) |", "| --- | --- | --- | --- |"];
  for (const row of rows) {
    const gates = row.gates.map((g) => `${g.metric} by ${g.by} ${g.rehearsed ?? "—"}% / ${g.observed ?? "—"}%`).join("<br>") || "—";
    lines.push(`| ${cell(row.phase)} | ${seconds(row.rehearsedSeconds)} | ${seconds(row.observedSeconds)} | ${cell(gates)} |`);
  }
  lines.push("");
  return lines;
}

export function renderRollbackReport(context: DeployReportContext, outcome: RollbackOutcome): string {
  const icon = VERDICT_ICONS[outcome.verdict] ?? "";
  const lines = [`### opdeploy rollback of \`${context.planFile}\`: ${icon} ${outcome.verdict}`, ""];
  const target = outcome.to !== undefined ? `to revision ${outcome.to}` : "to nothing (no earlier deployed revision: the plan's services were removed, volumes kept)";
  lines.push(
    [`plan \`${context.planName}\``, `namespace \`${context.namespace}\``, `from revision ${outcome.from} ${target}`, ...(outcome.revision !== undefined ? [`recorded as revision ${outcome.revision}`] : [])].join(" · "),
    "",
  );
  if (outcome.services.length > 0) {
    lines.push("| Service | Action | Settled |", "| --- | --- | --- |");
    for (const s of outcome.services) lines.push(`| ${cell(s.service)} | ${s.action} | ${s.ok ? "yes" : "**no**"} |`);
    lines.push("");
  }
  lines.push(context.footer);
  return `${lines.join("\n")}\n`;
}
