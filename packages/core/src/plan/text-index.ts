/**
 * Where each key and list item of a document was written, for the fast road (fast-parse.ts), in a
 * few flat arrays rather than an object per collection: a 100,000-service plan has about 700,000
 * collections and 2.5 million entries, which as objects and arrays held several hundred MB.
 *
 * A collection is a node id; its entries are `first[node]` .. `first[node] + count[node] - 1` in
 * the entry arrays, where `start` is the offset of the key (mapping) or item (sequence) and
 * `child` the node id of a collection value, or -1 for a scalar.
 */
import { positionAt } from "./line-index.js";
import type { LinePosition, Locate } from "./locate.js";

/** A growable Int32Array (grown by half at a time). */
class Int32List {
  values: Int32Array;
  length = 0;

  constructor(capacity = 1024) {
    this.values = new Int32Array(Math.max(16, capacity));
  }

  push(value: number): void {
    if (this.length === this.values.length) {
      const grown = new Int32Array(Math.ceil(this.values.length * 1.5));
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = value;
  }
}

/** A value's extent in the text: [start, end), as the `yaml` package's `range[0]`, `range[1]`. */
export interface TextExtent {
  start: number;
  end: number;
}

/** An entry's own fields, pushed while its collection is open. */
interface EntryColumns {
  start: Int32List;
  child: Int32List;
  valueStart: Int32List;
  valueEnd: Int32List;
  keys: (string | undefined)[];
}

function entryColumns(capacity?: number): EntryColumns {
  return { start: new Int32List(capacity), child: new Int32List(capacity), valueStart: new Int32List(capacity), valueEnd: new Int32List(capacity), keys: [] };
}

/** Plain plans measure about one entry per three parse events, and one collection per three entries. */
const EVENTS_PER_ENTRY = 3;

export class TextIndexBuilder {
  private readonly isMapping: number[] = [];
  private readonly first: Int32List;
  private readonly count: Int32List;
  private readonly entries: EntryColumns;
  /**
   * Entries of the collections being indexed, innermost last: a collection's entries are pushed
   * after its children are done, so each one's are contiguous above its mark until it is closed.
   */
  private readonly pending = entryColumns();

  /** `events`: how many parse events the document made, to size the lists once. */
  constructor(events: number) {
    const entries = Math.ceil(events / EVENTS_PER_ENTRY);
    this.entries = entryColumns(entries);
    this.first = new Int32List(entries / EVENTS_PER_ENTRY);
    this.count = new Int32List(entries / EVENTS_PER_ENTRY);
  }

  /** Starts a collection; returns the mark to close it with. */
  open(): number {
    return this.pending.start.length;
  }

  /**
   * An entry of the innermost open collection: its key (undefined for an item), its offset, the
   * node of a collection value (-1 for a scalar), and a scalar value's extent (-1, -1 otherwise).
   */
  entry(key: string | undefined, start: number, child: number, valueStart: number, valueEnd: number): void {
    const pending = this.pending;
    pending.start.push(start);
    pending.child.push(child);
    pending.valueStart.push(valueStart);
    pending.valueEnd.push(valueEnd);
    pending.keys.push(key);
  }

  /** Ends the collection opened at `mark` and returns its node id. */
  close(mark: number, isMapping: boolean): number {
    const { pending, entries } = this;
    const node = this.first.length;
    const count = pending.start.length - mark;
    this.isMapping.push(isMapping ? 1 : 0);
    this.first.push(entries.start.length);
    this.count.push(count);
    for (let i = mark; i < mark + count; i++) {
      entries.start.push(pending.start.values[i]!);
      entries.child.push(pending.child.values[i]!);
      entries.valueStart.push(pending.valueStart.values[i]!);
      entries.valueEnd.push(pending.valueEnd.values[i]!);
      entries.keys.push(pending.keys[i]);
    }
    pending.start.length = mark;
    pending.child.length = mark;
    pending.valueStart.length = mark;
    pending.valueEnd.length = mark;
    pending.keys.length = mark;
    return node;
  }

  /** The finished index of a document whose root collection is `root`, starting at `rootStart`. */
  finish(root: number, rootStart: number, lineStarts: ArrayLike<number>): TextIndex {
    // Copies of the used part: the index may live as long as the document, the spare room not.
    const trimmed = (list: Int32List) => list.values.slice(0, list.length);
    const { entries } = this;
    return new TextIndex(
      { root, rootStart, isMapping: Uint8Array.from(this.isMapping), first: trimmed(this.first), count: trimmed(this.count) },
      { start: trimmed(entries.start), child: trimmed(entries.child), valueStart: trimmed(entries.valueStart), valueEnd: trimmed(entries.valueEnd), keys: entries.keys },
      lineStarts,
    );
  }
}

interface NodeTable {
  root: number;
  rootStart: number;
  isMapping: Uint8Array;
  first: Int32Array;
  count: Int32Array;
}

interface EntryTable {
  start: Int32Array;
  child: Int32Array;
  valueStart: Int32Array;
  valueEnd: Int32Array;
  keys: (string | undefined)[];
}

export class TextIndex {
  /** Key → entry for mappings too long to scan, built on first use. */
  private readonly byKey = new Map<number, Map<string, number>>();

  constructor(
    private readonly nodes: NodeTable,
    private readonly entries: EntryTable,
    readonly lineStarts: ArrayLike<number>,
  ) {}

  /** The entry of mapping `node` whose key is `key`, or -1. */
  private entryOf(node: number, key: string): number {
    const from = this.nodes.first[node]!;
    const to = from + this.nodes.count[node]!;
    const keys = this.entries.keys;
    if (to - from <= 8) {
      for (let entry = to - 1; entry >= from; entry--) if (keys[entry] === key) return entry;
      return -1;
    }
    let index = this.byKey.get(node);
    if (index === undefined) {
      index = new Map();
      for (let entry = from; entry < to; entry++) index.set(keys[entry]!, entry);
      this.byKey.set(node, index);
    }
    return index.get(key) ?? -1;
  }

  /** The entry `segment` names in collection `node`, or -1. */
  private step(node: number, segment: string | number): number {
    const { isMapping, first, count } = this.nodes;
    if (isMapping[node] === 1) return this.entryOf(node, String(segment));
    if (typeof segment === "number" && Number.isInteger(segment) && segment >= 0 && segment < count[node]!) return first[node]! + segment;
    return -1;
  }

  /** The same walk as yamlLocator (locate.ts), over the index. */
  readonly locate: Locate = (path) => {
    let node = this.nodes.root;
    let best: LinePosition = positionAt(this.lineStarts, this.nodes.rootStart);
    for (const segment of path) {
      if (node < 0) break;
      const entry = this.step(node, segment);
      if (entry < 0) break;
      best = positionAt(this.lineStarts, this.entries.start[entry]!);
      node = this.entries.child[entry]!;
    }
    return best;
  };

  /**
   * The extent of the scalar value at `path`, or undefined when the path does not lead to a
   * scalar written in the text (a collection, an empty value, or nothing).
   */
  scalarExtent(path: readonly (string | number)[]): TextExtent | undefined {
    let node = this.nodes.root;
    let entry = -1;
    for (const segment of path) {
      if (node < 0) return undefined;
      entry = this.step(node, segment);
      if (entry < 0) return undefined;
      node = this.entries.child[entry]!;
    }
    if (entry < 0 || this.entries.valueStart[entry]! < 0) return undefined;
    return { start: this.entries.valueStart[entry]!, end: this.entries.valueEnd[entry]! };
  }
}
