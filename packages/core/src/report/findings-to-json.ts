import type { Finding, Fix } from "../checks/finding.js";
import { formatPath } from "../plan/locate.js";
import type { EditLocator, TextRegion } from "./plan-edits.js";

/** A finding's fix in the JSON report (`check -f json`'s `fix`). */
export interface FixJson {
  description: string;
  /** Whether `opdeploy check --fix` makes it. */
  safe: boolean;
  edits: Array<{
    /** The field changed, e.g. `services.web.port`. */
    path: string;
    /** The field after the change, as plan text: `port: 10001`. */
    text: string;
    /** Where the value is written and what replaces it (YAML and JSON plans). */
    region?: Omit<TextRegion, "start" | "end">;
    replacement?: string;
  }>;
}

/** Findings as `opdeploy check -f json` prints them: a stable shape for scripts. */
export interface FindingsJson {
  findings: Array<{
    rule: string;
    severity: string;
    message: string;
    services: string[];
    location: { file: string; line: number; column: number };
    fix?: FixJson;
  }>;
  summary: { errors: number; warnings: number };
}

/** Options of {@link findingsToJson}. */
export interface JsonOptions {
  /** Resolves fix edits to regions of the plan text (see editLocator). */
  locate?: EditLocator;
}

/** The JSON form of a fix; with a locator, each edit carries its region and replacement text. */
export function fixToJson(fix: Fix, locate?: EditLocator): FixJson {
  return {
    description: fix.description,
    safe: fix.safe,
    edits: fix.edits.map((edit) => {
      const located = locate?.(edit);
      const out: FixJson["edits"][number] = { path: formatPath(edit.path), text: edit.text };
      if (located) {
        const { start: _start, end: _end, ...region } = located.region;
        out.region = region;
        out.replacement = located.replacement;
      }
      return out;
    }),
  };
}

/** The machine-readable form (a plain object: `JSON.stringify` it). Field order is fixed. */
export function findingsToJson(findings: readonly Finding[], options: JsonOptions = {}): FindingsJson {
  return {
    findings: findings.map((f) => ({
      rule: f.rule,
      severity: f.severity,
      message: f.message,
      services: [...f.services],
      location: { file: f.location.file, line: f.location.line, column: f.location.column },
      ...(f.fix ? { fix: fixToJson(f.fix, options.locate) } : {}),
    })),
    summary: {
      errors: findings.filter((f) => f.severity === "error").length,
      warnings: findings.filter((f) => f.severity === "warning").length,
    },
  };
}
