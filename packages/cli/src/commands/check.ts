import {
  checkPlanDocument,
  detectPlanFormat,
  editLocator,
  type EditLocator,
  findingsToJson,
  findingsToSarif,
  fixToJson,
  formatFindingsText,
  type Finding,
  type PlanDocument,
  readPlanDocument,
} from "@openpolicy/core";
import type { Command } from "../command.js";
import { formatOption, singleArg } from "../command.js";
import { EXIT } from "../exit-codes.js";
import { VERSION } from "../version.js";
import { fixPlanFile, type FixOutcome } from "./check-fix.js";

export const checkCommand: Command = {
  name: "check",
  summary: "Check a plan for ordering, port, capacity, budget and gate problems",
  args: "<plan>",
  options: { fix: { type: "boolean" } },
  help: [
    "-f, --format FORMAT      text (default), json or sarif",
    "    --fix                write the safe fixes into the plan (YAML/JSON), keeping comments; then check again",
  ],
  async run(parsed, io) {
    const format = formatOption(parsed, "check", ["text", "json", "sarif"] as const);
    const file = singleArg(parsed, "check", "plan file");
    let findings: Finding[];
    let outcome: FixOutcome | undefined;
    let locate: EditLocator | undefined;
    if (parsed.values.fix === true) {
      outcome = await fixPlanFile(file, (text) => io.err(text));
      findings = outcome.findings;
      locate = editLocator(outcome.text, detectPlanFormat(outcome.text));
    } else {
      const doc = await readPlanDocument(file);
      findings = checkPlanDocument(doc);
      locate = fixLocator(doc, findings);
    }
    if (format === "json") {
      const report = findingsToJson(findings, locate ? { locate } : {});
      io.out(JSON.stringify(outcome ? { ...report, fixed: outcome.applied.map((f) => fixToJson(f)), notFixed: outcome.skipped.map((s) => ({ ...fixToJson(s.fix), reason: s.reason })) } : report, null, 2));
    } else if (format === "sarif") {
      io.out(JSON.stringify(findingsToSarif(findings, { toolVersion: VERSION, ...(locate ? { locate } : {}) }), null, 2));
    } else {
      if (outcome) io.out(describeOutcome(file, outcome));
      io.out(formatFindingsText(findings, { color: io.color }));
    }
    if (outcome && format !== "text") io.err(describeOutcome(file, outcome));
    return findings.some((f) => f.severity === "error") ? EXIT.failed : EXIT.ok;
  },
};

/** Regions for fixes come from the plan text (YAML/JSON only); parsed only when some finding has a fix. */
function fixLocator(doc: PlanDocument, findings: readonly Finding[]): EditLocator | undefined {
  if (doc.plan.format === "markdown" || !findings.some((f) => f.fix)) return undefined;
  return doc.locateEdit ?? editLocator(doc.text, doc.plan.format);
}

function describeOutcome(file: string, outcome: FixOutcome): string {
  const lines = outcome.applied.length === 0 ? [`${file}: nothing to fix automatically.`] : [`${file}: fixed ${outcome.applied.length}:`];
  for (const fix of outcome.applied) lines.push(`  fixed: ${fix.description}`);
  for (const { fix, reason } of outcome.skipped) lines.push(`  not fixed: ${fix.description} (${reason})`);
  lines.push(outcome.findings.length === 0 ? "Checked again: no findings." : `Checked again: ${outcome.findings.length} finding${outcome.findings.length === 1 ? "" : "s"} left.`);
  return lines.join("\n");
}
