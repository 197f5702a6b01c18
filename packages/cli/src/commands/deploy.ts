import { checkPlanDocument, readPlanDocument } from "@openpolicy/core";
import { deployGuard, formatPhaseDurations, phaseDurations } from "@openpolicy/simulator";
import type { Plan } from "@openpolicy/core";
import type { PhaseComparison, SimulationResult } from "@openpolicy/simulator";
import { formatComparisonText, formatDiagnosisText } from "@openpolicy/simulator";
import type { Command, ParsedCommand } from "../command.js";
import { formatOption, intOption, singleArg } from "../command.js";
import { CliError, EXIT } from "../exit-codes.js";
import { KUBE_HELP, KUBE_OPTIONS, clusterFailure, connectCluster, endpointResolver, parseEndpoints, withInterrupt } from "../kube-connect.js";
import { createProgress } from "../progress.js";
import { preflightBeforeDeploy } from "./preflight.js";

/** `--phase` by name, or by 1-based number when no phase has that name. */
function phaseName(plan: Plan, raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  if (plan.phases.some((p) => p.name === raw)) return raw;
  if (/^\d+$/.test(raw) && Number(raw) >= 1 && Number(raw) <= plan.phases.length) return plan.phases[Number(raw) - 1]!.name;
  throw new CliError(`opdeploy deploy: --phase: the plan has no phase "${raw}" (phases: ${plan.phases.map((p, i) => `${i + 1} ${p.name}`).join(", ")})`);
}

/** The command line to run again, for the "resume" hint. */
function sameCommand(parsed: ParsedCommand, file: string): string {
  const parts = ["opdeploy deploy", file];
  for (const key of ["kubeconfig", "context", "namespace", "phase", "settle"]) {
    const value = parsed.values[key];
    if (typeof value === "string") parts.push(`--${key} ${value}`);
  }
  for (const endpoint of (parsed.values.endpoint as string[] | undefined) ?? []) parts.push(`--endpoint ${endpoint}`);
  if (parsed.values["no-traffic"] === true) parts.push("--no-traffic");
  if (parsed.values["skip-preflight"] === true) parts.push("--skip-preflight");
  return parts.join(" ");
}

function summaryText(verdict: string, revision: number | undefined, result: SimulationResult | undefined, resumed: string[], comparison?: PhaseComparison[]): string {
  const lines = [`deploy ${verdict}${revision !== undefined ? ` — revision ${revision}` : ""}${resumed.length ? ` (resumed; already done: ${resumed.join(", ")})` : ""}`];
  if (result) {
    lines.push(`duration ${result.durationSeconds.toFixed(0)} s`);
    for (const phase of result.phases) {
      const steps = phase.steps.map((s) => `${s.service}${s.status === "succeeded" ? "" : ` (${s.status})`}`).join(", ");
      const gate = phase.gate ? ` gate ${phase.gate.passed ? "passed" : "failed"}` : "";
      lines.push(`  ${phase.status.padEnd(11)} ${phase.name}${gate}: ${steps}`);
    }
    if (result.failure) lines.push(`failure: ${result.failure.reason}: ${result.failure.message}`);
    if (result.rollback) {
      const r = result.rollback;
      lines.push(`rollback (${r.scope}) ${r.completed ? "completed" : "did NOT complete"} in ${Math.round(r.endedAt - r.startedAt)} s:`);
      for (const s of r.services) lines.push(`  ${s.ok ? "ok  " : "FAIL"} ${s.service}: ${s.action}`);
    }
    if (result.failure?.diagnosis && result.failure.service) lines.push("why it failed:", formatDiagnosisText(result.failure.service, result.failure.diagnosis));
  }
  if (comparison) lines.push(formatComparisonText(comparison));
  return lines.join("\n");
}

export const deployCommand: Command = {
  name: "deploy",
  summary: "Carry out the plan on a real cluster, phase by phase, with gates and automatic rollback",
  args: "<plan>",
  options: {
    ...KUBE_OPTIONS,
    phase: { type: "string" },
    "dry-run": { type: "boolean" },
    settle: { type: "string" },
    endpoint: { type: "string", multiple: true },
    "no-traffic": { type: "boolean" },
    force: { type: "boolean" },
    "skip-preflight": { type: "boolean" },
  },
  help: [
    "-f, --format FORMAT      text (default) or json",
    ...KUBE_HELP,
    "    --phase NAME|N       deploy only this phase (earlier phases must be deployed already)",
    "    --dry-run            send every object as a server-side dry run (dryRun=All); nothing changes",
    "    --settle S           seconds to watch the rollback triggers at the end of each phase (default 30)",
    "    --endpoint S=H:P     reach service S at host:port for validation and trigger traffic (repeatable);",
    "                         other services through a port-forward to a Ready pod",
    "    --no-traffic         send no synthetic probes: the latency and error-rate triggers get no data",
    "    --force              deploy although `opdeploy check` reports errors (the Action's `force` input)",
    "    --skip-preflight     do not run `opdeploy preflight` against the live cluster first",
  ],
  async run(parsed, io) {
    const format = formatOption(parsed, "deploy", ["text", "json"] as const);
    const file = singleArg(parsed, "deploy", "plan file");
    const settle = parsed.values.settle !== undefined ? intOption(parsed, "deploy", "settle", 30) : undefined;
    const doc = await readPlanDocument(file);
    const phase = phaseName(doc.plan, parsed.values.phase as string | undefined);
    const guard = deployGuard(checkPlanDocument(doc), { force: parsed.values.force === true });
    if (!guard.allowed) {
      throw new CliError(`opdeploy deploy: refusing to deploy ${file}: ${guard.reasons.join(", ")} (run \`opdeploy check ${file}\` to see them; --force deploys anyway); the cluster was not touched`, EXIT.failed);
    }
    if (guard.forced) io.err(`opdeploy deploy: warning: deploying despite ${guard.reasons.join(", ")} (--force)`);
    const dryRun = parsed.values["dry-run"] === true;
    const endpoints = parseEndpoints("deploy", parsed, doc.plan);
    const noTraffic = parsed.values["no-traffic"] === true;
    const { k8s, cluster, redact } = await connectCluster("deploy", parsed, doc.plan, io, (k8s) => ({
      ...(endpoints.size > 0 ? { resolveEndpoint: endpointResolver(k8s, endpoints) } : {}),
      ...(noTraffic ? { trafficMetrics: false as const } : {}),
    }));
    const progress = createProgress(io);
    try {
      // Preflight (docs/preflight.md): after the guard, before anything is applied; read-only.
      if (parsed.values["skip-preflight"] !== true && !(await preflightBeforeDeploy(k8s, cluster, doc.plan, io, redact, dryRun, phase, doc.manifests))) {
        throw new CliError(`opdeploy deploy: refusing to deploy ${file}: preflight found blocking problems (above; --skip-preflight deploys anyway); nothing was applied`, EXIT.failed);
      }
      const outcome = await withInterrupt(io, "opdeploy deploy: interrupted; stopping at the next step boundary (Ctrl-C again to exit at once)", (signal) =>
        k8s.deployPlan(doc.plan, {
          cluster,
          manifests: doc.manifests,
          dryRun,
          signal,
          ...(phase !== undefined ? { phase } : {}),
          ...(settle !== undefined ? { settleSeconds: settle } : {}),
          onProgress: (p) => progress.update(redact(p.message), { lasting: p.kind !== "step" && p.kind !== "dry-run" }),
        }),
      );
      progress.done();
      if (outcome.verdict === "interrupted") {
        io.err(
          [
            `opdeploy deploy: interrupted at a step boundary; revision ${outcome.revision} keeps its completed steps.`,
            `To resume, run the same command again: ${sameCommand(parsed, file)}`,
          ].join("\n"),
        );
      }
      const { result } = outcome;
      if (format === "json") {
        const json = {
          ...(result ?? {}),
          verdict: outcome.verdict,
          plan: outcome.plan,
          namespace: cluster.namespace,
          revision: outcome.revision ?? null,
          resumed: outcome.resumed,
          dryRun: outcome.dryRun,
          ...(outcome.objects ? { objects: outcome.objects } : {}),
          // The rehearsal of the same rollout beside what happened, per phase (compare-rollouts.ts).
          ...(outcome.comparison ? { rehearsed: outcome.comparison } : {}),
          // The plan's expected: per phase beside the rehearsal and what happened (expected-durations.ts).
          ...(result && outcome.rehearsal ? { expectedDurations: phaseDurations(doc.plan, outcome.rehearsal, result) } : {}),
        };
        io.out(redact(JSON.stringify(json, null, 2)));
      } else if (outcome.dryRun) {
        io.out([`dry run: the API server accepted ${outcome.objects?.length ?? 0} object(s) in namespace ${cluster.namespace}; nothing was changed`, ...(outcome.objects ?? []).map((o) => `  ${o}`)].join("\n"));
      } else {
        io.out(redact(summaryText(outcome.verdict, outcome.revision, result, outcome.resumed, outcome.comparison)));
        const durations = result && outcome.rehearsal ? formatPhaseDurations(phaseDurations(doc.plan, outcome.rehearsal, result)) : "";
        if (durations) io.out(durations);
      }
      if (outcome.verdict === "interrupted") return EXIT.interrupted;
      return outcome.verdict === "succeeded" ? EXIT.ok : EXIT.failed;
    } catch (error) {
      progress.done();
      if (error instanceof Error && error.name === "PhasePrerequisiteError") throw new CliError(`opdeploy ${error.message}`, EXIT.failed);
      throw clusterFailure("deploy", error, k8s, redact);
    } finally {
      await cluster.close();
    }
  },
};
