/**
 * Resource totals of a plan, per batch, per phase, cumulative and for the whole plan, with
 * percentages of the cluster's allocatable (capacity − reserved). All sums are integers (bytes,
 * millicores): each service counts requests × replicas.
 *
 * Limits: a service without a limit adds nothing to the limit sums (`kubectl describe node`
 * counts the same way) and is flagged `unlimitedMemory` / `unlimitedCpu`.
 */
import { podRequestOf } from "../plan/service-pod.js";
import type { Plan, Service } from "../plan/model.js";
import { clusterAllocatable, clusterCapacity } from "./allocatable.js";
import { placeServices } from "./placement.js";

/** Memory and CPU requests and limits, in bytes and millicores. */
export interface ResourceFigures {
  memoryBytes: number;
  cpuMillis: number;
  limitsMemoryBytes: number;
  limitsCpuMillis: number;
}

/** Requests and limits of one service over all its replicas. */
export interface ServiceTotals extends ResourceFigures {
  name: string;
  replicas: number;
  unlimitedMemory: boolean;
  unlimitedCpu: boolean;
}

/** Requests and limits of one batch, and of each of its services. */
export interface BatchTotals extends ResourceFigures {
  name: string;
  services: ServiceTotals[];
}

/** A phase gate's thresholds against what the cluster holds when the phase ends. */
export interface GateTotals {
  /** Thresholds as written (percent of allocatable). */
  memory?: number;
  cpu?: number;
  healthy?: number;
  /** Threshold minus the cumulative percent at the phase's end: negative means the plan itself breaks the gate. */
  memoryMarginPercent?: number | null;
  cpuMarginPercent?: number | null;
  /** Threshold (as bytes / millicores, rounded down) minus cumulative requests. */
  memoryMarginBytes?: number;
  cpuMarginMillis?: number;
}

/** Requests and limits of one phase, cumulative over the rollout, its batches and gate. */
export interface PhaseTotals extends ResourceFigures {
  name: string;
  /** Services this phase deploys (first placements only). */
  serviceCount: number;
  batches: BatchTotals[];
  /** Everything deployed up to and including this phase. */
  cumulative: ResourceFigures;
  /** Cumulative requests as percent of allocatable, one decimal; null when allocatable is zero. */
  memoryPercent: number | null;
  cpuPercent: number | null;
  limitsMemoryPercent: number | null;
  limitsCpuPercent: number | null;
  gate?: GateTotals;
  declared?: { memoryBytes?: number; cpuMillis?: number; memoryText?: string; cpuText?: string };
}

/**
 * The plan's budget against its requests: the thresholds and the margin left (percentage points).
 */
export interface BudgetTotals {
  memory?: number;
  cpu?: number;
  memoryMarginPercent?: number | null;
  cpuMarginPercent?: number | null;
}

/** The result of {@link planTotals}. */
export interface PlanTotals {
  plan: string;
  file: string;
  nodes: number;
  capacity: { memoryBytes: number; cpuMillis: number };
  allocatable: { memoryBytes: number; cpuMillis: number };
  phases: PhaseTotals[];
  /** Every service the plan defines (placed or not), each once. */
  totals: ResourceFigures & {
    services: number;
    memoryPercent: number | null;
    cpuPercent: number | null;
    limitsMemoryPercent: number | null;
    limitsCpuPercent: number | null;
  };
  /** Services defined but deployed by no phase (counted in `totals`, not in any phase). */
  unplaced: string[];
  budget?: BudgetTotals;
}

/** Percent with one decimal, or null when the whole is zero. */
export function percentOfAllocatable(part: number, whole: number): number | null {
  if (whole <= 0) return null;
  return Math.round((part / whole) * 1000) / 10;
}

export function serviceTotals(service: Service): ServiceTotals {
  const replicas = service.replicas;
  // The whole pod's effective request (sidecars, init containers), as the scheduler counts it.
  const request = podRequestOf(service);
  return {
    name: service.name,
    replicas,
    memoryBytes: request.memory * replicas,
    cpuMillis: request.cpu * replicas,
    limitsMemoryBytes: (service.limits.memory ?? 0) * replicas,
    limitsCpuMillis: (service.limits.cpu ?? 0) * replicas,
    unlimitedMemory: service.limits.memory === undefined,
    unlimitedCpu: service.limits.cpu === undefined,
  };
}

function zero(): ResourceFigures {
  return { memoryBytes: 0, cpuMillis: 0, limitsMemoryBytes: 0, limitsCpuMillis: 0 };
}

function add(into: ResourceFigures, more: ResourceFigures): void {
  into.memoryBytes += more.memoryBytes;
  into.cpuMillis += more.cpuMillis;
  into.limitsMemoryBytes += more.limitsMemoryBytes;
  into.limitsCpuMillis += more.limitsCpuMillis;
}

function margin(threshold: number, used: number | null): number | null {
  return used === null ? null : Math.round((threshold - used) * 10) / 10;
}

/**
 * What the plan requests, per service, batch, phase and overall, against the cluster's
 * allocatable, the gates and the budget.
 */
export function planTotals(plan: Plan): PlanTotals {
  const allocatable = clusterAllocatable(plan);
  const capacity = clusterCapacity(plan);
  const { first } = placeServices(plan);
  const cumulative = zero();
  const counted = new Set<string>();
  const phases: PhaseTotals[] = plan.phases.map((phase, phaseIndex) => {
    const own = zero();
    let serviceCount = 0;
    const batches: BatchTotals[] = phase.batches.map((batch, batchIndex) => {
      const batchFigures = zero();
      const services: ServiceTotals[] = [];
      for (const name of batch.services) {
        const service = plan.services.get(name);
        const placement = first.get(name);
        // Undefined names and repeated placements deploy nothing new.
        if (!service || !placement || placement.phaseIndex !== phaseIndex || placement.batchIndex !== batchIndex) continue;
        if (counted.has(name)) continue;
        counted.add(name);
        const figures = serviceTotals(service);
        services.push(figures);
        add(batchFigures, figures);
      }
      serviceCount += services.length;
      add(own, batchFigures);
      return { name: batch.name, ...batchFigures, services };
    });
    add(cumulative, own);
    const totals: PhaseTotals = {
      name: phase.name,
      serviceCount,
      ...own,
      batches,
      cumulative: { ...cumulative },
      memoryPercent: percentOfAllocatable(cumulative.memoryBytes, allocatable.memory),
      cpuPercent: percentOfAllocatable(cumulative.cpuMillis, allocatable.cpu),
      limitsMemoryPercent: percentOfAllocatable(cumulative.limitsMemoryBytes, allocatable.memory),
      limitsCpuPercent: percentOfAllocatable(cumulative.limitsCpuMillis, allocatable.cpu),
    };
    if (phase.gate) {
      const gate: GateTotals = {};
      if (phase.gate.memory !== undefined) {
        gate.memory = phase.gate.memory;
        gate.memoryMarginPercent = margin(phase.gate.memory, totals.memoryPercent);
        gate.memoryMarginBytes = Math.floor((phase.gate.memory * allocatable.memory) / 100) - cumulative.memoryBytes;
      }
      if (phase.gate.cpu !== undefined) {
        gate.cpu = phase.gate.cpu;
        gate.cpuMarginPercent = margin(phase.gate.cpu, totals.cpuPercent);
        gate.cpuMarginMillis = Math.floor((phase.gate.cpu * allocatable.cpu) / 100) - cumulative.cpuMillis;
      }
      if (phase.gate.healthy !== undefined) gate.healthy = phase.gate.healthy;
      totals.gate = gate;
    }
    if (phase.declared) {
      const d = phase.declared;
      totals.declared = {
        ...(d.memory !== undefined ? { memoryBytes: d.memory } : {}),
        ...(d.cpu !== undefined ? { cpuMillis: d.cpu } : {}),
        ...(d.memoryText !== undefined ? { memoryText: d.memoryText } : {}),
        ...(d.cpuText !== undefined ? { cpuText: d.cpuText } : {}),
      };
    }
    return totals;
  });

  const whole = zero();
  for (const service of plan.services.values()) add(whole, serviceTotals(service));
  const result: PlanTotals = {
    plan: plan.name,
    file: plan.file,
    nodes: plan.cluster.nodes.reduce((n, g) => n + g.count, 0),
    capacity: { memoryBytes: capacity.memory, cpuMillis: capacity.cpu },
    allocatable: { memoryBytes: allocatable.memory, cpuMillis: allocatable.cpu },
    phases,
    totals: {
      services: plan.services.size,
      ...whole,
      memoryPercent: percentOfAllocatable(whole.memoryBytes, allocatable.memory),
      cpuPercent: percentOfAllocatable(whole.cpuMillis, allocatable.cpu),
      limitsMemoryPercent: percentOfAllocatable(whole.limitsMemoryBytes, allocatable.memory),
      limitsCpuPercent: percentOfAllocatable(whole.limitsCpuMillis, allocatable.cpu),
    },
    unplaced: [...plan.services.keys()].filter((name) => !first.has(name)),
  };
  if (plan.budget) {
    const budget: BudgetTotals = {};
    if (plan.budget.memory !== undefined) {
      budget.memory = plan.budget.memory;
      budget.memoryMarginPercent = margin(plan.budget.memory, result.totals.memoryPercent);
    }
    if (plan.budget.cpu !== undefined) {
      budget.cpu = plan.budget.cpu;
      budget.cpuMarginPercent = margin(plan.budget.cpu, result.totals.cpuPercent);
    }
    result.budget = budget;
  }
  return result;
}
