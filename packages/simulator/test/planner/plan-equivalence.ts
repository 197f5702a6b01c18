/**
 * Plans compared as the model: everything but where things were written (locations, file name,
 * source format), which a rewritten file necessarily changes.
 */
import type { Plan } from "@openpolicy/core";

export function withoutLocations(value: unknown): unknown {
  if (value instanceof Map) return [...value.entries()].map(([k, v]) => [k, withoutLocations(v)]);
  if (Array.isArray(value)) return value.map(withoutLocations);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === "location" || v === undefined) continue;
      out[k] = withoutLocations(v);
    }
    return out;
  }
  return value;
}

export function comparablePlan(plan: Plan): unknown {
  const { file: _file, format: _format, ...rest } = plan;
  return withoutLocations(rest);
}

/** Position of each service's batch in rollout order (first placement). */
export function batchPositions(plan: Plan): Map<string, number> {
  const position = new Map<string, number>();
  let b = 0;
  for (const phase of plan.phases) {
    for (const batch of phase.batches) {
      for (const name of batch.services) if (!position.has(name)) position.set(name, b);
      b++;
    }
  }
  return position;
}
