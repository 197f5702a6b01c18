/**
 * The one rule both front-ends apply before a deploy touches a cluster: a plan with error
 * findings is refused unless forced; `failOn: "warning"` refuses on warnings too. A rollback is
 * never refused by findings — it is the way back from a bad plan, not a new rollout.
 * The CLI (`opdeploy deploy [--force]`) and the Action (`force:` input) call this and only print
 * what it says, so the same plan gets the same answer from both.
 */
import type { Finding } from "@openpolicy/core";

export interface DeployGuardOptions {
  /** Deploy even with error findings (CLI `--force`, Action input `force`). */
  force?: boolean;
  /** "warning": warnings block as errors do (unless forced). */
  failOn?: "error" | "warning" | "never";
  mode?: "deploy" | "rollback";
}

export interface DeployGuardVerdict {
  allowed: boolean;
  errors: number;
  warnings: number;
  /** Why it is refused, or (forced) what was overridden; empty when nothing blocks. */
  reasons: string[];
  forced: boolean;
}

export function countFindings(findings: readonly Finding[]): { errors: number; warnings: number } {
  let errors = 0;
  let warnings = 0;
  for (const f of findings) {
    if (f.severity === "error") errors++;
    else if (f.severity === "warning") warnings++;
  }
  return { errors, warnings };
}

export function deployGuard(findings: readonly Finding[], options: DeployGuardOptions = {}): DeployGuardVerdict {
  const counts = countFindings(findings);
  const reasons: string[] = [];
  if (options.mode !== "rollback") {
    if (counts.errors > 0) reasons.push(`${counts.errors} error finding${counts.errors === 1 ? "" : "s"}`);
    if (options.failOn === "warning" && counts.warnings > 0) reasons.push(`${counts.warnings} warning${counts.warnings === 1 ? "" : "s"} (fail-on: warning)`);
  }
  const forced = reasons.length > 0 && options.force === true;
  return { allowed: reasons.length === 0 || forced, errors: counts.errors, warnings: counts.warnings, reasons, forced };
}
