/** One problem found while reading a plan: where it is, which field, and what is wrong. */
export interface PlanProblem {
  file: string;
  line: number;
  column: number;
  /** Field path, e.g. "services.database-service.resources.limits.memory". Empty for the document. */
  path: string;
  message: string;
}

/**
 * Thrown when a plan cannot be used: carries every problem found, not just the first.
 * `message` lists them as `file:line:column: path: message`, one per line.
 */
export class PlanLoadError extends Error {
  readonly problems: PlanProblem[];
  constructor(problems: PlanProblem[]) {
    super(problems.map(formatProblem).join("\n"));
    this.name = "PlanLoadError";
    this.problems = problems;
  }
}

export function formatProblem(p: PlanProblem): string {
  const where = `${p.file}:${p.line}:${p.column}`;
  return p.path ? `${where}: ${p.path}: ${p.message}` : `${where}: ${p.message}`;
}

/** Deeper than any plan goes; past it the parsers' recursion, not the plan, would decide what happens. */
export const MAX_NESTING = 64;

export function tooDeep(file: string, line = 1, column = 1, path = ""): PlanLoadError {
  return new PlanLoadError([
    { file, line, column, path, message: `the plan is nested more than ${MAX_NESTING} levels deep; a plan needs far fewer (is a bracket left open?)` },
  ]);
}
