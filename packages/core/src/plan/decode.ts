/**
 * An already-parsed plan object (from YAML, JSON or the Markdown importer) → the model Plan, or a
 * PlanLoadError listing every problem at once with its file:line:column and field path.
 */
import type { z } from "zod";
import { MAX_NESTING, PlanLoadError, tooDeep, type PlanProblem } from "./errors.js";
import { issuesToPlanProblems, sortProblems, describeValue } from "./issues.js";
import { formatPath, type PathSegment } from "./locate.js";
import type { Plan } from "./model.js";
import { normalizePlan, type PlanSource } from "./normalize.js";
import { PlanSchema, type ServiceParsed } from "./schema.js";

export type { PlanSource } from "./normalize.js";

/**
 * Service names are user data, and zod builds a record's output with plain assignment: a service
 * named `__proto__` would set the output's prototype and vanish. The schema therefore sees each
 * service under a key no object inherits (a NUL and its position), and the names come back here.
 */
const SAFE_KEY_PREFIX = "\u0000";

function withSafeServiceKeys(raw: object): { input: object; names: string[] } {
  const services = (raw as { services?: unknown }).services;
  if (typeof services !== "object" || services === null || Array.isArray(services)) return { input: raw, names: [] };
  const entries = Object.entries(services);
  const safe = Object.fromEntries(entries.map(([, value], index) => [`${SAFE_KEY_PREFIX}${index}`, value]));
  return { input: { ...raw, services: safe }, names: entries.map(([name]) => name) };
}

function originalPath(path: readonly PropertyKey[], names: readonly string[]): PathSegment[] {
  const segments = path as PathSegment[];
  const key = segments[1];
  if (segments[0] !== "services" || typeof key !== "string" || !key.startsWith(SAFE_KEY_PREFIX)) return [...segments];
  return ["services", names[Number(key.slice(SAFE_KEY_PREFIX.length))] ?? key, ...segments.slice(2)];
}

/**
 * The path to a value nested more than `limit` levels deep, if any, found without recursion: zod
 * and the problem formatting recurse, and 10,000 nested lists would overflow the stack there.
 */
function pathDeeperThan(raw: unknown, limit: number): PathSegment[] | undefined {
  // Depths first (cheap on a 100,000-service plan); the path only once something is too deep.
  // Two parallel stacks and a `for…in` walk: no tuple and no values array per object visited.
  const values: unknown[] = [raw];
  const depths: number[] = [0];
  let tooDeepFound = false;
  while (values.length > 0 && !tooDeepFound) {
    const value = values.pop();
    const depth = depths.pop()!;
    if (typeof value !== "object" || value === null) continue;
    if (depth >= limit) tooDeepFound = true;
    else {
      for (const key in value) {
        if (!Object.hasOwn(value, key)) continue;
        values.push((value as Record<string, unknown>)[key]);
        depths.push(depth + 1);
      }
    }
  }
  if (!tooDeepFound) return undefined;
  const paths: { value: unknown; path: PathSegment[] }[] = [{ value: raw, path: [] }];
  while (paths.length > 0) {
    const { value, path } = paths.pop()!;
    if (typeof value !== "object" || value === null) continue;
    if (path.length >= limit) return path;
    for (const [key, inner] of Object.entries(value)) paths.push({ value: inner, path: [...path, Array.isArray(value) ? Number(key) : key] });
  }
  return undefined;
}

/**
 * Validates `raw` against the plan format and normalizes it. `source.locate` maps a field path to
 * where it was written; `extraProblems` (e.g. duplicate keys the parser already found) are
 * reported together with the schema's.
 */
export function decodePlan(raw: unknown, source: PlanSource, extraProblems: readonly PlanProblem[] = []): Plan {
  const problemAt = (message: string): PlanProblem => ({ file: source.file, ...source.locate([]), path: "", message });
  if (raw === null || raw === undefined) throw new PlanLoadError(sortProblems([...extraProblems, problemAt("plan is empty")]));
  if (typeof raw !== "object" || Array.isArray(raw)) {
    throw new PlanLoadError(
      sortProblems([...extraProblems, problemAt(`a plan is a mapping of fields (name, cluster, phases, services), got ${describeValue(raw)}`)]),
    );
  }
  const deepest = pathDeeperThan(raw, MAX_NESTING);
  if (deepest !== undefined) {
    const { line, column } = source.locate(deepest);
    throw new PlanLoadError(sortProblems([...extraProblems, tooDeep(source.file, line, column, formatPath(deepest)).problems[0]!]));
  }
  const { input, names } = withSafeServiceKeys(raw);
  const result = PlanSchema.safeParse(input, { reportInput: true });
  if (!result.success) {
    const issues = result.error.issues.map((issue) => ({ ...issue, path: originalPath(issue.path, names) }) as z.core.$ZodIssue);
    const problems = issuesToPlanProblems(issues, PlanSchema, source.file, source.locate);
    throw new PlanLoadError(sortProblems([...extraProblems, ...problems]));
  }
  const services = new Map<string, ServiceParsed>();
  Object.values(result.data.services).forEach((service, index) => services.set(names[index]!, service));
  const { plan, problems } = normalizePlan({ ...result.data, services }, source);
  if (problems.length > 0 || extraProblems.length > 0) throw new PlanLoadError(sortProblems([...extraProblems, ...problems]));
  return plan;
}
