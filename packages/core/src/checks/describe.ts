/** Shared wording for finding messages: amounts, percentages of allocatable, name suggestions. */
import { formatBytes, formatMillicores, percent } from "../quantity/index.js";
import type { Finding, RuleId } from "./finding.js";
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
  return finding;
}

/** The closest known name, when close enough to be a likely typo (edit distance ≤ 1/3 of its length, at most 3). */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.min(3, Math.max(1, Math.floor(name.length / 3)));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate === name) continue;
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= limit ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
