/**
 * SARIF 2.1.0 (OASIS, https://docs.oasis-open.org/sarif/sarif/v2.1.0/) for GitHub code scanning
 * and other viewers: one run, the tool "opdeploy" with every rule described, one result per
 * finding with a relative artifact URI and a 1-based region.
 */
import { isAbsolute, relative, sep } from "node:path";
import type { Finding, Severity } from "../checks/finding.js";
import { RULES, type RuleId } from "../checks/finding.js";
import type { Fix } from "../checks/finding.js";
import type { EditLocator } from "./plan-edits.js";

export const SARIF_SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

const LEVEL: Record<Severity, "error" | "warning" | "note"> = { error: "error", warning: "warning", info: "note" };

/** Options of {@link findingsToSarif}. */
export interface SarifOptions {
  toolVersion: string;
  /** Directory that artifact URIs are relative to (default: the current directory). */
  baseDirectory?: string;
  /** Resolves fix edits to regions of the plan text; without it (or for Markdown plans) results carry no `fixes`. */
  locate?: EditLocator;
}

/** SARIF 2.1.0 §3.55 fix: one artifactChange for the plan file, one replacement per edit. */
export interface SarifFix {
  description: { text: string };
  artifactChanges: Array<{
    artifactLocation: { uri: string };
    replacements: Array<{
      deletedRegion: { startLine: number; startColumn: number; endLine: number; endColumn: number };
      insertedContent: { text: string };
    }>;
  }>;
}

/** A SARIF 2.1.0 log, as far as {@link findingsToSarif} fills it. */
export interface SarifLog {
  $schema: string;
  version: "2.1.0";
  runs: Array<{
    tool: {
      driver: {
        name: string;
        version: string;
        informationUri?: string;
        rules: Array<{
          id: string;
          shortDescription: { text: string };
          defaultConfiguration: { level: "error" | "warning" | "note" };
        }>;
      };
    };
    results: Array<{
      ruleId: string;
      ruleIndex: number;
      level: "error" | "warning" | "note";
      message: { text: string };
      locations: Array<{
        physicalLocation: {
          artifactLocation: { uri: string };
          region: { startLine: number; startColumn: number };
        };
      }>;
      properties?: { services: string[]; phase?: string };
      fixes?: SarifFix[];
    }>;
  }>;
}

/** A relative, forward-slashed, percent-encoded URI reference for a plan file path. */
export function artifactUri(file: string, baseDirectory: string = process.cwd()): string {
  const path = isAbsolute(file) ? relative(baseDirectory, file) : file;
  return path
    .split(sep)
    .join("/")
    .split("/")
    .map((segment) => encodeURIComponent(segment))
    .join("/");
}

/** Findings as a SARIF 2.1.0 log, for GitHub code scanning and other SARIF viewers. */
export function findingsToSarif(findings: readonly Finding[], options: SarifOptions): SarifLog {
  const ruleIds = Object.keys(RULES) as RuleId[];
  return {
    $schema: SARIF_SCHEMA_URI,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "opdeploy",
            version: options.toolVersion,
            rules: ruleIds.map((id) => ({
              id,
              shortDescription: { text: RULES[id].summary },
              defaultConfiguration: { level: LEVEL[RULES[id].severity] },
            })),
          },
        },
        results: findings.map((f) => ({
          ruleId: f.rule,
          ruleIndex: ruleIds.indexOf(f.rule),
          level: LEVEL[f.severity],
          message: { text: f.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: artifactUri(f.location.file, options.baseDirectory) },
                region: { startLine: Math.max(1, f.location.line), startColumn: Math.max(1, f.location.column) },
              },
            },
          ],
          properties: { services: [...f.services], ...(f.phase !== undefined ? { phase: f.phase } : {}) },
          ...sarifFixes(f.fix, artifactUri(f.location.file, options.baseDirectory), options.locate),
        })),
      },
    ],
  };
}

/** The fix as SARIF, when every edit has a region (a fix shown half would mislead). */
function sarifFixes(fix: Fix | undefined, uri: string, locate: EditLocator | undefined): { fixes?: SarifFix[] } {
  if (!fix || !locate) return {};
  const located = fix.edits.map(locate);
  if (located.length === 0 || located.some((l) => l === undefined)) return {};
  return {
    fixes: [
      {
        description: { text: fix.description },
        artifactChanges: [
          {
            artifactLocation: { uri },
            replacements: located.map((l) => ({
              deletedRegion: { startLine: l!.region.startLine, startColumn: l!.region.startColumn, endLine: l!.region.endLine, endColumn: l!.region.endColumn },
              insertedContent: { text: l!.replacement },
            })),
          },
        ],
      },
    ],
  };
}
