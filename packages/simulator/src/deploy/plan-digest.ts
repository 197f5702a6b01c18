/**
 * The identity of a plan by what it says, not by how or where it was written: resume compares
 * this digest to decide whether an interrupted revision came from "the same plan".
 *
 * Left out, because they change with the spelling and not with the deploy:
 * - `file` (`plan.yaml`, `./plan.yaml` and an absolute path name the same plan) and `format`;
 * - every `location` (line and column move when a comment or a blank line is added — comments
 *   themselves never reach the normalised plan);
 * - the order of keys in objects (canonical JSON below).
 * Kept: everything else, including the order of phases, batches and services, which is the
 * order of the rollout. A service's manifest paths are normalised (`./a/b.yaml` = `a/b.yaml`).
 */
import { createHash } from "node:crypto";
import { posix } from "node:path";
import type { Plan } from "@openpolicy/core";


/** sha256 of the canonical plan, hex, first 16 characters (as revisions store it). */
export function planDigest(plan: Plan): string {
  return createHash("sha256").update(canonicalPlanJson(plan)).digest("hex").slice(0, 16);
}

/** The plan as canonical JSON without spelling: what planDigest hashes. */
export function canonicalPlanJson(plan: Plan): string {
  const { file: _file, format: _format, ...content } = plan;
  const services = [...plan.services.entries()].map(([name, service]) => [name, { ...service, manifests: service.manifests.map(normalisePath) }]);
  return canonical({ ...content, services });
}

function normalisePath(path: string): string {
  const slashed = path.replace(/\\/g, "/");
  return slashed.startsWith("/") ? posix.normalize(slashed) : posix.normalize(slashed).replace(/^\.\//, "");
}

/** JSON with object keys sorted, `undefined` members and `location`s dropped, Maps as entry lists. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (value instanceof Map) return canonical([...value.entries()]);
  if (Array.isArray(value)) return `[${value.map((item) => canonical(item === undefined ? null : item)).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([key, item]) => item !== undefined && key !== "location")
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonical(item)}`).join(",")}}`;
}
