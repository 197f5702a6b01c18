/**
 * Binary min-heap of timed events, ordered by time then insertion sequence so that events at the
 * same instant run in the order they were scheduled (deterministic). O(log n) push/pop, arrays
 * reused (no per-event copies).
 */
export interface TimedEvent<P> {
  t: number;
  seq: number;
  payload: P;
}

export class EventQueue<P> {
  private readonly heap: TimedEvent<P>[] = [];
  private nextSeq = 0;

  get size(): number {
    return this.heap.length;
  }

  push(t: number, payload: P): void {
    const heap = this.heap;
    const item: TimedEvent<P> = { t, seq: this.nextSeq++, payload };
    let i = heap.length;
    heap.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent]!;
      if (less(p, item)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = item;
  }

  peekTime(): number {
    return this.heap.length > 0 ? this.heap[0]!.t : Infinity;
  }

  pop(): TimedEvent<P> | undefined {
    const heap = this.heap;
    const top = heap[0];
    if (top === undefined) return undefined;
    const last = heap.pop()!;
    const n = heap.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        let c = l;
        if (r < n && less(heap[r]!, heap[l]!)) c = r;
        if (less(last, heap[c]!)) break;
        heap[i] = heap[c]!;
        i = c;
      }
      heap[i] = last;
    }
    return top;
  }
}

function less<P>(a: TimedEvent<P>, b: TimedEvent<P>): boolean {
  return a.t < b.t || (a.t === b.t && a.seq < b.seq);
}
