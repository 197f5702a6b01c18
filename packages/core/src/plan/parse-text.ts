/**
 * Plan text (YAML, or JSON — which the YAML parser reads too) → Plan. Uses the `yaml` package's
 * AST so every problem can name its line and column, and reports syntax errors, duplicate keys
 * and schema problems together where the document still makes sense.
 */
import { LineCounter, parseAllDocuments, type YAMLError } from "yaml";
import { decodePlan } from "./decode.js";
import { PlanLoadError, type PlanProblem } from "./errors.js";
import { sortProblems } from "./issues.js";
import { formatPath, pathAtOffset, yamlLocator } from "./locate.js";
import type { Plan } from "./model.js";

/** JSON when the first significant character opens an object; YAML otherwise. */
export function detectPlanFormat(text: string): "json" | "yaml" {
  return text.replace(/^\uFEFF/, "").trimStart().startsWith("{") ? "json" : "yaml";
}

/** Parser errors after which the document is still what the author meant, so schema checks run too. */
const RECOVERABLE_ERRORS = new Set(["DUPLICATE_KEY"]);

/** The first line of a pretty error, without the "at line L, column C:" that our prefix repeats. */
function errorMessage(error: YAMLError): string {
  const first = error.message.split("\n")[0] ?? error.message;
  return first.replace(/\s+at line \d+, column \d+:?\s*$/, "");
}

export function parsePlanText(text: string, file: string): Plan {
  const format = detectPlanFormat(text);
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: true, merge: true });
  const firstProblem = (message: string, line = 1, column = 1): PlanLoadError =>
    new PlanLoadError([{ file, line, column, path: "", message }]);

  // parseAllDocuments returns an EmptyStream (not an array) when there is no document at all.
  if (!Array.isArray(documents) || documents.length === 0) throw firstProblem("plan is empty");
  const [document, ...others] = documents as [(typeof documents)[number], ...typeof documents];
  const problems: PlanProblem[] = [];

  for (const error of [...document.errors, ...others.flatMap((d) => d.errors)]) {
    const { line, col } = error.linePos?.[0] ?? { line: 1, col: 1 };
    const path = pathAtOffset(document, error.pos[0]);
    const message =
      error.code === "DUPLICATE_KEY"
        ? `${path ? `field \`${String(path[path.length - 1])}\`` : "a field"} is written twice (keys must be unique; the last one would silently win)`
        : errorMessage(error);
    problems.push({ file, line, column: col, path: path ? formatPath(path) : "", message });
  }
  if (others.length > 0) {
    const start = others[0]!.contents?.range[0] ?? text.length;
    const { line, col } = lineCounter.linePos(start);
    problems.push({ file, line, column: col, path: "", message: `a plan is one YAML document; found ${documents.length} (remove the extra \`---\`)` });
  }
  const fatal = problems.some((problem, index) => index >= document.errors.length || !RECOVERABLE_ERRORS.has(document.errors[index]!.code));
  if (fatal) throw new PlanLoadError(sortProblems(problems));

  let raw: unknown;
  try {
    raw = document.toJS({ maxAliasCount: 1000 });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new PlanLoadError(sortProblems([...problems, { file, line: 1, column: 1, path: "", message: reason }]));
  }
  return decodePlan(raw, { file, format, locate: yamlLocator(document, lineCounter) }, problems);
}
