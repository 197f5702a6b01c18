/**
 * zod issues → PlanProblems a person can act on: the field path, where it was written, and a
 * message in the plan's terms ("unknown field `dependOn`; did you mean `dependsOn`?").
 */
import type { z } from "zod";
import { didYouMean } from "./did-you-mean.js";
import type { PlanProblem } from "./errors.js";
import { formatPath, type PathSegment } from "./locate.js";

type Issue = z.core.$ZodIssue;
type AnySchema = z.core.$ZodType;

/** What a value is, for "expected a number, got …" messages. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null (an empty value)";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return `the text ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === "number") return `the number ${value}`;
  if (typeof value === "boolean") return `${value}`;
  return typeof value;
}

const EXPECTED_NAMES: Record<string, string> = {
  object: "a mapping",
  record: "a mapping",
  array: "a list",
  string: "text",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
};

/** Object keys a schema allows at `path` (union members and wrappers included). */
export function allowedKeysAt(schema: AnySchema, path: readonly PathSegment[]): string[] {
  const keys = new Set<string>();
  const visit = (node: AnySchema, rest: readonly PathSegment[]): void => {
    const def = node._zod.def as unknown as Record<string, unknown> & { type: string };
    switch (def.type) {
      case "optional":
      case "nullable":
      case "default":
      case "prefault":
      case "readonly":
      case "catch":
      case "nonoptional":
        return visit(def.innerType as AnySchema, rest);
      case "pipe":
        return visit(def.in as AnySchema, rest);
      case "union":
        for (const option of def.options as AnySchema[]) visit(option, rest);
        return;
      case "array":
        if (rest.length > 0) visit(def.element as AnySchema, rest.slice(1));
        return;
      case "record":
        if (rest.length > 0) visit(def.valueType as AnySchema, rest.slice(1));
        return;
      case "object": {
        const shape = def.shape as Record<string, AnySchema>;
        if (rest.length === 0) {
          for (const key of Object.keys(shape)) keys.add(key);
          return;
        }
        const next = shape[String(rest[0])];
        if (next) visit(next, rest.slice(1));
        return;
      }
      default:
        return;
    }
  };
  visit(schema, path);
  return [...keys];
}

/** A union branch that failed on the value's own type got nowhere; another branch may explain more. */
function failedAtRoot(issues: readonly Issue[]): boolean {
  return issues.length === 1 && issues[0]!.path.length === 0 && (issues[0]!.code === "invalid_type" || issues[0]!.code === "invalid_value");
}

/**
 * Flattens zod's nested issues (union branches carry their own, relative paths) into issues with
 * absolute paths. For a union, when exactly one branch got past the value's type (the value was a
 * mapping, and the mapping branch found a misspelt key) its issues are what the author needs;
 * otherwise the union's own message ("expected a memory quantity such as 128Mi") is.
 */
export function flattenIssues(issues: readonly Issue[], prefix: readonly PathSegment[] = []): Issue[] {
  const flat: Issue[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...(issue.path as PathSegment[])];
    if (issue.code === "invalid_union" && issue.errors.length > 0) {
      const informative = issue.errors.filter((branch) => !failedAtRoot(branch));
      if (informative.length === 1) {
        for (const inner of flattenIssues(informative[0]!, path)) flat.push(inner);
        continue;
      }
    }
    if ((issue.code === "invalid_key" || issue.code === "invalid_element") && issue.issues.length > 0) {
      // A loop, not push(...): a list with 200,000 bad entries is more arguments than a call takes.
      for (const inner of flattenIssues(issue.issues, issue.code === "invalid_element" ? [...path, issue.key as PathSegment] : path)) flat.push(inner);
      continue;
    }
    flat.push({ ...issue, path } as Issue);
  }
  return flat;
}

function sizeMessage(issue: Extract<Issue, { code: "too_small" | "too_big" }>): string {
  const small = issue.code === "too_small";
  const bound = small ? (issue as { minimum: number | bigint }).minimum : (issue as { maximum: number | bigint }).maximum;
  const inclusive = issue.inclusive !== false;
  switch (issue.origin) {
    case "array":
    case "set":
      return small ? `must list at least ${bound} item${Number(bound) === 1 ? "" : "s"}` : `must list at most ${bound} items`;
    case "string":
      return small ? (Number(bound) === 1 ? "must not be empty" : `must be at least ${bound} characters`) : `must be at most ${bound} characters`;
    default: {
      const got = "input" in issue && issue.input !== undefined ? `, got ${describeValue(issue.input)}` : "";
      if (small) return `must be ${inclusive ? "at least" : "more than"} ${bound}${got}`;
      return `must be ${inclusive ? "at most" : "less than"} ${bound}${got}`;
    }
  }
}

/** A problem (without file/line/column) for one flattened issue; unknown keys give one each. */
export function issueToProblems(issue: Issue, schema: AnySchema): { path: PathSegment[]; message: string }[] {
  const path = issue.path as PathSegment[];
  switch (issue.code) {
    case "unrecognized_keys": {
      const allowed = allowedKeysAt(schema, path);
      return issue.keys.map((key) => {
        const hint = didYouMean(key, allowed);
        const advice = hint !== undefined ? `; did you mean \`${hint}\`?` : allowed.length > 0 ? ` (allowed here: ${allowed.join(", ")})` : "";
        return { path: [...path, key], message: `unknown field \`${key}\`${advice}` };
      });
    }
    case "invalid_type": {
      const expected = EXPECTED_NAMES[issue.expected] ?? issue.expected;
      const input = (issue as { input?: unknown }).input;
      const last = path[path.length - 1];
      if (input === undefined) {
        return [{ path, message: typeof last === "string" ? `missing required field \`${last}\` (${expected})` : `missing ${expected}` }];
      }
      return [{ path, message: `expected ${expected}, got ${describeValue(input)}` }];
    }
    case "invalid_value": {
      const options = issue.values.map((value) => JSON.stringify(value)).join(" | ");
      const input = (issue as { input?: unknown }).input;
      const hint = typeof input === "string" ? didYouMean(input, issue.values.filter((v): v is string => typeof v === "string")) : undefined;
      return [{ path, message: `expected one of ${options}, got ${describeValue(input)}${hint !== undefined ? `; did you mean ${JSON.stringify(hint)}?` : ""}` }];
    }
    case "too_small":
    case "too_big":
      return [{ path, message: sizeMessage(issue) }];
    case "invalid_format":
      return [{ path, message: `${describeValue((issue as { input?: unknown }).input)} does not have the expected form (${issue.format}${issue.pattern ? ` ${issue.pattern}` : ""})` }];
    case "invalid_union": {
      // Every branch failed on the value's type: a misspelt keyword (`validate: htpp`) still
      // deserves a hint from the branch that lists keywords.
      const input = (issue as { input?: unknown }).input;
      const keywords = issue.errors.flat().flatMap((inner) => (inner.code === "invalid_value" ? inner.values : []));
      const strings = keywords.filter((v): v is string => typeof v === "string");
      const hint = typeof input === "string" ? didYouMean(input, strings) : undefined;
      const last = path[path.length - 1];
      if (input === undefined && typeof last === "string") {
        return [{ path, message: `missing required field \`${last}\` (${issue.message.replace(/^expected /, "")})` }];
      }
      const got = input !== undefined ? `, got ${describeValue(input)}` : "";
      return [{ path, message: `${issue.message}${got}${hint !== undefined ? `; did you mean ${JSON.stringify(hint)}?` : ""}` }];
    }
    default:
      return [{ path, message: issue.message }];
  }
}

/** Every zod issue as a located PlanProblem, sorted by position in the file. */
export function issuesToPlanProblems(
  issues: readonly Issue[],
  schema: AnySchema,
  file: string,
  locate: (path: PathSegment[]) => { line: number; column: number },
): PlanProblem[] {
  const found = flattenIssues(issues).flatMap((issue) => issueToProblems(issue, schema));
  // `service:` for `services:` gives "unknown field `service`; did you mean `services`?" — saying
  // `services` is missing as well would only repeat it.
  const suggested = new Set(
    found.flatMap(({ path, message }) => {
      const hint = /did you mean `([^`]+)`\?$/.exec(message);
      return hint ? [formatPath([...path.slice(0, -1), hint[1]!])] : [];
    }),
  );
  const problems: PlanProblem[] = [];
  for (const { path, message } of found) {
    if (message.startsWith("missing required field") && suggested.has(formatPath(path))) continue;
    const { line, column } = locate(path);
    problems.push({ file, line, column, path: formatPath(path), message });
  }
  return sortProblems(problems);
}

export function sortProblems(problems: PlanProblem[]): PlanProblem[] {
  return problems
    .map((problem, index) => ({ problem, index }))
    .sort((a, b) => a.problem.line - b.problem.line || a.problem.column - b.problem.column || a.index - b.index)
    .map(({ problem }) => problem);
}
