/**
 * Memory written with `m` (milli): `128m` is 0.128 bytes, which Kubernetes rounds up to 1 byte
 * (apimachinery pkg/api/resource/quantity.go, Value()), so the plan loader refuses it with "did
 * you mean 128Mi?". The plan never loads, so no check sees it: this reads the document itself
 * and offers `Mi` in place of `m` for every memory field so written. `check --fix` applies it
 * (a memory of a few bytes is never what was meant) before checking.
 */
import { isMap, isScalar, isSeq, parseDocument } from "yaml";
import type { PathSegment } from "../plan/locate.js";
import type { Fix } from "./finding.js";
import { setField } from "./describe.js";

const MILLI = /^\s*\+?((?:\d+(?:\.\d*)?|\.\d+))m\s*$/;

/** Where memory quantities live in a plan, `*` standing for every key or list item. */
const MEMORY_FIELDS: PathSegment[][] = [
  ["services", "*", "memory"],
  ["services", "*", "storage"],
  ["services", "*", "resources", "requests", "memory"],
  ["services", "*", "resources", "limits", "memory"],
  ["services", "*", "usage", "memory"],
  ["cluster", "nodes", "*", "memory"],
  ["cluster", "reserved", "memory"],
  ["phases", "*", "declared", "memory"],
];

/** Every written value at `pattern` with its concrete path. */
function valuesAt(node: unknown, pattern: PathSegment[], path: PathSegment[], out: { path: PathSegment[]; value: unknown }[]): void {
  if (pattern.length === 0) {
    out.push({ path, value: isScalar(node) ? node.value : undefined });
    return;
  }
  const [head, ...rest] = pattern;
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isScalar(pair.key)) continue;
      const key = String(pair.key.value);
      if (head === "*" || head === key) valuesAt(pair.value, rest, [...path, key], out);
    }
  } else if (isSeq(node) && head === "*") {
    node.items.forEach((item, i) => valuesAt(item, rest, [...path, i], out));
  }
}

/** The `m` → `Mi` fixes for a YAML or JSON plan's text (none when it does not parse). */
export function quantitySpellingFixes(text: string): Fix[] {
  const doc = parseDocument(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, { uniqueKeys: false });
  if (doc.errors.length > 0) return [];
  const found: { path: PathSegment[]; value: unknown }[] = [];
  for (const pattern of MEMORY_FIELDS) valuesAt(doc.contents, pattern, [], found);
  const fixes: Fix[] = [];
  for (const { path, value } of found) {
    if (typeof value !== "string") continue;
    const milli = MILLI.exec(value);
    if (!milli || Number(milli[1]) === 0) continue;
    const edit = setField(path, `${milli[1]}Mi`);
    fixes.push({ description: `${path.join(".")}: ${JSON.stringify(value.trim())} is milli-bytes; write ${edit.text}`, edits: [edit], safe: true });
  }
  return fixes;
}
