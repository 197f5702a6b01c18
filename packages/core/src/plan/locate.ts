/**
 * Where a field path (`["services", "redis", "memory"]`) was written in a YAML/JSON document, by
 * walking the `yaml` package's AST. A field's location is its key (for list items, the item), so a
 * problem with `memory: 12Zi` points at `memory`. A path that does not exist (a missing field)
 * resolves to the deepest part that does, i.e. the object that should have held it.
 */
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node, type ParsedNode, type Pair } from "yaml";

/** One step of a field path: a mapping key or a sequence index. */
export type PathSegment = string | number;
/** A 1-based line and column in a source file. */
export interface LinePosition {
  line: number;
  column: number;
}
/**
 * Finds where a field path of a decoded document was written; falls back to the nearest written
 * ancestor.
 */
export type Locate = (path: readonly PathSegment[]) => LinePosition;

type AnyNode = Node | Pair | null | undefined;

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return undefined;
}

function resolveAlias(node: unknown, doc: Document): unknown {
  return isAlias(node) ? node.resolve(doc) : node;
}

/**
 * Pairs of a map by key, built once per map: locating every service of a 10,000-service plan
 * would otherwise scan the services map once per service (quadratic).
 */
const pairIndexes = new WeakMap<object, Map<string, Pair>>();

function pairIndex(map: { items: Pair[] }): Map<string, Pair> {
  let index = pairIndexes.get(map);
  if (!index) {
    index = new Map();
    // With duplicate keys (already reported) the last one wins, as in toJS().
    for (const pair of map.items) {
      const key = keyText(pair.key);
      if (key !== undefined) index.set(key, pair);
    }
    pairIndexes.set(map, index);
  }
  return index;
}

/** The pair holding `key` in a map, following `<<` merge keys (`merge: true`) when not found. */
function findPair(map: unknown, key: string, doc: Document, depth = 0): Pair | undefined {
  if (!isMap(map) || depth > 8) return undefined;
  const direct = pairIndex(map as { items: Pair[] }).get(key);
  if (direct) return direct;
  for (const pair of map.items) {
    if (keyText(pair.key) !== "<<") continue;
    const source = resolveAlias(pair.value, doc);
    const sources = isSeq(source) ? source.items.map((item) => resolveAlias(item, doc)) : [source];
    for (const merged of sources) {
      const found = findPair(merged, key, doc, depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

function rangeStart(node: AnyNode): number | undefined {
  const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
  return range ? range[0] : undefined;
}

/** A locator for paths in `doc`; positions are 1-based, as LineCounter reports them. */
export function yamlLocator(doc: Document.Parsed<ParsedNode>, lineCounter: LineCounter): Locate {
  const at = (offset: number | undefined): LinePosition | undefined => {
    if (offset === undefined) return undefined;
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const documentStart: LinePosition = at(rangeStart(doc.contents as AnyNode)) ?? { line: 1, column: 1 };

  return (path) => {
    let node: unknown = resolveAlias(doc.contents, doc);
    let best = documentStart;
    for (const segment of path) {
      if (isMap(node)) {
        const pair = findPair(node, String(segment), doc);
        if (!pair) break;
        best = at(rangeStart(pair.key as AnyNode)) ?? best;
        node = resolveAlias(pair.value, doc);
      } else if (isSeq(node) && typeof segment === "number") {
        const item = node.items[segment];
        if (item === undefined) break;
        best = at(rangeStart(item as AnyNode)) ?? best;
        node = resolveAlias(item, doc);
      } else {
        break;
      }
    }
    return best;
  };
}

/**
 * The field path of the key or value containing `offset`, e.g. to name the field a duplicate key
 * or syntax error is in. Undefined when the offset is outside every field.
 */
export function pathAtOffset(doc: Document.Parsed<ParsedNode>, offset: number): PathSegment[] | undefined {
  const within = (node: AnyNode): boolean => {
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    return !!range && offset >= range[0] && offset < Math.max(range[1], range[0] + 1);
  };
  const visit = (node: unknown, path: PathSegment[]): PathSegment[] | undefined => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = keyText(pair.key) ?? "?";
        if (within(pair.key as AnyNode)) return [...path, key];
        if (within(pair.value as AnyNode)) return visit(pair.value, [...path, key]) ?? [...path, key];
      }
    } else if (isSeq(node)) {
      for (const [index, item] of node.items.entries()) {
        if (within(item as AnyNode)) return visit(item, [...path, index]) ?? [...path, index];
      }
    }
    return undefined;
  };
  return visit(doc.contents, []);
}

/**
 * Keys written twice in the same mapping, found in one pass with a set per mapping. (The `yaml`
 * package's own `uniqueKeys` check compares each key with every earlier one: quadratic, seconds
 * for a plan of 10,000 services.)
 */
export function duplicateKeys(doc: Document.Parsed<ParsedNode>): { offset: number; path: PathSegment[] }[] {
  const found: { offset: number; path: PathSegment[] }[] = [];
  const visit = (node: unknown, path: PathSegment[]): void => {
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        const key = keyText(pair.key);
        if (key !== undefined && key !== "<<") {
          if (seen.has(key)) found.push({ offset: rangeStart(pair.key as AnyNode) ?? 0, path: [...path, key] });
          seen.add(key);
        }
        visit(pair.value, key === undefined ? path : [...path, key]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => visit(item, [...path, index]));
    }
  };
  visit(doc.contents, []);
  return found;
}

/** `services.database-service.resources.limits.memory`, with list indexes as `phases[0]`. */
export function formatPath(path: readonly PathSegment[]): string {
  let text = "";
  for (const segment of path) {
    if (typeof segment === "number") text += `[${segment}]`;
    else text += text ? `.${segment}` : segment;
  }
  return text;
}
