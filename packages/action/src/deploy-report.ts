/**
 * The job summary of a deploy or rollback: what ran (plan, namespace, revision), each phase's
 * steps and gate, the failure and the automatic rollback, the verdict. Built only from the
 * rollout's result and the plan — never from the kubeconfig — so no token, certificate or server
 * URL can reach it.
 */
import type { SimulationResult, StepResult } from "@openpolicy/simulator";
import type { DeployResult, RollbackOutcome } from "@openpolicy/simulator/kubernetes";
import { describeGateCheck } from "./deploy-log.js";

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
  lines.push(context.footer);
  return `${lines.join("\n")}\n`;
}

function resultSection(result: SimulationResult): string[] {
  const lines = ["| Phase | Status | Steps | Gate |", "| --- | --- | --- | --- |"];
  for (const phase of result.phases) {
    const gate = phase.gate ? (phase.gate.checks.length ? phase.gate.checks.map(describeGateCheck).join("<br>") : phase.gate.passed ? "passed" : "FAILED") : "—";
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
