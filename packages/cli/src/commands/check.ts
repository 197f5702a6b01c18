import { checkPlanDocument, findingsToJson, findingsToSarif, formatFindingsText, type Finding, readPlanDocument } from "@openpolicy/core";
import type { Command } from "../command.js";
import { formatOption, singleArg } from "../command.js";
import { EXIT } from "../exit-codes.js";
import { VERSION } from "../version.js";

export const checkCommand: Command = {
  name: "check",
  summary: "Check a plan for ordering, port, capacity, budget and gate problems",
  args: "<plan>",
  options: {},
  help: ["-f, --format FORMAT      text (default), json or sarif"],
  async run(parsed, io) {
    const format = formatOption(parsed, "check", ["text", "json", "sarif"] as const);
    const file = singleArg(parsed, "check", "plan file");
    const doc = await readPlanDocument(file);
    const findings: Finding[] = checkPlanDocument(doc);
    if (format === "json") io.out(JSON.stringify(findingsToJson(findings), null, 2));
    else if (format === "sarif") io.out(JSON.stringify(findingsToSarif(findings, { toolVersion: VERSION }), null, 2));
    else io.out(formatFindingsText(findings, { color: io.color }));
    return findings.some((f) => f.severity === "error") ? EXIT.failed : EXIT.ok;
  },
};
