/**
 * The fast road for JSON plans: `JSON.parse` builds the values and one pass over the text, walking
 * the values alongside, indexes where each key, item and scalar was written. For a 120 MB JSON
 * plan this holds a fraction of what js-yaml's parse events did (fast-parse.ts), which are not
 * needed when the grammar is JSON's.
 *
 * Like the YAML fast road it must give exactly what the reference (`yaml` AST) gives — a JSON text
 * is YAML, and the reference reads it as such — so it declines whatever it cannot vouch for:
 * text `JSON.parse` refuses; characters YAML treats differently from JSON (tabs, CR, control and
 * non-printable characters, line and paragraph separators, a BOM); duplicate keys (an error for
 * the reference, the last one wins for JSON.parse); `__proto__` and `<<` keys; keys over the 1024
 * characters YAML allows an implicit key; and any scalar whose YAML 1.2 core-schema value differs
 * from JSON's (every number and literal is re-resolved from its source).
 */
import { resolveCoreScalar } from "./core-scalar.js";
import { CH_DQUOTE, CH_LF, CH_SPACE, DECLINE, decline } from "./decline.js";
import { lineStartsOf } from "./line-index.js";
import { type TextIndex, TextIndexBuilder } from "./text-index.js";

/** Characters that are not the same thing to YAML and to JSON, or that YAML does not print. */
const NOT_PLAIN_JSON = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/;

const CH_QUOTE = CH_DQUOTE;
const CH_BACKSLASH = 0x5c;

/** A character of a number or of `true`, `false`, `null`: `-+.`, digits, letters. */
function isTokenCharacter(ch: number): boolean {
  return ch === 0x2d || ch === 0x2b || ch === 0x2e || (ch >= 0x30 && ch <= 0x39) || (ch >= 0x41 && ch <= 0x5a) || (ch >= 0x61 && ch <= 0x7a);
}

class JsonIndexer {
  at = 0;
  /** The extent of the scalar read last by `value`. */
  scalarStart = 0;
  scalarEnd = 0;

  constructor(
    private readonly text: string,
    readonly index: TextIndexBuilder,
  ) {}

  skipSpace(): void {
    const text = this.text;
    for (;;) {
      const ch = text.charCodeAt(this.at);
      if (ch === CH_SPACE || ch === CH_LF) this.at++;
      else return;
    }
  }

  expect(ch: number): void {
    if (this.text.charCodeAt(this.at) !== ch) decline();
    this.at++;
  }

  /** Reads a string token at `at` (JSON.parse accepted the text, so it is well formed); returns whether it has escapes. */
  private stringToken(): boolean {
    const text = this.text;
    let escaped = false;
    this.expect(CH_QUOTE);
    for (;;) {
      const ch = text.charCodeAt(this.at++);
      if (ch === CH_QUOTE) return escaped;
      if (ch === CH_BACKSLASH) {
        escaped = true;
        this.at++;
      } else if (Number.isNaN(ch)) decline();
    }
  }

  /** Indexes the value at `at`, which JSON.parse made `value`; returns its node, or -1 for a scalar. */
  value(value: unknown): number {
    const text = this.text;
    const start = this.at;
    const ch = text.charCodeAt(start);
    if (ch === 0x7b /* { */) return this.object(value);
    if (ch === 0x5b /* [ */) return this.array(value);
    if (ch === CH_QUOTE) {
      const escaped = this.stringToken();
      if (typeof value !== "string") decline();
      const same = escaped ? JSON.parse(text.slice(start, this.at)) === value : this.at - start - 2 === value.length && text.startsWith(value, start + 1);
      if (!same) decline();
    } else {
      while (isTokenCharacter(text.charCodeAt(this.at))) this.at++;
      if (this.at === start || !Object.is(resolveCoreScalar(text.slice(start, this.at)), value)) decline();
    }
    this.scalarStart = start;
    this.scalarEnd = this.at;
    return -1;
  }

  private entry(key: string | undefined, start: number, value: unknown): void {
    const child = this.value(value);
    if (child === -1) this.index.entry(key, start, -1, this.scalarStart, this.scalarEnd);
    else this.index.entry(key, start, child, -1, -1);
  }

  private object(value: unknown): number {
    if (value === null || typeof value !== "object" || Array.isArray(value)) decline();
    const record = value as Record<string, unknown>;
    const text = this.text;
    const mark = this.index.open();
    let keys = 0;
    this.at++;
    this.skipSpace();
    if (text.charCodeAt(this.at) !== 0x7d /* } */) {
      for (;;) {
        this.skipSpace();
        const keyStart = this.at;
        const escaped = this.stringToken();
        const keyEnd = this.at;
        const key: unknown = escaped ? JSON.parse(text.slice(keyStart, this.at)) : text.slice(keyStart + 1, this.at - 1);
        if (typeof key !== "string" || key === "__proto__" || key === "<<" || !Object.hasOwn(record, key)) decline();
        this.skipSpace();
        // An implicit key is one line of at most 1024 characters, up to its `:` (YAML 1.2 §7.4.2).
        const lineBreak = text.indexOf("\n", keyEnd);
        if (this.at - keyStart > 1024 || (lineBreak !== -1 && lineBreak < this.at)) decline();
        this.expect(0x3a /* : */);
        this.skipSpace();
        this.entry(key, keyStart, record[key]);
        keys++;
        this.skipSpace();
        if (text.charCodeAt(this.at) !== 0x2c /* , */) break;
        this.at++;
      }
    }
    this.expect(0x7d /* } */);
    // Fewer own keys than written: a key was written twice.
    let own = 0;
    for (const _ in record) own++;
    if (own !== keys) decline();
    return this.index.close(mark, true);
  }

  private array(value: unknown): number {
    if (!Array.isArray(value)) decline();
    const text = this.text;
    const mark = this.index.open();
    let items = 0;
    this.at++;
    this.skipSpace();
    if (text.charCodeAt(this.at) !== 0x5d /* ] */) {
      for (;;) {
        this.skipSpace();
        if (items >= value.length) decline();
        this.entry(undefined, this.at, value[items]);
        items++;
        this.skipSpace();
        if (text.charCodeAt(this.at) !== 0x2c /* , */) break;
        this.at++;
      }
    }
    this.expect(0x5d /* ] */);
    if (items !== value.length) decline();
    return this.index.close(mark, false);
  }
}

/**
 * The value and index of a JSON plan text, or undefined when the text is not JSON this road can
 * vouch for (the caller then tries the YAML roads).
 */
export function fastParseJsonPlanText(text: string): { value: Record<string, unknown>; index: TextIndex } | undefined {
  if (NOT_PLAIN_JSON.test(text)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  // About one entry per 40 characters of indented JSON; the lists grow if there are more.
  const indexer = new JsonIndexer(text, new TextIndexBuilder(Math.ceil(text.length / 13)));
  try {
    indexer.skipSpace();
    const rootStart = indexer.at;
    const root = indexer.value(value);
    indexer.skipSpace();
    if (indexer.at !== text.length || root < 0) return undefined;
    return { value: value as Record<string, unknown>, index: indexer.index.finish(root, rootStart, lineStartsOf(text)) };
  } catch (error) {
    // DECLINE, or a stack overflow on nesting JSON.parse took but recursion here does not.
    if (error === DECLINE || error instanceof RangeError) return undefined;
    throw error;
  }
}
