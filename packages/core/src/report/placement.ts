import type { Batch, Phase, Plan } from "../plan/model.js";

/** Where the plan deploys a service: which phase and batch, by position. */
export interface Placement {
  service: string;
  phaseIndex: number;
  batchIndex: number;
  phase: Phase;
  batch: Batch;
}

/** Where the plan places each service: every mention and the first one. */
export interface Placements {
  /** Every mention of a service in a batch, in plan order (defined or not). */
  all: Placement[];
  /** The first placement of each service: when it is actually deployed. */
  first: Map<string, Placement>;
}

/**
 * Where each service of the plan is deployed: its first placement in phase and batch order, and
 * every other mention.
 */
export function placeServices(plan: Plan): Placements {
  const all: Placement[] = [];
  const first = new Map<string, Placement>();
  plan.phases.forEach((phase, phaseIndex) => {
    phase.batches.forEach((batch, batchIndex) => {
      for (const service of batch.services) {
        const placement: Placement = { service, phaseIndex, batchIndex, phase, batch };
        all.push(placement);
        if (!first.has(service)) first.set(service, placement);
      }
    });
  });
  return { all, first };
}

/** Negative when `a` starts before `b`, zero when in the same batch. */
export function comparePlacements(a: Placement, b: Placement): number {
  return a.phaseIndex - b.phaseIndex || a.batchIndex - b.batchIndex;
}
