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
import { resolveCoreScalar } from "./core-scalar.js";
import { CH_CR, CH_DQUOTE, CH_LF, CH_SPACE, DECLINE, decline } from "./decline.js";
import { fastParseJsonPlanText } from "./fast-parse-json.js";
import { detectPlanFormat } from "./plan-format.js";
import { lineStartsOf } from "./line-index.js";
import { MAPPING, NO_KIND, ParseEvents, SCALAR, SEQUENCE } from "./parse-events.js";
import { type TextIndex, TextIndexBuilder } from "./text-index.js";

export { resolveCoreScalar } from "./core-scalar.js";

const CH_HASH = 0x23;
const CH_COLON = 0x3a;
const CH_SQUOTE = 0x27;

/** Characters that may stand between scalars: block/flow indicators (comments handled apart). */
function isGapIndicator(ch: number): boolean {
  return ch === CH_COLON || ch === 0x2c /* , */ || ch === 0x2d /* - */ || ch === 0x5b /* [ */ || ch === 0x5d /* ] */ || ch === 0x7b /* { */ || ch === 0x7d; /* } */
}

class PlanTextIndexer {
  /** Where the last scalar read ends (scalars are read in document order). */
  private lastEnd = 0;
  readonly index: TextIndexBuilder;

  constructor(
    private readonly text: string,
    private readonly events: ParseEvents,
  ) {
    this.index = new TextIndexBuilder(events.count);
  }

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
  contentOf(event: number): number {
    const events = this.events;
    let current = event;
    while (
      events.after(current) > current + 1 &&
      events.after(current + 1) === events.after(current) &&
      events.kind(current + 1) === events.kind(current) &&
      Object.is(events.result(current + 1), events.result(current))
    )
      current++;
    return current;
  }

  /** Checks a scalar's value against its source text (from `start`); returns the value. */
  private scalar(event: number, start: number): unknown {
    const events = this.events;
    if (events.after(event) !== event + 1) decline();
    const text = this.text;
    const result = events.result(event);
    const first = text.charCodeAt(start);
    let end = events.closedAt(event);
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
    this.checkGap(this.lastEnd, start);
    this.lastEnd = end;
    return expected;
  }

  /**
   * Indexes a composed value; `event` must not be empty. Returns the collection's node, or -1 for
   * a scalar (whose extent is then `lastStart` .. `lastEnd`).
   */
  node(event: number): number {
    const content = this.contentOf(event);
    const start = this.skipSeparation(this.events.openedAt(content));
    let node = -1;
    switch (this.events.kind(content)) {
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

  private mapping(event: number): number {
    const events = this.events;
    const result = events.result(event) as Record<string, unknown>;
    if (result === null || typeof result !== "object" || Array.isArray(result)) decline();
    const index = this.index;
    const mark = index.open();
    let entries = 0;
    const text = this.text;
    const end = events.after(event);
    let child = event + 1;
    while (child < end) {
      const valueEvent = events.after(child);
      if (valueEvent >= end) {
        // A block mapping ends with a failed attempt to read one more key.
        if (events.kind(child) === NO_KIND && events.after(child) === child + 1) break;
        decline();
      }
      const keyEvent = this.contentOf(child);
      if (events.kind(keyEvent) !== SCALAR) decline();
      const keyStart = this.skipSeparation(events.openedAt(keyEvent));
      const key = this.scalar(keyEvent, keyStart);
      if (typeof key !== "string" || key === "<<" || key === "__proto__") decline();
      // The value must follow the key's `:` on the same line (a flow entry without `:` is a key
      // with a null value, and would pair up with the next key here).
      let colon = this.lastEnd;
      while (text.charCodeAt(colon) === CH_SPACE) colon++;
      if (text.charCodeAt(colon) !== CH_COLON || colon - keyStart > 1024) decline();
      if (events.openedAt(valueEvent) <= colon) decline();
      let value = -1;
      let valueResult: unknown = null;
      if (events.kind(valueEvent) === NO_KIND) {
        if (events.after(valueEvent) !== valueEvent + 1) decline();
      } else {
        value = this.node(valueEvent);
        valueResult = events.result(valueEvent);
      }
      if (!Object.is(result[key], valueResult) || !Object.hasOwn(result, key)) decline();
      if (value === -1 && events.kind(valueEvent) !== NO_KIND) index.entry(key, keyStart, -1, this.lastStart, this.lastEnd);
      else index.entry(key, keyStart, value, -1, -1);
      entries++;
      child = events.after(valueEvent);
    }
    let ownKeys = 0;
    for (const _ in result) ownKeys++; // (no array per mapping, as Object.keys would make)
    if (ownKeys !== entries) decline();
    return index.close(mark, true);
  }

  private sequence(event: number): number {
    const events = this.events;
    const result = events.result(event);
    if (!Array.isArray(result)) decline();
    const index = this.index;
    const mark = index.open();
    let items = 0;
    const end = events.after(event);
    for (let child = event + 1; child < end; child = events.after(child)) {
      if (events.kind(child) === NO_KIND || items >= result.length || !Object.is(events.result(child), result[items])) decline();
      const node = this.node(child);
      index.entry(undefined, this.lastStart, node, node === -1 ? this.lastStart : -1, node === -1 ? this.lastEnd : -1);
      items++;
    }
    if (items !== result.length) decline();
    return index.close(mark, false);
  }

  /**
   * Everything between two scalars (`from` .. `to`) must be whitespace, indicators, or comments
   * that a space or line break separates from what precedes them. Called for each gap in document
   * order, and once for what follows the last scalar (`to` = the text's length).
   */
  checkGap(from: number, to: number): void {
    const text = this.text;
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
  }

  /** Checks what follows the last scalar. */
  checkEnd(): void {
    this.checkGap(this.lastEnd, this.text.length);
  }
}

/** V8 makes a string of 13 characters or more cut from another a view of it (a SlicedString). */
const SLICE_MIN_LENGTH = 13;

/**
 * js-yaml reads a copy of the text it is given (it appends a terminator), and long scalars are
 * views into that copy: one `image:` kept in the plan kept the whole copy alive (65 MB for a
 * 100,000-service plan). Each long string value is replaced by one that owns its characters
 * (concatenating and cutting flattens into a new string just one character longer).
 */
function detachStrings(root: unknown): void {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== "object") continue;
    const holder = node as Record<string, unknown>;
    for (const key in holder) {
      const value = holder[key];
      if (typeof value === "string") {
        if (value.length >= SLICE_MIN_LENGTH) holder[key] = `${value}\u0000`.slice(0, -1);
      } else if (value !== null && typeof value === "object") stack.push(value);
    }
  }
}

export interface FastParsed {
  /** The document's value, as the `yaml` package's `toJS()` would give it. */
  value: Record<string, unknown>;
  /** Where keys, items and scalar values were written. */
  index: TextIndex;
}

/**
 * The plan text's value and a locator, or undefined when the text is not plain enough to be read
 * here with certainty (the caller then reads it with the `yaml` package).
 */
export function fastParsePlanText(text: string): FastParsed | undefined {
  // (CR: LineCounter does not always count a CRLF line break where one would expect.)
  if (text.length === 0 || text.charCodeAt(0) === 0xfeff || text.includes("\t") || text.includes("\r")) return undefined;
  if (detectPlanFormat(text) === "json") {
    const json = fastParseJsonPlanText(text);
    if (json !== undefined) return json;
  }
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
  if (warned || events.unbalanced || events.unclosed !== 0 || events.topCount !== 1) return undefined;
  if (value === null || typeof value !== "object" || Array.isArray(value) || !Object.is(events.result(0), value)) return undefined;
  try {
    const indexer = new PlanTextIndexer(text, events);
    if (events.kind(indexer.contentOf(0)) !== MAPPING) return undefined;
    const root = indexer.node(0);
    const rootStart = indexer.lastStart;
    indexer.checkEnd();
    detachStrings(value);
    return { value: value as Record<string, unknown>, index: indexer.index.finish(root, rootStart, lineStartsOf(text)) };
  } catch (error) {
    if (error === DECLINE) return undefined;
    throw error;
  }
}
