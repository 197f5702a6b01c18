/**
 * A candidate order (phases of batches of services), how it becomes a Plan, and what makes it
 * unacceptable before any simulation: a dependency not Ready first, a batch the nodes cannot hold,
 * a gate whose ceiling the requests already break.
 *
 * Gates carry over as ceilings. The hand-written plan promises "after phase k, memory ≤ G_k".
 * A new phase ends with some set of services deployed; the latest hand-written phase any of them
 * came from is k, so everything deployed is a subset of what the hand-written plan had deployed
 * after phase k, and the new phase gets phase k's gate (thresholds and `healthy` alike). The last
 * new phase holds every service, so it gets the gate of the hand-written plan's last phase.
 */
import { clusterAllocatable, placeServices, podRequestOf, type Batch, type Phase, type Plan } from "@openpolicy/core";
import type { AcyclicDependencies } from "./acyclic-dependencies.js";
import type { CapacityModel } from "./capacity.js";

/** Phases → batches → services, in rollout order. */
export interface Schedule {
  phases: string[][][];
}

export interface PlannerContext {
  original: Plan;
  dependencies: AcyclicDependencies;
  capacity: CapacityModel;
  /** Index of the hand-written phase that first deploys each service (unplaced: the last phase). */
  originalPhaseOf: Map<string, number>;
  /** Services each hand-written phase deploys first, in order. */
  originalPhaseServices: string[][];
  allocatable: { memory: number; cpu: number };
}

export function plannerContext(original: Plan, dependencies: AcyclicDependencies, capacity: CapacityModel): PlannerContext {
  const { first } = placeServices(original);
  const last = Math.max(0, original.phases.length - 1);
  const originalPhaseOf = new Map<string, number>();
  const originalPhaseServices: string[][] = original.phases.map(() => []);
  for (const name of original.services.keys()) {
    const placement = first.get(name);
    const index = placement ? placement.phaseIndex : last;
    originalPhaseOf.set(name, index);
    if (placement) originalPhaseServices[index]!.push(name);
  }
  return { original, dependencies, capacity, originalPhaseOf, originalPhaseServices, allocatable: clusterAllocatable(original) };
}

/** The hand-written plan as a schedule: first placements only, defined services only. */
export function scheduleOfPlan(plan: Plan): Schedule {
  const seen = new Set<string>();
  const phases = plan.phases.map((phase) =>
    phase.batches
      .map((batch) =>
        batch.services.filter((name) => {
          if (seen.has(name) || !plan.services.has(name)) return false;
          seen.add(name);
          return true;
        }),
      )
      .filter((batch) => batch.length > 0),
  );
  return { phases: phases.filter((p) => p.length > 0) };
}

/** A canonical text for caching (service names cannot contain the separators' control characters). */
export function scheduleKey(schedule: Schedule): string {
  return schedule.phases.map((p) => p.map((b) => b.join("\u0001")).join("\u0002")).join("\u0003");
}

export function flatBatches(schedule: Schedule): string[][] {
  return schedule.phases.flat();
}

/** Index of the hand-written phase whose gate each new phase carries. */
export function gateSources(context: PlannerContext, schedule: Schedule): number[] {
  let latest = 0;
  return schedule.phases.map((phase) => {
    for (const batch of phase) for (const name of batch) latest = Math.max(latest, context.originalPhaseOf.get(name) ?? 0);
    return latest;
  });
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));

export function scheduleToPlan(context: PlannerContext, schedule: Schedule): Plan {
  const original = context.original;
  const sources = gateSources(context, schedule);
  const kept = schedule.phases.map((phase) => {
    const services = phase.flat();
    const index = context.originalPhaseServices.findIndex((own) => own.length > 0 && sameSet(own, services));
    return index >= 0 ? index : undefined;
  });
  const used = new Set(kept.filter((k): k is number => k !== undefined).map((k) => original.phases[k]!.name));
  const phases: Phase[] = schedule.phases.map((batches, j) => {
    const keptIndex = kept[j];
    const source = original.phases[sources[j]!]!;
    if (keptIndex !== undefined) {
      const before = original.phases[keptIndex]!;
      const ownBatches = before.batches.map((b) => b.services.filter((s) => context.originalPhaseServices[keptIndex]!.includes(s))).filter((b) => b.length > 0);
      const sameBatches = ownBatches.length === batches.length && ownBatches.every((b, i) => b.length === batches[i]!.length && b.every((s, k) => s === batches[i]![k]));
      const phase: Phase = {
        name: before.name,
        batches: sameBatches ? before.batches.map((b) => ({ ...b, services: [...b.services] })) : newBatches(before.name, batches, before.location),
        sequential: sameBatches && before.sequential,
        location: before.location,
      };
      const gate = source.gate;
      if (gate) phase.gate = { ...gate };
      // The author's totals and timing still describe exactly this set of services.
      if (before.declared) phase.declared = { ...before.declared };
      if (before.expectedSeconds) phase.expectedSeconds = [...before.expectedSeconds];
      return phase;
    }
    let name = `wave-${j + 1}`;
    for (let k = 2; used.has(name); k++) name = `wave-${j + 1}-${k}`;
    used.add(name);
    const phase: Phase = { name, batches: newBatches(name, batches, source.location), sequential: false, location: source.location };
    if (source.gate) phase.gate = { ...source.gate };
    return phase;
  });
  return { ...original, phases };
}

function newBatches(phaseName: string, batches: string[][], location: Phase["location"]): Batch[] {
  if (batches.length === 1) return [{ name: phaseName, services: [...batches[0]!], location }];
  return batches.map((services, b) => ({ name: `${phaseName}-${b + 1}`, services: [...services], location }));
}

/**
 * Why the schedule cannot be used, statically: every service placed once, each kept dependency in
 * an earlier batch, every batch schedulable, every gate ceiling met by requests (and by expected
 * usage, which the gate measures too). Empty when acceptable.
 */
export function scheduleViolations(context: PlannerContext, schedule: Schedule): string[] {
  const violations: string[] = [];
  const batches = flatBatches(schedule);
  const position = new Map<string, number>();
  batches.forEach((batch, b) => batch.forEach((name) => position.set(name, b)));
  for (const name of context.dependencies.services) {
    const at = position.get(name);
    if (at === undefined) {
      violations.push(`${name} is not placed`);
      continue;
    }
    for (const dependency of context.dependencies.dependenciesOf.get(name)!) {
      const before = position.get(dependency);
      if (before === undefined || before >= at) violations.push(`${name} starts before its dependency ${dependency} is Ready`);
    }
  }
  const capacity = context.capacity.check(batches);
  if (capacity) violations.push(capacity.message);
  const { memory: allocatableMemory, cpu: allocatableCpu } = context.allocatable;
  const sources = gateSources(context, schedule);
  const total = { memory: 0, cpu: 0, usedMemory: 0, usedCpu: 0 };
  schedule.phases.forEach((phase, j) => {
    for (const batch of phase) {
      for (const name of batch) {
        const service = context.original.services.get(name)!;
        const request = podRequestOf(service);
        total.memory += request.memory * service.replicas;
        total.cpu += request.cpu * service.replicas;
        total.usedMemory += service.usage.memory * service.replicas;
        total.usedCpu += service.usage.cpu * service.replicas;
      }
    }
    const gate = context.original.phases[sources[j]!]!.gate;
    if (!gate) return;
    // Exact integer comparison, as core's gate-unreachable check: value × 100 ≤ threshold × whole.
    const over = (value: number, threshold: number | undefined, whole: number) => threshold !== undefined && value * 100 > threshold * whole;
    if (over(total.memory, gate.memory, allocatableMemory)) violations.push(`phase ${j + 1}: memory requests above the gate's ${gate.memory}%`);
    if (over(total.usedMemory, gate.memory, allocatableMemory)) violations.push(`phase ${j + 1}: expected memory usage above the gate's ${gate.memory}%`);
    if (over(total.cpu, gate.cpu, allocatableCpu)) violations.push(`phase ${j + 1}: CPU requests above the gate's ${gate.cpu}%`);
    if (over(total.usedCpu, gate.cpu, allocatableCpu)) violations.push(`phase ${j + 1}: expected CPU usage above the gate's ${gate.cpu}%`);
  });
  return violations;
}
