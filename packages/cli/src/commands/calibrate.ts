/**
 * `opdeploy calibrate <plan> --from state.yaml`: the measured usage and observed start-up times
 * of a snapshot (`opdeploy snapshot`) written into the plan, each change shown as old → new on
 * stderr. The plan is edited in place (or written to -o), comments and layout kept; `--dry-run`
 * only shows the changes. Exit 0, 2 (a plan or state that cannot be read).
 */
import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { MAX_PLAN_BYTES, readBoundedFile } from "@openpolicy/core";
import type { Command } from "../command.js";
import { formatOption, singleArg } from "../command.js";
import { CliError, EXIT } from "../exit-codes.js";
import { loadKubernetes } from "../kube-connect.js";

async function readText(cwd: string, file: string, what: string): Promise<string> {
  const read = await readBoundedFile(resolve(cwd, file), MAX_PLAN_BYTES);
  if (!read.ok) throw new CliError(`opdeploy calibrate: cannot read ${what} ${file}: ${read.reason}`);
  return read.text;
}

export const calibrateCommand: Command = {
  name: "calibrate",
  summary: "Write measured usage and start-up times from a snapshot into the plan, showing old → new",
  args: "<plan> --from <state.yaml>",
  options: { from: { type: "string" }, output: { type: "string", short: "o" }, "dry-run": { type: "boolean" } },
  help: [
    "    --from STATE         a snapshot of the live namespace (opdeploy snapshot -o STATE)",
    "-o, --output FILE        write the calibrated plan there (default: edit the plan in place)",
    "    --dry-run            show the changes, write nothing",
    "-f, --format FORMAT      text (default: the changes on stderr) or json (also on stdout)",
  ],
  async run(parsed, io) {
    const format = formatOption(parsed, "calibrate", ["text", "json"] as const);
    const file = singleArg(parsed, "calibrate", "plan file");
    const from = parsed.values.from as string | undefined;
    if (!from) throw new CliError("opdeploy calibrate: missing --from STATE (a snapshot: opdeploy snapshot -o state.yaml)\nRun 'opdeploy calibrate --help' for usage.");
    const [planText, stateText] = await Promise.all([readText(io.cwd, file, "plan"), readText(io.cwd, from, "state")]);
    // calibratePlan lives with snapshot (the only thing that writes state files); it loads no client.
    const { calibratePlan } = await loadKubernetes();
    let result: ReturnType<typeof calibratePlan>;
    try {
      result = calibratePlan(planText, file, stateText, from);
    } catch (error) {
      if (error instanceof Error && error.name === "PlanLoadError") throw error;
      throw new CliError(`opdeploy calibrate: ${error instanceof Error ? error.message : String(error)}`);
    }
    for (const c of result.changes) io.err(`${c.service}: ${c.field} ${c.old} → ${c.new}`);
    if (result.unmeasured.length > 0) io.err(`not in the state (or not measured there): ${result.unmeasured.join(", ")}`);
    if (result.unknown.length > 0) io.err(`in the state, not in the plan: ${result.unknown.join(", ")}`);
    const target = (parsed.values.output as string | undefined) ?? file;
    const dryRun = parsed.values["dry-run"] === true;
    if (format === "json") {
      const written = dryRun || (result.changes.length === 0 && target === file) ? null : target;
      io.out(JSON.stringify({ plan: file, from, changes: result.changes, unmeasured: result.unmeasured, unknown: result.unknown, written }, null, 2));
    }
    if (dryRun) {
      io.err(`${result.changes.length} change(s); --dry-run: nothing written`);
      return EXIT.ok;
    }
    if (result.changes.length === 0 && target === file) {
      io.err(`${file} already matches ${from}: nothing to change`);
      return EXIT.ok;
    }
    await writeFile(resolve(io.cwd, target), result.text);
    io.err(`wrote ${target}: ${result.changes.length} change(s)`);
    return EXIT.ok;
  },
};
