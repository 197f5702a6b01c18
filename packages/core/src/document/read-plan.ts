import { dirname, relative, resolve } from "node:path";
// Modules, not the area indexes: plan/load.ts reads through parsePlanDocument, and the plan index
// re-exports load.ts, so importing the index here would make a cycle.
import { decodePlan } from "../plan/decode.js";
import { parsePlanTextIndexed } from "../plan/parse-text.js";
import { editLocatorWith, type EditLocator } from "../report/plan-edits.js";
import { isMarkdownPlan } from "../markdown/detect.js";
import { importMarkdown } from "../markdown/import.js";
import type { Plan } from "../plan/model.js";
import { PlanLoadError } from "../plan/errors.js";
import { MAX_MANIFEST_BYTES, MAX_PLAN_BYTES, readBoundedFile } from "../plan/read-bounded.js";

/** Something in a Markdown plan the importer could not interpret, with its line. */
export interface PlanNote {
  file: string;
  line: number;
  message: string;
}

/**
 * A plan document as read: the plan, the text, and notes about what was not imported from
 * Markdown.
 */
export interface PlanDocument {
  plan: Plan;
  /** The text as read (for annotating lines, diffing revisions). */
  text: string;
  /** For Markdown plans: everything the importer could not use (nothing is dropped silently). */
  notes: PlanNote[];
  /** The user's own manifests that services point at (`manifests: [paths]`), as read. */
  manifests: { file: string; text: string }[];
  /** Manifest files a service names that could not be read. */
  unreadableManifests: { file: string; service: string; reason: string }[];
  /**
   * Where fix edits fall in `text` (YAML and JSON plans; absent for Markdown): {@link editLocator}
   * built on what reading the plan already indexed, so a large plan is not parsed again to place
   * its fixes.
   */
  locateEdit?: EditLocator;
}

/**
 * Reads a plan from text of any supported kind — YAML, JSON, or a Markdown plan document —
 * choosing by content, not by extension (users name Markdown plans .txt, .md or anything).
 * Throws PlanLoadError listing every problem.
 */
export function parsePlanDocument(text: string, file: string): PlanDocument {
  if (isMarkdownPlan(text)) {
    const imported = importMarkdown(text, file);
    const plan = decodePlan(imported.raw, { file, format: "markdown", locate: imported.locate });
    const notes = imported.notes.map((n) => ({ file, line: n.line, message: n.message }));
    return { plan, text, notes, manifests: [], unreadableManifests: [] };
  }
  const { plan, index } = parsePlanTextIndexed(text, file);
  return { plan, text, notes: [], manifests: [], unreadableManifests: [], locateEdit: editLocatorWith(text, plan.format === "json" ? "json" : "yaml", index) };
}

/** Reads and parses a plan file: the only I/O core does. */
export async function readPlanDocument(path: string, displayName: string = path): Promise<PlanDocument> {
  const read = await readBoundedFile(path, MAX_PLAN_BYTES);
  if (!read.ok) throw new PlanLoadError([{ file: displayName, line: 1, column: 1, path: "", message: `cannot read plan: ${read.reason}` }]);
  const document = parsePlanDocument(read.text, displayName);
  await readManifests(document, path, displayName);
  return document;
}

/**
 * Reads the manifests services point at, relative to the plan file (they are part of the plan,
 * so reading them is still "reading the plan"). Each file is read once however many services
 * name it; names in findings are relative to the plan's display path, as the user wrote them.
 */
async function readManifests(document: PlanDocument, planPath: string, displayName: string): Promise<void> {
  const seen = new Set<string>();
  for (const service of document.plan.services.values()) {
    for (const written of service.manifests) {
      const absolute = resolve(dirname(planPath), written);
      if (seen.has(absolute)) continue;
      seen.add(absolute);
      const file = relative(process.cwd(), resolve(dirname(displayName), written)) || written;
      // Only regular files of sane size: not /dev/zero, not a named pipe that never ends.
      const read = await readBoundedFile(absolute, MAX_MANIFEST_BYTES);
      if (read.ok) document.manifests.push({ file, text: read.text });
      else document.unreadableManifests.push({ file, service: service.name, reason: read.reason });
    }
  }
}
