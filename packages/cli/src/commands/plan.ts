import { formatTotalsMarkdown, formatTotalsText, planTotals, totalsToJson } from "@openpolicy/core";
import type { Command } from "../command.js";
import { formatOption, singleArg } from "../command.js";
import { EXIT } from "../exit-codes.js";
import { loadPlan } from "../plan-input.js";

export const planCommand: Command = {
  name: "plan",
  summary: "Show resources per phase and batch, cumulative totals and gate margins",
  args: "<plan>",
  options: { optimize: { type: "boolean" } },
  help: [
    "-f, --format FORMAT      text (default), json or markdown",
    "    --optimize           derive phases and batches that pass every gate with the shortest simulated rollout",
  ],
  async run(parsed, io) {
    const format = formatOption(parsed, "plan", ["text", "json", "markdown"] as const);
    const file = singleArg(parsed, "plan", "plan file");
    const doc = await loadPlan(file, io);
    const totals = planTotals(doc.plan);
    if (format === "json") io.out(JSON.stringify(totalsToJson(totals), null, 2));
    else if (format === "markdown") io.out(formatTotalsMarkdown(totals));
    else io.out(formatTotalsText(totals, { color: io.color }));
    return EXIT.ok;
  },
};
