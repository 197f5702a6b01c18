import type { Finding } from "../checks/finding.js";

/** Findings as `opdeploy check -f json` prints them: a stable shape for scripts. */
export interface FindingsJson {
  findings: Array<{
    rule: string;
    severity: string;
    message: string;
    services: string[];
    location: { file: string; line: number; column: number };
  }>;
  summary: { errors: number; warnings: number };
}

/** The machine-readable form (a plain object: `JSON.stringify` it). Field order is fixed. */
export function findingsToJson(findings: readonly Finding[]): FindingsJson {
  return {
    findings: findings.map((f) => ({
      rule: f.rule,
      severity: f.severity,
      message: f.message,
      services: [...f.services],
      location: { file: f.location.file, line: f.location.line, column: f.location.column },
    })),
    summary: {
      errors: findings.filter((f) => f.severity === "error").length,
      warnings: findings.filter((f) => f.severity === "warning").length,
    },
  };
}
