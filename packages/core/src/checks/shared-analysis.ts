/**
 * What several checks derive from the same plan — the placements, the totals, the index of names
 * for "did you mean" — computed once per `checkPlan` run instead of once per check. (The
 * dependency graph, which two checks used to build each, is no longer built by any: cycles come
 * from findPlanCycles and unknown names from the services' lists.) Outside a run (a check called on its own) nothing is kept, so a
 * plan changed between two calls is never answered from a stale copy.
 */
import { NameIndex } from "../plan/did-you-mean.js";
import type { Plan } from "../plan/model.js";
import { placeServices, type Placements } from "../report/placement.js";
import { planTotals, type PlanTotals } from "../report/plan-totals.js";

interface Analysis {
  placements?: Placements;
  totals?: PlanTotals;
  names?: NameIndex;
}

let active: WeakMap<Plan, Analysis> | undefined;

/** Runs `fn` with one shared analysis per plan; nested runs share the outer one. */
export function withSharedAnalysis<T>(fn: () => T): T {
  if (active) return fn();
  active = new WeakMap();
  try {
    return fn();
  } finally {
    active = undefined;
  }
}

function analysis(plan: Plan): Analysis {
  if (!active) return {};
  let found = active.get(plan);
  if (!found) {
    found = {};
    active.set(plan, found);
  }
  return found;
}

export function placementsOf(plan: Plan): Placements {
  const a = analysis(plan);
  a.placements ??= placeServices(plan);
  return a.placements;
}

export function totalsOf(plan: Plan): PlanTotals {
  const a = analysis(plan);
  a.totals ??= planTotals(plan);
  return a.totals;
}

/** The plan's service names, indexed for "did you mean" (built on the first unknown name). */
export function serviceNamesOf(plan: Plan): NameIndex {
  const a = analysis(plan);
  a.names ??= new NameIndex(plan.services.keys());
  return a.names;
}
