/**
 * Offset → 1-based line and column, computed exactly as the `yaml` package's LineCounter does
 * (a line starts at offset 0 and after every `\n`; binary search over the line starts), so that a
 * location found without the `yaml` AST is the one the reference path would report.
 */
import type { LinePosition } from "./locate.js";

/**
 * Offsets at which a line starts: 0, then one past every `\n`. Counted first, so a plan of two
 * million lines takes one typed array rather than a growing list of numbers.
 */
export function lineStartsOf(text: string): Int32Array {
  let count = 1;
  for (let at = text.indexOf("\n"); at !== -1; at = text.indexOf("\n", at + 1)) count++;
  const starts = new Int32Array(count);
  let line = 1;
  for (let at = text.indexOf("\n"); at !== -1; at = text.indexOf("\n", at + 1)) starts[line++] = at + 1;
  return starts;
}

/** LineCounter.linePos for `offset`: the last line start at or before it, column counted from 1. */
export function positionAt(lineStarts: ArrayLike<number>, offset: number): LinePosition {
  let low = 0;
  let high = lineStarts.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (lineStarts[mid]! < offset) low = mid + 1;
    else high = mid;
  }
  if (lineStarts[low] === offset) return { line: low + 1, column: 1 };
  if (low === 0) return { line: 0, column: offset };
  return { line: low, column: offset - lineStarts[low - 1]! + 1 };
}
