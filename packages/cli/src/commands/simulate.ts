import { writeFile } from "node:fs/promises";
import { checkPlanDocument, type Finding, MAX_MANIFEST_BYTES, readBoundedFile, readPlanDocument } from "@openpolicy/core";
import {
  assessRisk,
  expectedDurationFindings,
  faultTargetProblems,
  formatPhaseDurations,
  formatRiskText,
  formatSimulationText,
  parseFault,
  parseFaults,
  phaseDurations,
  renderRiskMarkdown,
  renderSimulationHtml,
  renderSimulationMarkdown,
  simulate,
  type Fault,
  type SimulationResult,
} from "@openpolicy/simulator";
import type { Plan } from "@openpolicy/core";
import type { Io } from "../cli-io.js";
import type { Command, ParsedCommand } from "../command.js";
import { formatOption, intOption, singleArg } from "../command.js";
import { CliError, EXIT } from "../exit-codes.js";

async function readFaults(parsed: ParsedCommand, plan: Plan): Promise<Fault[]> {
  const faults: Fault[] = [];
  const problems: string[] = [];
  for (const spec of (parsed.values.fault as string[] | undefined) ?? []) {
    try {
      faults.push(parseFault(spec));
    } catch (error) {
      problems.push(`--fault ${spec}: ${(error as Error).message}`);
    }
  }
  const file = parsed.values.faults as string | undefined;
  if (file) {
    // A regular file of sane size: not a pipe that never ends.
    const read = await readBoundedFile(file, MAX_MANIFEST_BYTES);
    if (!read.ok) throw new CliError(`opdeploy simulate: cannot read faults file ${file}: ${read.reason}`);
    try {
      faults.push(...parseFaults(read.text, file));
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  // A typo in a target would otherwise inject nothing and the rehearsal would "succeed".
  if (problems.length === 0) problems.push(...faultTargetProblems(faults, plan));
  if (problems.length > 0) throw new CliError(`opdeploy simulate: bad faults\n${problems.join("\n")}`);
  return faults;
}

/**
 * `--on kind`: the rehearsal on a throw-away kind cluster. The Kubernetes module (and
 * testcontainers) load only here. No Docker engine is unusable input (exit 2), said plainly.
 */
async function simulateOnKindOrExplain(plan: Plan, io: Io): Promise<SimulationResult> {
  const k8s = await import("@openpolicy/simulator/kubernetes");
  const docker = await k8s.dockerAvailable();
  if (!docker.ok) throw new CliError(`opdeploy simulate: no Docker engine: ${docker.reason}\n--on kind starts a kind cluster in Docker; without one, run 'opdeploy simulate' on the simulated cluster.`, EXIT.usage);
  try {
    return await k8s.simulateOnKind(plan, {
      log: (line) => io.err(line),
      onStep: (update) => io.err(`${update.service}: ${update.status}${update.message ? ` (${update.message})` : ""}`),
    });
  } catch (error) {
    if (error instanceof k8s.KindUnavailableError) throw new CliError(`opdeploy simulate: no Docker engine: ${error.message}`, EXIT.usage);
    // Docker answered but the throwaway cluster could not be made: a cluster problem (its step and logs named).
    if (error instanceof k8s.KindSetupError) throw new CliError(`opdeploy simulate: ${error.message}`, EXIT.cluster);
    throw error;
  }
}

/** The expected-vs-rehearsed table and, for each phase outside its range, why (expected-durations.ts). */
function expectedDurationsText(plan: Plan, result: SimulationResult): string {
  const table = formatPhaseDurations(phaseDurations(plan, result));
  const causes = expectedDurationFindings(plan, result).map((f) => `  ${f.message}`);
  return [table, ...causes].filter(Boolean).join("\n");
}

export const simulateCommand: Command = {
  name: "simulate",
  summary: "Rehearse the rollout on a simulated cluster (or a throwaway kind cluster)",
  args: "<plan>",
  options: {
    seed: { type: "string" },
    runs: { type: "string" },
    workers: { type: "string" },
    fault: { type: "string", multiple: true },
    faults: { type: "string" },
    from: { type: "string" },
    strict: { type: "boolean" },
    output: { type: "string", short: "o" },
    on: { type: "string" },
  },
  help: [
    "-f, --format FORMAT      text (default), json, markdown or html",
    "    --seed N             seed for start-up jitter (default 1); same seed, same result",
    "    --runs N             run N seeds and report success probability and makespan p50/p95",
    "    --workers N          threads for --runs (default: one per core, at most 8, with ≥ 200 runs each); same result",
    "    --fault SPEC         inject a fault (repeatable), e.g. crash:rabbitmq@300s — see docs/simulator.md",
    "    --faults FILE        faults from a YAML/JSON file",
    "    --from PLAN          start from a running older revision (an upgrade)",
    "    --strict             refuse to simulate a plan with check errors (exit 1)",
    "    --on kind            rehearse on a throwaway kind cluster instead (needs Docker)",
    "-o, --output FILE        write the report to FILE instead of stdout",
  ],
  async run(parsed, io) {
    const format = formatOption(parsed, "simulate", ["text", "json", "markdown", "html"] as const);
    const file = singleArg(parsed, "simulate", "plan file");
    const seed = intOption(parsed, "simulate", "seed", 1);
    const runs = intOption(parsed, "simulate", "runs", 1, 1);
    const workers = parsed.values.workers === undefined ? undefined : intOption(parsed, "simulate", "workers", 1, 1);
    if (parsed.values.on !== undefined && parsed.values.on !== "kind") {
      throw new CliError(`opdeploy simulate: --on must be "kind" (got "${String(parsed.values.on)}")`);
    }
    const doc = await readPlanDocument(file);
    const from = parsed.values.from ? (await readPlanDocument(parsed.values.from as string)).plan : undefined;
    const faults = await readFaults(parsed, doc.plan);
    const findings: Finding[] = checkPlanDocument(doc);
    const errors = findings.filter((f) => f.severity === "error");
    if (parsed.values.strict && errors.length > 0) {
      io.err(`opdeploy simulate: --strict: the plan has ${errors.length} check error(s); run 'opdeploy check ${file}'`);
      return EXIT.failed;
    }
    if (errors.length > 0 && format === "text") {
      io.err(`note: the plan has ${errors.length} check error(s); simulating anyway (use --strict to refuse)`);
    }
    const emit = async (text: string): Promise<void> => {
      const out = parsed.values.output as string | undefined;
      if (out) {
        await writeFile(out, text.endsWith("\n") ? text : `${text}\n`);
        io.err(`wrote ${out}`);
      } else io.out(text);
    };
    // The same reports for a simulated and a kind rehearsal (same SimulationResult shape).
    const report = async (result: SimulationResult): Promise<void> => {
      // The plan's expected: durations against this rehearsal (docs/preflight.md): warnings beside check's findings.
      const all = [...findings, ...expectedDurationFindings(doc.plan, result)];
      if (format === "json") await emit(JSON.stringify({ ...result, findings: all, expectedDurations: phaseDurations(doc.plan, result) }, null, 2));
      else if (format === "markdown") await emit(renderSimulationMarkdown(result, { findings: all, planFile: file }));
      else if (format === "html") await emit(renderSimulationHtml(result, { findings: all, title: doc.plan.name }));
      else await emit([formatSimulationText(result, { color: io.color }), expectedDurationsText(doc.plan, result)].filter(Boolean).join("\n\n"));
    };

    if (parsed.values.on === "kind") {
      if (runs > 1 || faults.length > 0 || from) {
        throw new CliError("opdeploy simulate: --on kind runs the plan once, as it is: --runs, --fault/--faults and --from are for the simulated cluster");
      }
      const result = await simulateOnKindOrExplain(doc.plan, io);
      await report(result);
      return result.verdict === "succeeded" ? EXIT.ok : EXIT.failed;
    }

    if (runs > 1) {
      const risk = await assessRisk(doc.plan, { runs, seed0: seed, faults, ...(from ? { from } : {}), ...(workers !== undefined ? { workers } : {}) });
      if (format === "json") await emit(JSON.stringify(risk, null, 2));
      else if (format === "markdown" || format === "html") await emit(renderRiskMarkdown(risk));
      else await emit(formatRiskText(risk));
      return risk.succeeded === risk.runs ? EXIT.ok : EXIT.failed;
    }

    const result = await simulate(doc.plan, { seed, faults, ...(from ? { from } : {}), manifests: doc.manifests });
    await report(result);
    return result.verdict === "succeeded" ? EXIT.ok : EXIT.failed;
  },
};
