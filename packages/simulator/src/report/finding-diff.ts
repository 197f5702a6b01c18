/**
 * Which findings a change introduced and which it fixed. Two findings are the same when rule,
 * services (as a set) and message match; the location is left out on purpose, so a finding that
 * merely moved because lines were added above it is neither new nor fixed. Identical findings are
 * counted (a multiset): a second copy of an existing finding is new.
 */
import type { Finding } from "@openpolicy/core";

export interface FindingDiff {
  /** In head, not in base, in head order. */
  added: Finding[];
  /** In base, not in head, in base order. */
  fixed: Finding[];
  /** In both. */
  unchanged: Finding[];
}

export function findingKey(finding: Finding): string {
  return JSON.stringify([finding.rule, [...finding.services].sort(), finding.message]);
}

export function diffFindings(base: readonly Finding[], head: readonly Finding[]): FindingDiff {
  const remaining = new Map<string, number>();
  for (const f of base) remaining.set(findingKey(f), (remaining.get(findingKey(f)) ?? 0) + 1);
  const added: Finding[] = [];
  const unchanged: Finding[] = [];
  for (const f of head) {
    const key = findingKey(f);
    const left = remaining.get(key) ?? 0;
    if (left > 0) {
      remaining.set(key, left - 1);
      unchanged.push(f);
    } else added.push(f);
  }
  const fixed: Finding[] = [];
  // Walk base from the end so that, of several identical findings, the last ones count as fixed.
  for (let i = base.length - 1; i >= 0; i -= 1) {
    const f = base[i]!;
    const key = findingKey(f);
    const left = remaining.get(key) ?? 0;
    if (left > 0) {
      remaining.set(key, left - 1);
      fixed.push(f);
    }
  }
  fixed.reverse();
  return { added, fixed, unchanged };
}
