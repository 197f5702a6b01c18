/** Shared wording for finding messages: amounts, percentages of allocatable, name suggestions. */
import { formatBytes, formatMillicores, percent } from "../quantity/index.js";
import { stringify } from "yaml";
import type { PathSegment } from "../plan/locate.js";
import { quantityFromBytes, quantityFromMillis } from "../quantity/index.js";
import type { Finding, FixEdit, RuleId } from "./finding.js";
import { RULES } from "./finding.js";

export function memory(bytes: number): string {
  return formatBytes(bytes);
}

/** "2,750m", or "16 cores" where formatMillicores prints bare cores. */
export function cpu(millicores: number): string {
  const text = formatMillicores(millicores);
  if (text.endsWith("m") || text === "0") return text;
  return text === "1" ? "1 core" : `${text} cores`;
}

/** "71.9%" of a non-zero whole; with no allocatable at all, says so instead of dividing by zero. */
export function share(part: number, whole: number): string {
  return whole > 0 ? percent(part, whole) : "an unbounded share";
}

export function list(names: readonly string[]): string {
  if (names.length <= 1) return names.join("");
  return `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

/** Names for a message: all of a few, or the first `shown` and how many in all (a finding may name thousands). */
export function firstFew(names: readonly string[], shown = 5): string {
  return names.length <= shown ? list(names) : `${names.slice(0, shown).join(", ")}, … (${names.length} in all)`;
}

/** A finding with the rule's severity filled in from RULES. */
export function makeFinding(rule: RuleId, fields: Omit<Finding, "rule" | "severity">): Finding {
  const finding: Finding = {
    rule,
    severity: RULES[rule].severity,
    message: fields.message,
    services: fields.services,
    location: fields.location,
  };
  if (fields.phase !== undefined) finding.phase = fields.phase;
  if (fields.fix !== undefined) finding.fix = fields.fix;
  return finding;
}

/** An amount of memory as a Kubernetes quantity the plan accepts back: 1152Mi, never "1,152Mi". */
export function memoryQuantity(bytes: number): string {
  return quantityFromBytes(bytes).toString();
}

/** Millicores as a Kubernetes quantity: 600m, or 2 for whole cores. */
export function cpuQuantity(millicores: number): string {
  return quantityFromMillis(millicores).toString();
}

/**
 * The smallest whole percent of `whole` that `used` fits under (the threshold a gate or budget
 * would need), or undefined when even 100% is not enough.
 */
export function percentNeeded(used: number, whole: number): number | undefined {
  if (whole <= 0) return undefined;
  const needed = Math.ceil((used * 100) / whole);
  return needed <= 100 ? needed : undefined;
}

/** `key: value` as plan (YAML) text on one line: lists in flow style, names quoted only when YAML needs it. */
export function fieldText(key: string | number, value: string | number | string[]): string {
  return `${String(key)}: ${stringify(value, { collectionStyle: "flow", flowCollectionPadding: false, lineWidth: 0 }).trim()}`;
}

/** The edit setting one field, with its plan text. */
export function setField(path: PathSegment[], value: string | number | string[]): FixEdit {
  return { path, value, text: fieldText(path[path.length - 1]!, value) };
}
