/**
 * Where a fix's edits fall in the plan text, and making them. The plan is parsed with the `yaml`
 * package's Document API only to find each edited value's source range; the change itself is a
 * splice of that range, so everything else — comments, blank lines, quoting, key order, the
 * author's indentation — stays byte for byte (re-serialising the document would reflow it).
 * The same ranges are the SARIF replacement regions, so `check --fix` and a SARIF viewer make the
 * same change.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, stringify, type Document } from "yaml";
import type { Fix, FixEdit } from "../checks/finding.js";
import { fastParsePlanText } from "../plan/fast-parse.js";
import { positionAt } from "../plan/line-index.js";
import type { TextIndex } from "../plan/text-index.js";

/** A region of the plan text: offsets into it, and 1-based lines and columns (end exclusive, as SARIF's endColumn). */
export interface TextRegion {
  start: number;
  end: number;
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

/** A fix edit resolved to the region of the plan text it replaces, and the replacement. */
export interface LocatedEdit {
  region: TextRegion;
  /** What replaces the region, in the plan's own syntax (YAML flow or JSON). */
  replacement: string;
}

/** Resolves edits to regions of one plan text; undefined when the edited value cannot be edited in place. */
export type EditLocator = (edit: FixEdit) => LocatedEdit | undefined;

/** The value's text in the plan's syntax: JSON for JSON plans, YAML flow style (one line) otherwise. */
export function valueText(value: FixEdit["value"], format: "yaml" | "json"): string {
  if (format === "json") return JSON.stringify(value);
  return stringify(value, { collectionStyle: "flow", flowCollectionPadding: false, lineWidth: 0 }).trim();
}

/**
 * A locator for edits in `text` (YAML or JSON). A value reached through an alias or a merge key is
 * not edited: changing the anchor would change every place that uses it.
 *
 * Plain text (most plans, every generated one) is indexed by the plan loader's fast road, which
 * gives a scalar's extent exactly as the Document's `range` does (a test holds the two equal);
 * parsing a 100,000-service plan into a Document took ~2.5 GB. Anything else — a collection, an
 * alias, text the fast road declines — goes to `documentEditLocator`, built on first need.
 */
export function editLocator(text: string, format: "yaml" | "json"): EditLocator {
  return editLocatorWith(text, format, undefined);
}

/**
 * {@link editLocator} with the fast road's index of `text` when the caller has it (null: the fast
 * road declined the text; undefined: not read yet, read on first use).
 */
export function editLocatorWith(text: string, format: "yaml" | "json", index: TextIndex | null | undefined): EditLocator {
  const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let fast = index;
  let reference: EditLocator | undefined;
  return (edit) => {
    if (fast === undefined) fast = fastParsePlanText(bom ? text.slice(1) : text)?.index ?? null;
    const extent = fast?.scalarExtent(edit.path);
    if (fast && extent) {
      const from = positionAt(fast.lineStarts, extent.start);
      const to = positionAt(fast.lineStarts, extent.end);
      return {
        region: { start: extent.start + bom, end: extent.end + bom, startLine: from.line, startColumn: from.column, endLine: to.line, endColumn: to.column },
        replacement: valueText(edit.value, format),
      };
    }
    reference ??= documentEditLocator(text, format);
    return reference(edit);
  };
}

/** {@link editLocator} through the `yaml` package's Document only: the behaviour the fast road must match. */
export function documentEditLocator(text: string, format: "yaml" | "json"): EditLocator {
  const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const content = bom ? text.slice(1) : text;
  let parsed: { doc: Document.Parsed; lines: LineCounter } | undefined;
  const load = () => {
    if (!parsed) {
      const lines = new LineCounter();
      parsed = { doc: parseDocument(content, { lineCounter: lines, uniqueKeys: false, keepSourceTokens: false }), lines };
    }
    return parsed;
  };
  // Pairs by key, per mapping, built on first use: 50,000 edits in a 100,000-service plan would
  // otherwise scan the services mapping once per edit.
  const indexes = new WeakMap<object, Map<string, unknown>>();
  const valueAt = (map: { items: { key: unknown; value: unknown }[] }, key: string): unknown => {
    let index = indexes.get(map);
    if (!index) {
      index = new Map();
      for (const p of map.items) if (isScalar(p.key) && !index.has(String(p.key.value))) index.set(String(p.key.value), p.value);
      indexes.set(map, index);
    }
    return index.get(key);
  };
  return (edit) => {
    const { doc, lines } = load();
    let node: unknown = doc.contents;
    for (const segment of edit.path) {
      if (isMap(node)) {
        node = valueAt(node, String(segment));
      } else if (isSeq(node) && typeof segment === "number") {
        node = node.items[segment];
      } else {
        return undefined;
      }
      if (node === undefined || node === null || isAlias(node)) return undefined;
    }
    const range = (node as { range?: [number, number, number] }).range;
    if (!range) return undefined;
    const [start, end] = [range[0], range[1]];
    const from = lines.linePos(start);
    const to = lines.linePos(end);
    return {
      region: { start: start + bom, end: end + bom, startLine: from.line, startColumn: from.col, endLine: to.line, endColumn: to.col },
      replacement: valueText(edit.value, format),
    };
  };
}

/** What applyFixes made of a plan text: the new text, and which fixes it did and did not make. */
export interface AppliedEdits {
  text: string;
  /** The fixes made, in the order given. */
  applied: Fix[];
  /** Fixes left out, with why. */
  skipped: { fix: Fix; reason: string }[];
}

/**
 * Makes the given fixes in `text`: every edit of a fix, or none of it (a fix half made could
 * leave a plan worse than before). A fix touching a region another fix already changed is left
 * for the next run, when the re-check will say whether it is still needed.
 */
export function applyFixes(text: string, format: "yaml" | "json", fixes: readonly Fix[]): AppliedEdits {
  const locate = editLocator(text, format);
  const splices: LocatedEdit[] = [];
  const applied: Fix[] = [];
  const skipped: { fix: Fix; reason: string }[] = [];
  // Edits replace whole values, so two regions either are the same value or do not overlap.
  const taken = new Set<number>();
  const overlaps = (r: TextRegion) => taken.has(r.start);
  for (const fix of fixes) {
    const located = fix.edits.map(locate);
    if (located.some((l) => l === undefined)) {
      skipped.push({ fix, reason: "the value is reached through an anchor or merge key, or is not in the file" });
      continue;
    }
    const edits = located as LocatedEdit[];
    if (edits.some((e) => overlaps(e.region))) {
      skipped.push({ fix, reason: "another fix changes the same place; run --fix again" });
      continue;
    }
    for (const e of edits) {
      taken.add(e.region.start);
      splices.push(e);
    }
    applied.push(fix);
  }
  splices.sort((a, b) => a.region.start - b.region.start);
  const pieces: string[] = [];
  let at = 0;
  for (const s of splices) {
    pieces.push(text.slice(at, s.region.start), s.replacement);
    at = s.region.end;
  }
  pieces.push(text.slice(at));
  return { text: pieces.join(""), applied, skipped };
}
