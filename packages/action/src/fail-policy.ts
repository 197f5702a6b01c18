import type { FailOn } from "./inputs.js";

export interface Outcome {
  errors: number;
  warnings: number;
  /** The simulation's verdict, when the plan was rehearsed. */
  simulationVerdict?: string;
  /** With runs > 1: how many of the seeded rehearsals did not succeed. */
  unsuccessfulRuns?: { count: number; runs: number };
}

/**
 * Why the step fails under `fail-on`, or undefined when it passes:
 * - error: any error finding, or a rehearsal (any seed, with runs > 1) that did not succeed;
 * - warning: the same, and any warning;
 * - never: never on findings (a plan that cannot be read fails before this is asked).
 */
export function failureReason(failOn: FailOn, outcome: Outcome): string | undefined {
  if (failOn === "never") return undefined;
  const reasons: string[] = [];
  if (outcome.errors > 0) reasons.push(`${outcome.errors} error${outcome.errors === 1 ? "" : "s"}`);
  if (failOn === "warning" && outcome.warnings > 0) reasons.push(`${outcome.warnings} warning${outcome.warnings === 1 ? "" : "s"}`);
  if (outcome.simulationVerdict !== undefined && outcome.simulationVerdict !== "succeeded") {
    reasons.push(`the simulated rollout ${outcome.simulationVerdict}`);
  }
  if (outcome.unsuccessfulRuns && outcome.unsuccessfulRuns.count > 0) {
    reasons.push(`${outcome.unsuccessfulRuns.count} of ${outcome.unsuccessfulRuns.runs} seeded rehearsals did not succeed`);
  }
  return reasons.length > 0 ? `${reasons.join(", ")} (fail-on: ${failOn})` : undefined;
}
