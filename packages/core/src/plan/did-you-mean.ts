/**
 * "Did you mean `dependsOn`?" hints for unknown plan fields: the closest allowed key by
 * Damerau–Levenshtein distance (optimal string alignment: insertions, deletions, substitutions and
 * swaps of two neighbouring letters each cost 1), compared case-insensitively so `dependson` and
 * `DependsOn` still find `dependsOn`.
 */

/** Edit distance where a transposition of adjacent characters counts as one edit. */
export function damerauLevenshtein(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, () => new Array<number>(cols).fill(0));
  for (let i = 0; i < rows; i++) d[i]![0] = i;
  for (let j = 0; j < cols; j++) d[0]![j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      }
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The allowed key closest to `unknown`, or undefined when nothing is close enough to be a typo.
 * A key is close when it is at most a third of the unknown key's length away (at least 1, at most 3
 * edits), so `dependOn` → `dependsOn` and `memroy` → `memory` but `foo` suggests nothing.
 */
export function didYouMean(unknown: string, allowed: readonly string[]): string | undefined {
  const needle = unknown.toLowerCase();
  const limit = Math.min(3, Math.max(1, Math.floor(needle.length / 3)));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of allowed) {
    const distance = damerauLevenshtein(needle, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= limit ? best : undefined;
}
