/**
 * Plan text (YAML, or JSON — which the YAML parser reads too) → Plan. The reference reading uses
 * the `yaml` package's AST so every problem can name its line and column, and reports syntax
 * errors, duplicate keys and schema problems together where the document still makes sense.
 * Ordinary text takes a faster road (fast-parse.ts) that yields the same values and locations;
 * whatever that road cannot vouch for takes the reference one.
 */
import { LineCounter, parseAllDocuments, type YAMLError } from "yaml";
import { decodePlan } from "./decode.js";
import { fastParsePlanText } from "./fast-parse.js";
import { detectPlanFormat } from "./plan-format.js";
import { PlanLoadError, tooDeep, type PlanProblem } from "./errors.js";
import { sortProblems } from "./issues.js";
import { duplicateKeys, formatPath, pathAtOffset, yamlLocator } from "./locate.js";
import type { Plan } from "./model.js";
import type { TextIndex } from "./text-index.js";

export { detectPlanFormat } from "./plan-format.js";

/** The first line of a pretty error, without the "at line L, column C:" that our prefix repeats. */
function errorMessage(error: YAMLError): string {
  const first = error.message.split("\n")[0] ?? error.message;
  return first.replace(/\s+at line \d+, column \d+:?\s*$/, "");
}

/** A byte order mark is not content: columns on line 1 count from the first visible character. */
function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Decodes YAML (or JSON) plan text into a {@link Plan}. Throws {@link PlanLoadError} listing every
 * problem with file, line and field. For Markdown as well, use {@link parsePlanDocument}.
 */
export function parsePlanText(text: string, file: string): Plan {
  return parsePlanTextIndexed(text, file).plan;
}

/**
 * parsePlanText, and the index of where things are written when the fast road read the text
 * (null otherwise): kept with the document so placing fixes does not parse the text again.
 */
export function parsePlanTextIndexed(text: string, file: string): { plan: Plan; index: TextIndex | null } {
  const content = withoutBom(text);
  try {
    const fast = fastParsePlanText(content);
    if (fast !== undefined) return { plan: decodePlan(fast.value, { file, format: detectPlanFormat(content), locate: fast.index.locate }), index: fast.index };
    return { plan: parsePlanTextReference(content, file), index: null };
  } catch (error) {
    // Tens of thousands of nested `[` exhaust the stack inside the YAML parser itself.
    if (error instanceof RangeError) throw tooDeep(file);
    throw error;
  }
}

/** parsePlanText through the `yaml` package's AST only: the behaviour the fast road must match. */
export function parsePlanTextReference(withBom: string, file: string): Plan {
  const text = withoutBom(withBom);
  const format = detectPlanFormat(text);
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter, uniqueKeys: false, prettyErrors: true, merge: true });
  const firstProblem = (message: string, line = 1, column = 1): PlanLoadError =>
    new PlanLoadError([{ file, line, column, path: "", message }]);

  // parseAllDocuments returns an EmptyStream (not an array) when there is no document at all.
  if (!Array.isArray(documents) || documents.length === 0) throw firstProblem("plan is empty");
  const [document, ...others] = documents as [(typeof documents)[number], ...typeof documents];
  const problems: PlanProblem[] = [];

  for (const error of [...document.errors, ...others.flatMap((d) => d.errors)]) {
    const { line, col } = error.linePos?.[0] ?? { line: 1, col: 1 };
    // The yaml package catches its own stack overflow on absurd nesting and reports it as an
    // error there; its field path would be thousands of `[0]`.
    if (/call stack/i.test(error.message)) throw tooDeep(file, line, col);
    const path = pathAtOffset(document, error.pos[0]);
    problems.push({ file, line, column: col, path: path ? formatPath(path) : "", message: errorMessage(error) });
  }
  if (others.length > 0) {
    const start = others[0]!.contents?.range[0] ?? text.length;
    const { line, col } = lineCounter.linePos(start);
    problems.push({ file, line, column: col, path: "", message: `a plan is one YAML document; found ${documents.length} (remove the extra \`---\`)` });
  }
  // Syntax errors stop here; a duplicate key leaves the document readable, so schema problems
  // are reported together with it.
  if (problems.length > 0) throw new PlanLoadError(sortProblems(problems));
  for (const duplicate of duplicateKeys(document)) {
    const { line, col } = lineCounter.linePos(duplicate.offset);
    const key = String(duplicate.path[duplicate.path.length - 1]);
    problems.push({ file, line, column: col, path: formatPath(duplicate.path), message: `field \`${key}\` is written twice (keys must be unique; the last one would silently win)` });
  }

  let raw: unknown;
  try {
    raw = document.toJS({ maxAliasCount: 1000 });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new PlanLoadError(sortProblems([...problems, { file, line: 1, column: 1, path: "", message: reason }]));
  }
  return decodePlan(raw, { file, format, locate: yamlLocator(document, lineCounter) }, problems);
}
