import { writeFile } from "node:fs/promises";
import { formatTotalsMarkdown, formatTotalsText, planTotals, totalsToJson, readPlanDocument } from "@openpolicy/core";
import type { Command } from "../command.js";
import { formatOption, singleArg } from "../command.js";
import { CliError, EXIT } from "../exit-codes.js";

export const planCommand: Command = {
  name: "plan",
  summary: "Show resources per phase and batch, cumulative totals and gate margins",
  args: "<plan>",
  options: { optimize: { type: "boolean" }, "merge-phases": { type: "boolean" }, output: { type: "string", short: "o" } },
  help: [
    "-f, --format FORMAT      text (default), json or markdown",
    "    --optimize           derive phases and batches that pass every gate with the shortest simulated rollout",
    "    --merge-phases       with --optimize: let phases merge (faster, but fewer gates and a coarser rollback)",
    "-o, --output FILE        with --optimize: write the optimized plan as YAML to FILE",
  ],
  async run(parsed, io) {
    const format = formatOption(parsed, "plan", ["text", "json", "markdown"] as const);
    const file = singleArg(parsed, "plan", "plan file");
    const output = parsed.values.output as string | undefined;
    if (output !== undefined && !parsed.values.optimize) throw new CliError("opdeploy plan: -o/--output goes with --optimize (it writes the optimized plan)");
    const doc = await readPlanDocument(file);
    if (parsed.values.optimize) {
      const { optimizePlan, formatOptimizeText, renderOptimizeMarkdown, optimizeToJson, planToYaml } = await import("@openpolicy/simulator");
      const result = await optimizePlan(doc.plan, { mergePhases: parsed.values["merge-phases"] === true });
      if (format === "json") io.out(JSON.stringify(optimizeToJson(result), null, 2));
      else if (format === "markdown") io.out(renderOptimizeMarkdown(result));
      else io.out(formatOptimizeText(result));
      if (output !== undefined) {
        const comment = `Optimized by 'opdeploy plan ${file} --optimize' from ${file}.\nSame services and settings; phases and batches re-derived.`;
        await writeFile(output, planToYaml(result.optimized, { comment }));
        io.err(`wrote ${output}`);
      }
      // Exit 1 when even the optimized order still breaks a constraint (listed in the report).
      return result.violations.length > 0 ? EXIT.failed : EXIT.ok;
    }
    const totals = planTotals(doc.plan);
    if (format === "json") io.out(JSON.stringify(totalsToJson(totals), null, 2));
    else if (format === "markdown") io.out(formatTotalsMarkdown(totals));
    else io.out(formatTotalsText(totals, { color: io.color }));
    return EXIT.ok;
  },
};
