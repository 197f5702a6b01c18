/**
 * js-yaml's composeNode calls, recorded from its `listener` in the order they were entered
 * (pre-order), for the fast road (fast-parse.ts). A 100,000-service plan makes about 8 million
 * of them, so they are kept in fixed-size chunks of parallel arrays: no object per event, and
 * nothing copied as they grow (growing one array by half at a time left ~3× its final size of
 * garbage behind, which is what the process's peak memory was made of).
 */

export const NO_KIND = 0;
export const SCALAR = 1;
export const MAPPING = 2;
export const SEQUENCE = 3;
const UNKNOWN_KIND = 4;

const CHUNK_BITS = 14;
const CHUNK_SIZE = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK_SIZE - 1;

/** One chunk of events: offsets where each was entered and left, what it holds, what it made. */
interface EventChunk {
  open: Int32Array;
  close: Int32Array;
  /** One past the last event nested in this one. */
  after: Int32Array;
  /** NO_KIND, SCALAR, MAPPING or SEQUENCE. */
  kind: Uint8Array;
  result: unknown[];
}

function newChunk(): EventChunk {
  return { open: new Int32Array(CHUNK_SIZE), close: new Int32Array(CHUNK_SIZE), after: new Int32Array(CHUNK_SIZE), kind: new Uint8Array(CHUNK_SIZE), result: [] };
}

/** The children of event `i` are `i + 1`, then each `after` of the last, up to `after(i)`. */
export class ParseEvents {
  private readonly chunks: EventChunk[] = [];
  count = 0;
  private readonly stack: number[] = [];
  /** Events entered at the top level (one per document). */
  topCount = 0;
  unbalanced = false;

  /** Events entered and not yet left. */
  get unclosed(): number {
    return this.stack.length;
  }

  enter(position: number): void {
    const index = this.count++;
    if ((index & CHUNK_MASK) === 0) this.chunks.push(newChunk());
    if (this.stack.length === 0) this.topCount++;
    this.stack.push(index);
    const chunk = this.chunks[index >> CHUNK_BITS]!;
    chunk.open[index & CHUNK_MASK] = position;
    chunk.result.push(undefined);
  }

  leave(position: number, kind: string | null, result: unknown): void {
    const index = this.stack.pop();
    if (index === undefined) {
      this.unbalanced = true;
      return;
    }
    const chunk = this.chunks[index >> CHUNK_BITS]!;
    const at = index & CHUNK_MASK;
    chunk.close[at] = position;
    chunk.after[at] = this.count;
    chunk.kind[at] = kind === "scalar" ? SCALAR : kind === "mapping" ? MAPPING : kind === "sequence" ? SEQUENCE : kind === null ? NO_KIND : UNKNOWN_KIND;
    chunk.result[at] = result;
  }

  /** Where event `i` was entered. */
  openedAt(i: number): number {
    return this.chunks[i >> CHUNK_BITS]!.open[i & CHUNK_MASK]!;
  }

  /** Where event `i` was left. */
  closedAt(i: number): number {
    return this.chunks[i >> CHUNK_BITS]!.close[i & CHUNK_MASK]!;
  }

  /** One past the last event nested in event `i`. */
  after(i: number): number {
    return this.chunks[i >> CHUNK_BITS]!.after[i & CHUNK_MASK]!;
  }

  /** NO_KIND, SCALAR, MAPPING or SEQUENCE. */
  kind(i: number): number {
    return this.chunks[i >> CHUNK_BITS]!.kind[i & CHUNK_MASK]!;
  }

  /** What event `i` composed. */
  result(i: number): unknown {
    return this.chunks[i >> CHUNK_BITS]!.result[i & CHUNK_MASK];
  }
}
