/**
 * A fast way to read ordinary plan text: js-yaml builds the values (about ten times faster than
 * the `yaml` package's Document on a 10,000-service plan) and its `listener` events give every
 * node's offsets, from which we index where each key and list item was written.
 *
 * It must give exactly what the reference path (`yaml` AST, parse-text.ts) gives, so it only
 * accepts text it can vouch for and declines everything else (the caller then takes the reference
 * path, whose messages and locations are the contract):
 * - js-yaml threw or warned (syntax error, duplicate key, deficient indentation, several documents);
 * - anchors, aliases, tags, explicit `?` keys, merge keys (`<<`), block scalars (`|`, `>`),
 *   directives, document end markers, tabs, a BOM, a lone CR, scalars spanning several lines,
 *   implicit keys longer than the 1024 characters YAML allows;
 * - any key that is not text, or any scalar whose value differs from what YAML 1.2's core schema
 *   (the `yaml` package's default) makes of its source text — every scalar is re-resolved from its
 *   source here, so js-yaml's own schema never decides a value;
 * - anything between scalars other than whitespace, flow/block indicators and comments that are
 *   separated by whitespace (`a: "x"#c` is an error for `yaml`, a comment for js-yaml);
 * - events that do not fit the values built (odd children, counts or identities that disagree).
 */
import { CORE_SCHEMA, load } from "js-yaml";
import { lineStartsOf, positionAt } from "./line-index.js";
import type { LinePosition, Locate } from "./locate.js";

/**
 * js-yaml's composeNode calls, in the order they were entered (pre-order), as parallel arrays:
 * no object per event, and the children of event `i` are `i + 1`, then each `after` of the last.
 */
class ParseEvents {
  open = new Int32Array(1024);
  close = new Int32Array(1024);
  /** One past the last event nested in this one. */
  after = new Int32Array(1024);
  /** NO_KIND, SCALAR, MAPPING or SEQUENCE. */
  kind = new Uint8Array(1024);
  readonly result: unknown[] = [];
  count = 0;
  readonly stack: number[] = [];
  /** Events entered at the top level (one per document). */
  topCount = 0;
  unbalanced = false;

  private grow(): void {
    const size = this.open.length * 2;
    const grown = <T extends Int32Array | Uint8Array>(old: T, next: T): T => {
      next.set(old);
      return next;
    };
    this.open = grown(this.open, new Int32Array(size));
    this.close = grown(this.close, new Int32Array(size));
    this.after = grown(this.after, new Int32Array(size));
    this.kind = grown(this.kind, new Uint8Array(size));
  }

  enter(position: number): void {
    const index = this.count++;
    if (index === this.open.length) this.grow();
    if (this.stack.length === 0) this.topCount++;
    this.stack.push(index);
    this.open[index] = position;
    this.result.push(undefined);
  }

  leave(position: number, kind: string | null, result: unknown): void {
    const index = this.stack.pop();
    if (index === undefined) {
      this.unbalanced = true;
      return;
    }
    this.close[index] = position;
    this.after[index] = this.count;
    this.kind[index] = kind === "scalar" ? SCALAR : kind === "mapping" ? MAPPING : kind === "sequence" ? SEQUENCE : kind === null ? NO_KIND : UNKNOWN_KIND;
    this.result[index] = result;
  }
}

/** Where a collection's keys or items were written, as offsets; null entries are scalars. */
interface IndexNode {
  type: typeof MAPPING | typeof SEQUENCE;
  /** Keys of a mapping, in order; null for a sequence. */
  keys: string[] | null;
  /** Offsets of the keys (mapping) or of the items (sequence). */
  starts: number[];
  values: (IndexNode | null)[];
  byKey: Map<string, number> | null;
}

const NO_KIND = 0;
const SCALAR = 1;
const MAPPING = 2;
const SEQUENCE = 3;
const UNKNOWN_KIND = 4;

/** Thrown inside this module when the text is not one we can vouch for. */
const DECLINE = new Error("fast-parse: declined");

function decline(): never {
  throw DECLINE;
}

// YAML 1.2 core schema, in the `yaml` package's order (schema/core/schema.js): the first test that
// matches a plain scalar decides its value.
const CORE_NULL = /^(?:~|[Nn]ull|NULL)?$/;
const CORE_BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const CORE_INT_OCT = /^0o[0-7]+$/;
const CORE_INT = /^[-+]?[0-9]+$/;
const CORE_INT_HEX = /^0x[0-9a-fA-F]+$/;
const CORE_FLOAT_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const CORE_FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const CORE_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;
/** A plain scalar not starting with one of these is text under the core schema. */
const MAY_NOT_BE_TEXT = /^[-+.0-9~nNtTfF]/;

/** The value the `yaml` package's core schema gives a plain scalar written as `source`. */
export function resolveCoreScalar(source: string): unknown {
  if (source === "") return null;
  if (!MAY_NOT_BE_TEXT.test(source)) return source;
  if (CORE_NULL.test(source)) return null;
  if (CORE_BOOL.test(source)) return source[0] === "t" || source[0] === "T";
  if (CORE_INT_OCT.test(source)) return parseInt(source.substring(2), 8);
  if (CORE_INT.test(source)) return parseInt(source, 10);
  if (CORE_INT_HEX.test(source)) return parseInt(source.substring(2), 16);
  if (CORE_FLOAT_NAN.test(source)) {
    if (source.slice(-3).toLowerCase() === "nan") return Number.NaN;
    return source[0] === "-" ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }
  if (CORE_FLOAT_EXP.test(source) || CORE_FLOAT.test(source)) return parseFloat(source);
  return source;
}

const CH_SPACE = 0x20;
const CH_LF = 0x0a;
const CH_CR = 0x0d;
const CH_HASH = 0x23;
const CH_COLON = 0x3a;
const CH_DQUOTE = 0x22;
const CH_SQUOTE = 0x27;

/** Characters that may stand between scalars: block/flow indicators (comments handled apart). */
function isGapIndicator(ch: number): boolean {
  return ch === CH_COLON || ch === 0x2c /* , */ || ch === 0x2d /* - */ || ch === 0x5b /* [ */ || ch === 0x5d /* ] */ || ch === 0x7b /* { */ || ch === 0x7d; /* } */
}

class PlanTextIndexer {
  /** [start, end) of every scalar in document order, to check what lies between them. */
  private readonly extents: number[] = [];
  /** Where the last scalar read ends. */
  private lastEnd = 0;

  constructor(
    private readonly text: string,
    private readonly events: ParseEvents,
  ) {}

  /** The first offset at or after `from` that is not whitespace, a line break or a comment. */
  private skipSeparation(from: number): number {
    const text = this.text;
    let at = from;
    for (;;) {
      const ch = text.charCodeAt(at);
      if (ch === CH_SPACE || ch === CH_LF || ch === CH_CR) at++;
      else if (ch === CH_HASH) {
        while (at < text.length && text.charCodeAt(at) !== CH_LF && text.charCodeAt(at) !== CH_CR) at++;
      } else return at;
    }
  }

  /**
   * The event that carries the content: js-yaml reads a value that could be a block mapping by
   * first reading it as a would-be key, nested in the value's own event with the same result.
   */
  private content(event: number): number {
    const { kind, result, after } = this.events;
    let current = event;
    while (after[current]! > current + 1 && after[current + 1] === after[current] && kind[current + 1] === kind[current] && Object.is(result[current + 1], result[current])) current++;
    return current;
  }

  /** Checks a scalar's value against its source text (from `start`); returns the value. */
  private scalar(event: number, start: number): unknown {
    const events = this.events;
    if (events.after[event] !== event + 1) decline();
    const text = this.text;
    const result = events.result[event];
    const first = text.charCodeAt(start);
    let end = events.close[event]!;
    let expected: unknown;
    if (first === CH_DQUOTE || first === CH_SQUOTE) {
      if (end - start < 2 || text.charCodeAt(end - 1) !== first) decline();
      if (
        typeof result === "string" &&
        end === start + result.length + 2 &&
        text.startsWith(result, start + 1) &&
        !/["'\\\n\r]/.test(result)
      ) {
        expected = result; // no escapes, no quotes inside, one line: the text between the quotes
      } else {
        const source = text.slice(start, end);
        if (source.includes("\n") || source.includes("\r")) decline();
        if (first === CH_DQUOTE) {
          // JSON's escapes are a subset of YAML's, with the same meaning; anything else declines.
          try {
            expected = JSON.parse(source);
          } catch {
            decline();
          }
        } else {
          const inner = source.slice(1, -1);
          if (inner.replaceAll("''", "").includes("'")) decline();
          expected = inner.replaceAll("''", "'");
        }
      }
    } else {
      while (end > start) {
        const ch = text.charCodeAt(end - 1);
        if (ch !== CH_SPACE && ch !== CH_LF && ch !== CH_CR) break;
        end--;
      }
      if (typeof result === "string" && end === start + result.length && text.startsWith(result, start)) {
        // The source is exactly the value (a folded multi-line scalar would differ from it).
        expected = resolveCoreScalar(result);
      } else {
        const source = text.slice(start, end);
        if (source === "" || source.includes("\n") || source.includes("\r")) decline();
        expected = resolveCoreScalar(source);
      }
    }
    if (!Object.is(expected, result)) decline();
    if (start < this.lastEnd) decline();
    this.extents.push(start, end);
    this.lastEnd = end;
    return expected;
  }

  /**
   * Indexes a composed value; `event` must not be empty. Returns null for a scalar (only its
   * start matters, which the caller gets from `startOf`).
   */
  node(event: number): IndexNode | null {
    const content = this.content(event);
    const start = this.skipSeparation(this.events.open[content]!);
    let node: IndexNode | null = null;
    switch (this.events.kind[content]) {
      case SCALAR:
        this.scalar(content, start);
        break;
      case MAPPING:
        node = this.mapping(content);
        break;
      case SEQUENCE:
        node = this.sequence(content);
        break;
      default:
        decline();
    }
    this.lastStart = start;
    return node;
  }

  /** Where the value indexed last by `node` starts. */
  lastStart = 0;

  private mapping(event: number): IndexNode {
    const events = this.events;
    const result = events.result[event] as Record<string, unknown>;
    if (result === null || typeof result !== "object" || Array.isArray(result)) decline();
    const keys: string[] = [];
    const starts: number[] = [];
    const values: (IndexNode | null)[] = [];
    const text = this.text;
    const end = events.after[event]!;
    let child = event + 1;
    while (child < end) {
      const valueEvent = events.after[child]!;
      if (valueEvent >= end) {
        // A block mapping ends with a failed attempt to read one more key.
        if (events.kind[child] === NO_KIND && events.after[child] === child + 1) break;
        decline();
      }
      const keyEvent = this.content(child);
      if (events.kind[keyEvent] !== SCALAR) decline();
      const keyStart = this.skipSeparation(events.open[keyEvent]!);
      const key = this.scalar(keyEvent, keyStart);
      if (typeof key !== "string" || key === "<<" || key === "__proto__") decline();
      // The value must follow the key's `:` on the same line (a flow entry without `:` is a key
      // with a null value, and would pair up with the next key here).
      let colon = this.lastEnd;
      while (text.charCodeAt(colon) === CH_SPACE) colon++;
      if (text.charCodeAt(colon) !== CH_COLON || colon - keyStart > 1024) decline();
      if (events.open[valueEvent]! <= colon) decline();
      let value: IndexNode | null = null;
      let valueResult: unknown = null;
      if (events.kind[valueEvent] === NO_KIND) {
        if (events.after[valueEvent] !== valueEvent + 1) decline();
      } else {
        value = this.node(valueEvent);
        valueResult = events.result[valueEvent];
      }
      if (!Object.is(result[key], valueResult) || !Object.hasOwn(result, key)) decline();
      keys.push(key);
      starts.push(keyStart);
      values.push(value);
      child = events.after[valueEvent]!;
    }
    if (Object.keys(result).length !== keys.length) decline();
    return { type: MAPPING, keys, starts, values, byKey: null };
  }

  private sequence(event: number): IndexNode {
    const events = this.events;
    const result = events.result[event];
    if (!Array.isArray(result)) decline();
    const starts: number[] = [];
    const values: (IndexNode | null)[] = [];
    const end = events.after[event]!;
    for (let child = event + 1; child < end; child = events.after[child]!) {
      const index = values.length;
      if (events.kind[child] === NO_KIND || index >= result.length || !Object.is(events.result[child], result[index])) decline();
      values.push(this.node(child));
      starts.push(this.lastStart);
    }
    if (values.length !== result.length) decline();
    return { type: SEQUENCE, keys: null, starts, values, byKey: null };
  }

  /**
   * Everything outside the scalars must be whitespace, indicators, or comments that a space or
   * line break separates from what precedes them.
   */
  checkBetweenScalars(): void {
    const text = this.text;
    const extents = this.extents;
    let from = 0;
    for (let e = 0; e <= extents.length; e += 2) {
      const to = e < extents.length ? extents[e]! : text.length;
      for (let at = from; at < to; at++) {
        const ch = text.charCodeAt(at);
        if (ch === CH_SPACE || ch === CH_LF || isGapIndicator(ch)) continue;
        if (ch === CH_CR && text.charCodeAt(at + 1) === CH_LF) continue;
        if (ch === CH_HASH) {
          const before = at === 0 ? CH_LF : text.charCodeAt(at - 1);
          if (before !== CH_SPACE && before !== CH_LF) decline();
          while (at < to && text.charCodeAt(at) !== CH_LF && text.charCodeAt(at) !== CH_CR) at++;
          if (at >= to && to < text.length) decline(); // a scalar inside what looks like a comment
          at--;
          continue;
        }
        decline();
      }
      if (e < extents.length) from = extents[e + 1]!;
    }
  }
}

function pairIndex(node: IndexNode, key: string): number {
  const keys = node.keys!;
  if (keys.length <= 8) return keys.lastIndexOf(key);
  if (node.byKey === null) {
    node.byKey = new Map();
    for (let i = 0; i < keys.length; i++) node.byKey.set(keys[i]!, i);
  }
  return node.byKey.get(key) ?? -1;
}

/** The same walk as yamlLocator (locate.ts), over the index. */
function indexLocator(root: IndexNode, rootStart: number, lineStarts: readonly number[]): Locate {
  const documentStart: LinePosition = positionAt(lineStarts, rootStart);
  return (path) => {
    let node: IndexNode | null = root;
    let best = documentStart;
    for (const segment of path) {
      if (node === null) break;
      let index: number;
      if (node.type === MAPPING) index = pairIndex(node, String(segment));
      else if (typeof segment === "number" && node.starts[segment] !== undefined) index = segment;
      else break;
      if (index < 0) break;
      best = positionAt(lineStarts, node.starts[index]!);
      node = node.values[index]!;
    }
    return best;
  };
}

export interface FastParsed {
  /** The document's value, as the `yaml` package's `toJS()` would give it. */
  value: Record<string, unknown>;
  locate: Locate;
}

/**
 * The plan text's value and a locator, or undefined when the text is not plain enough to be read
 * here with certainty (the caller then reads it with the `yaml` package).
 */
export function fastParsePlanText(text: string): FastParsed | undefined {
  // (CR: LineCounter does not always count a CRLF line break where one would expect.)
  if (text.length === 0 || text.charCodeAt(0) === 0xfeff || text.includes("\t") || text.includes("\r")) return undefined;
  const events = new ParseEvents();
  let warned = false;
  let value: unknown;
  try {
    value = load(text, {
      schema: CORE_SCHEMA,
      onWarning: () => {
        warned = true;
      },
      listener: (type, state) => {
        if (type === "open") events.enter(state.position);
        else events.leave(state.position, state.kind, state.result);
      },
    });
  } catch {
    return undefined;
  }
  if (warned || events.unbalanced || events.stack.length !== 0 || events.topCount !== 1) return undefined;
  if (value === null || typeof value !== "object" || Array.isArray(value) || !Object.is(events.result[0], value)) return undefined;
  try {
    const indexer = new PlanTextIndexer(text, events);
    const root = indexer.node(0);
    if (root === null || root.type !== MAPPING) return undefined;
    const rootStart = indexer.lastStart;
    indexer.checkBetweenScalars();
    return { value: value as Record<string, unknown>, locate: indexLocator(root, rootStart, lineStartsOf(text)) };
  } catch (error) {
    if (error === DECLINE) return undefined;
    throw error;
  }
}
