/**
 * Kubernetes manifests read back with source positions, so every cross-check finding can say
 * `file:line` of the field that is wrong. Text comes in (the CLI reads the files), objects with a
 * `locate(path)` function come out; core stays free of file I/O.
 */
import { type Document, LineCounter, isMap, isNode, isScalar, parseAllDocuments } from "yaml";
import type { SourceLocation } from "../plan/model.js";

/** The text of a manifest file and its name (for locations in messages). */
export interface ManifestText {
  file: string;
  text: string;
}

/** A field path inside a manifest object. */
export type FieldPath = ReadonlyArray<string | number>;

/** One Kubernetes object read from a manifest file, with where it was written. */
export interface ManifestObject {
  file: string;
  /** 0-based index of the YAML document in its file. */
  documentIndex: number;
  kind: string;
  name: string;
  /** The object as plain data. */
  value: Record<string, unknown>;
  /** Where `path` is written (the key of a mapping entry, the item of a sequence); the nearest
   * written ancestor when the field itself is absent. */
  locate(path: FieldPath): SourceLocation;
}

/** A YAML error in a manifest file, with its location. */
export interface ManifestSyntaxError {
  file: string;
  message: string;
  location: SourceLocation;
}

/** What {@link parseManifests} read: the objects, and every syntax error. */
export interface ParsedManifests {
  objects: ManifestObject[];
  errors: ManifestSyntaxError[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function locator(file: string, doc: Document, lines: LineCounter): (path: FieldPath) => SourceLocation {
  const at = (offset: number): SourceLocation => {
    const { line, col } = lines.linePos(offset);
    return { file, line, column: col };
  };
  return (path) => {
    // Walk up until a written node is found: a missing `replicas` is reported at `spec`.
    for (let depth = path.length; depth >= 0; depth--) {
      const last = path[depth - 1];
      if (typeof last === "string") {
        // A mapping entry is reported at its key: `ports:` is on the key's line, while a block
        // sequence value only starts on the next one.
        const parent = depth === 1 ? doc.contents : doc.getIn(path.slice(0, depth - 1), true);
        if (isMap(parent)) {
          const pair = parent.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === last);
          if (pair && isNode(pair.key) && pair.key.range) return at(pair.key.range[0]);
        }
        continue;
      }
      const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
      if (isNode(node) && node.range) return at(node.range[0]);
    }
    return { file, line: 1, column: 1 };
  };
}

/**
 * Every object of every document; `kind: List` items are flattened. Documents that are empty or
 * not mappings are skipped; YAML syntax errors are returned, not thrown.
 */
export function parseManifests(texts: readonly ManifestText[]): ParsedManifests {
  const objects: ManifestObject[] = [];
  const errors: ManifestSyntaxError[] = [];
  for (const { file, text } of texts) {
    const lines = new LineCounter();
    const docs = parseAllDocuments(text, { lineCounter: lines, version: "1.1" });
    if (!Array.isArray(docs)) continue; // an empty stream
    docs.forEach((doc, documentIndex) => {
      if (doc.errors.length > 0) {
        for (const error of doc.errors) {
          const { line, col } = lines.linePos(error.pos[0]);
          errors.push({ file, message: error.message.split("\n")[0] ?? error.message, location: { file, line, column: col } });
        }
        return;
      }
      const value: unknown = doc.toJS({ maxAliasCount: 100 });
      if (!isRecord(value)) return;
      const locate = locator(file, doc, lines);
      const push = (item: Record<string, unknown>, prefix: FieldPath) => {
        const metadata = isRecord(item.metadata) ? item.metadata : {};
        objects.push({
          file,
          documentIndex,
          kind: typeof item.kind === "string" ? item.kind : "",
          name: typeof metadata.name === "string" ? metadata.name : "",
          value: item,
          locate: (path) => locate([...prefix, ...path]),
        });
      };
      if (value.kind === "List" && Array.isArray(value.items)) {
        value.items.forEach((item, i) => {
          if (isRecord(item)) push(item, ["items", i]);
        });
      } else {
        push(value, []);
      }
    });
  }
  return { objects, errors };
}
