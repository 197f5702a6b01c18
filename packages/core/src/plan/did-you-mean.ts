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

/** Distance of `a` and `b` when at most `limit`, else `limit + 1` (stops once every cell of a row exceeds it). */
function boundedDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      let best = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, before[j - 2]! + 1);
      current[j] = best;
      if (best < rowMin) rowMin = best;
    }
    if (rowMin > limit) return limit + 1;
    before = previous;
    previous = current;
  }
  return Math.min(previous[b.length]!, limit + 1);
}

/**
 * The names of a plan indexed once for "did you mean": grouped by length (a name more than
 * `limit` letters longer or shorter cannot be within `limit` edits), each search cut off at the
 * limit, and each unknown name searched once however many findings mention it. Without it, `check`
 * on 2,000 services all naming one missing service compared every name with every other (7 s).
 * After `maxSearches` distinct unknown names it stops suggesting: a plan with thousands of
 * different unknown names is not a plan of typos, and each search still reads every name.
 */
export class NameIndex {
  private readonly byLength = new Map<number, { name: string; lower: string; order: number }[]>();
  private readonly answers = new Map<string, string | undefined>();

  constructor(
    names: Iterable<string>,
    private readonly maxSearches = 200,
  ) {
    let order = 0;
    for (const name of names) {
      const lower = name.toLowerCase();
      const bucket = this.byLength.get(lower.length) ?? [];
      bucket.push({ name, lower, order: order++ });
      this.byLength.set(lower.length, bucket);
    }
  }

  /** The closest other name within min(3, max(1, ⌊length/3⌋)) edits, the earliest declared on a tie. */
  closest(unknown: string): string | undefined {
    if (this.answers.has(unknown)) return this.answers.get(unknown);
    if (this.answers.size >= this.maxSearches) return undefined;
    const needle = unknown.toLowerCase();
    const limit = Math.min(3, Math.max(1, Math.floor(needle.length / 3)));
    let best: { name: string; distance: number; order: number } | undefined;
    for (let length = needle.length - limit; length <= needle.length + limit; length++) {
      for (const candidate of this.byLength.get(length) ?? []) {
        if (candidate.name === unknown) continue;
        const distance = boundedDistance(needle, candidate.lower, best ? Math.min(limit, best.distance) : limit);
        if (distance > limit) continue;
        if (!best || distance < best.distance || (distance === best.distance && candidate.order < best.order)) {
          best = { name: candidate.name, distance, order: candidate.order };
        }
      }
    }
    this.answers.set(unknown, best?.name);
    return best?.name;
  }
}
