/**
 * `opdeploy check --fix`: makes the safe fixes in the plan file, then checks it again. Safe means
 * the change is confined to what the finding is about: a declared total, a "*" narrowed to the
 * services already deployed before, a port no other service uses, `128m` of memory spelled
 * `128Mi`. Renames and guesses are only reported. Edits are splices of the values' source ranges
 * (core's applyFixes), so comments and formatting stay as written.
 */
import { writeFile } from "node:fs/promises";
import {
  applyFixes,
  checkPlanDocument,
  detectPlanFormat,
  type Finding,
  type Fix,
  isMarkdownPlan,
  MAX_PLAN_BYTES,
  PlanLoadError,
  quantitySpellingFixes,
  readBoundedFile,
  readPlanDocument,
} from "@openpolicy/core";
import { CliError, EXIT } from "../exit-codes.js";

/** Passes of fix-then-check: a fix can only make room for another (two fixes on one value). */
const MAX_PASSES = 3;

export interface FixOutcome {
  /** The fixes made, in order. */
  applied: Fix[];
  /** Fixes found but not made, with why. */
  skipped: { fix: Fix; reason: string }[];
  /** The findings of the final check. */
  findings: Finding[];
  /** The plan text as written at the end. */
  text: string;
}

async function readText(file: string): Promise<string> {
  const read = await readBoundedFile(file, MAX_PLAN_BYTES);
  if (!read.ok) throw new PlanLoadError([{ file, line: 1, column: 1, path: "", message: `cannot read plan: ${read.reason}` }]);
  return read.text;
}

/** `note` hears of fixes already written when the plan then fails to load (the quantity spelling is mended first). */
export async function fixPlanFile(file: string, note: (text: string) => void = () => {}): Promise<FixOutcome> {
  let text = await readText(file);
  if (isMarkdownPlan(text)) {
    throw new CliError(
      `opdeploy check --fix: ${file} is a Markdown plan; --fix edits YAML and JSON plans only (a Markdown plan's tables and prose have no one place a value lives). ` +
        "Run 'opdeploy check' to see each fix, or 'opdeploy import' to turn the document into a YAML plan.",
      EXIT.usage,
    );
  }
  const format = detectPlanFormat(text);
  const applied: Fix[] = [];
  // Memory in milli-bytes stops the plan loading at all, so it is mended first.
  const spelling = applyFixes(text, format, quantitySpellingFixes(text));
  if (spelling.applied.length > 0) {
    text = spelling.text;
    applied.push(...spelling.applied);
    await writeFile(file, text);
  }
  try {
    return await fixAndCheck(file, format, text, applied);
  } catch (error) {
    // The plan still does not load: say what was already written before the load errors.
    for (const fix of spelling.applied) note(`${file}: fixed: ${fix.description}`);
    throw error;
  }
}

async function fixAndCheck(file: string, format: "yaml" | "json", written: string, applied: Fix[]): Promise<FixOutcome> {
  let text = written;
  let skipped: FixOutcome["skipped"] = [];
  let findings: Finding[] = [];
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    findings = checkPlanDocument(await readPlanDocument(file));
    const safe = findings.flatMap((f) => (f.fix?.safe ? [f.fix] : []));
    const result = applyFixes(text, format, safe);
    skipped = result.skipped;
    if (result.applied.length === 0) break;
    text = result.text;
    applied.push(...result.applied);
    await writeFile(file, text);
    if (pass === MAX_PASSES - 1) findings = checkPlanDocument(await readPlanDocument(file));
  }
  return { applied, skipped, findings, text };
}
