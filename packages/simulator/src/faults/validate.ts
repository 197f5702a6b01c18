/**
 * Fault targets checked against the plan before anything runs: `--fault oom:rabitmq` (a typo)
 * used to be ignored and the rehearsal "succeeded", and an unknown node surfaced as a stack trace
 * mid-run (issue 9). Every problem is reported at once, with the closest real name.
 */
import { didYouMean, type Plan } from "@openpolicy/core";
import { simulatedNodes } from "../simulate.js";
import { describeFault, type Fault } from "./fault.js";
import { FaultParseError } from "./parse.js";

function unknown(fault: Fault, what: "service" | "node", name: string, known: readonly string[]): string {
  const hint = didYouMean(name, known);
  const advice = hint !== undefined ? `did you mean ${JSON.stringify(hint)}?` : `the plan's ${what}s are ${known.slice(0, 10).join(", ")}${known.length > 10 ? ", …" : ""}`;
  return `faults: ${describeFault(fault)}: ${JSON.stringify(name)} is not a ${what} of the plan; ${advice}`;
}

/** The problems with `faults` for `plan` (empty when every target exists). */
export function faultTargetProblems(faults: readonly Fault[], plan: Plan): string[] {
  const services = [...plan.services.keys()];
  const nodes = simulatedNodes(plan).map((node) => node.name);
  const problems: string[] = [];
  for (const fault of faults) {
    if (fault.kind === "node-restart") {
      if (!nodes.includes(fault.node)) problems.push(unknown(fault, "node", fault.node, nodes));
    } else if (!plan.services.has(fault.service)) {
      problems.push(unknown(fault, "service", fault.service, services));
    }
  }
  return problems;
}

/** Throws a FaultParseError listing every fault whose service or node the plan does not have. */
export function validateFaultTargets(faults: readonly Fault[], plan: Plan): void {
  const problems = faultTargetProblems(faults, plan);
  if (problems.length > 0) throw new FaultParseError(problems.join("\n"));
}
