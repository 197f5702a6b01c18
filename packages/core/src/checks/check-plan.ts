import type { Plan } from "../plan/model.js";
import { checkBudget } from "./budget-exceeded.js";
import { checkCapacity } from "./capacity-exceeded.js";
import { checkDeclaredTotals } from "./declared-total-mismatch.js";
import { checkDependencyCycles } from "./dependency-cycle.js";
import { checkPlacements } from "./duplicate-placement.js";
import type { Finding, RuleId, Severity } from "./finding.js";
import { checkGates } from "./gate-unreachable.js";
import { checkLimits } from "./limit-below-request.js";
import { checkValidations } from "./missing-validation.js";
import { checkOrder } from "./order-violation.js";
import { checkOvercommit } from "./overcommit.js";
import { checkPorts } from "./port-conflict.js";
import { checkUnknownDependencies } from "./unknown-dependency.js";
import { checkUnplacedServices } from "./unplaced-service.js";
import { checkSchedulable } from "./unschedulable.js";
import { withSharedAnalysis } from "./shared-analysis.js";

/**
 * The check of every rule that looks at a normalized plan, by rule id. Rules reported by the
 * plan readers themselves (e.g. "unread-content" from the Markdown importer) have no entry.
 */
export const CHECKS: Partial<Record<RuleId, (plan: Plan) => Finding[]>> = {
  "dependency-cycle": checkDependencyCycles,
  "unknown-dependency": checkUnknownDependencies,
  "order-violation": checkOrder,
  "unplaced-service": checkUnplacedServices,
  "duplicate-placement": checkPlacements,
  "port-conflict": checkPorts,
  unschedulable: checkSchedulable,
  "capacity-exceeded": checkCapacity,
  "gate-unreachable": checkGates,
  "budget-exceeded": checkBudget,
  "declared-total-mismatch": checkDeclaredTotals,
  "limit-below-request": checkLimits,
  overcommit: checkOvercommit,
  "missing-validation": checkValidations,
};

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Errors first, then warnings, then by file, line, column, rule and message (a total, stable order). */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
    a.location.file.localeCompare(b.location.file) ||
    a.location.line - b.location.line ||
    a.location.column - b.location.column ||
    a.rule.localeCompare(b.rule) ||
    a.message.localeCompare(b.message)
  );
}

/** Runs every check on the plan and returns the findings sorted by `compareFindings`. */
export function checkPlan(plan: Plan): Finding[] {
  const findings: Finding[] = [];
  // A loop, not push(...): 500 services depending on "*" give 250,000 order findings, more
  // arguments than a call can take.
  withSharedAnalysis(() => {
    for (const check of Object.values(CHECKS)) if (check) for (const finding of check(plan)) findings.push(finding);
  });
  return findings.sort(compareFindings);
}
