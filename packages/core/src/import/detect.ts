/**
 * What an input is, by content (file names say little: `app.yaml` may be manifests or Compose,
 * standard input has no name): a Markdown plan document, Kubernetes objects, a Compose file, or a
 * plan already.
 */
import { parseAllDocuments } from "yaml";
import { isMarkdownPlan } from "../markdown/detect.js";

/** What {@link detectInputFormat} recognised. */
export type InputFormat = "markdown" | "kubernetes" | "compose" | "plan" | "kustomization" | "invalid-yaml" | "empty" | "unknown";

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * What a text is: a Markdown plan, Kubernetes manifests, a Compose file, a YAML plan, a
 * kustomization, or none of those.
 */
export function detectInputFormat(text: string): InputFormat {
  if (isMarkdownPlan(text)) return "markdown";
  let docs: unknown[];
  try {
    const parsed = parseAllDocuments(text, { version: "1.1" });
    if (!Array.isArray(parsed)) return "empty";
    // Broken YAML is reported with its own errors (file:line) rather than as "not recognised".
    if (parsed.some((d) => d.errors.length > 0)) return /^\s*(apiVersion|kind|services)\s*:/m.test(text) ? "invalid-yaml" : "unknown";
    docs = parsed.map((d) => d.toJS({ maxAliasCount: 100 }) as unknown);
  } catch {
    return "unknown";
  }
  const maps = docs.filter(isRecord);
  if (maps.length === 0) return docs.every((d) => d === null || d === undefined) ? "empty" : "unknown";
  if (maps.some((d) => d.kind === "Kustomization")) return "kustomization";
  if (maps.some((d) => typeof d.apiVersion === "string" && typeof d.kind === "string")) return "kubernetes";
  const first = maps[0]!;
  if (isRecord(first.services)) return first.phases !== undefined || first.cluster !== undefined ? "plan" : "compose";
  return "unknown";
}
