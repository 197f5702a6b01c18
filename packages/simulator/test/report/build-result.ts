/**
 * Builds SimulationResults by hand for report tests: the 26 services of examples/openpolicy in
 * their five phases, with deterministic timings. `failAt` makes the named service fail to
 * schedule, the phase fail and the rollout roll that phase back, as the engine would report it.
 */
import type { PhaseResult, ResultEvent, SimulationResult, StepResult, MemorySample } from "../../src/engine/result.js";

export const OPENPOLICY_PHASES: { name: string; gate: number; batches: [string, string[]][] }[] = [
  { name: "infrastructure", gate: 40, batches: [["postgresql", ["postgresql"]], ["scraper-service", ["scraper-service"]], ["redis", ["redis"]], ["rabbitmq", ["rabbitmq"]]] },
  {
    name: "business",
    gate: 60,
    batches: [
      ["data", ["database-service", "storage-service", "search-service"]],
      ["business-logic", ["etl", "op-import", "queue-service"]],
      ["security", ["auth-service", "config-service", "policy-service"]],
    ],
  },
  {
    name: "operational",
    gate: 70,
    batches: [
      ["monitoring", ["monitoring-service", "health-service", "error-reporting-service"]],
      ["intelligence", ["analytics-service", "audit-service", "opa-service"]],
    ],
  },
  { name: "interface", gate: 75, batches: [["interface", ["api-gateway", "notification-service", "mcp-service"]]] },
  { name: "utility", gate: 80, batches: [["utility", ["cache-service", "web", "admin", "mobile-api"]]] },
];

const MI = 1024 * 1024;
const ALLOCATABLE = 8192 * MI;

export interface BuildOptions {
  seed?: number;
  /** Service that fails to schedule (its phase fails and is rolled back). */
  failAt?: string;
  /** Adds an OOMKilled + BackOff loop on scraper-service in phase 1. */
  oomLoop?: boolean;
  plan?: string;
}

export function buildResult(options: BuildOptions = {}): SimulationResult {
  const seed = options.seed ?? 7;
  let state = seed >>> 0 || 1;
  const random = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const events: ResultEvent[] = [];
  const memory: MemorySample[] = [{ t: 0, requestedBytes: 300 * MI, usedBytes: 250 * MI, allocatableBytes: ALLOCATABLE }];
  const phases: PhaseResult[] = [];
  let t = 0;
  let requested = 300 * MI;
  let used = 250 * MI;
  let stopped = false;
  let failure: SimulationResult["failure"];
  let failedPhase: PhaseResult | undefined;
  for (const def of OPENPOLICY_PHASES) {
    if (stopped) {
      phases.push({ name: def.name, status: "skipped", steps: def.batches.flatMap(([batch, services]) => services.map((service): StepResult => ({ service, batch, status: "skipped" }))) });
      continue;
    }
    const phase: PhaseResult = { name: def.name, status: "succeeded", startedAt: t, steps: [] };
    events.push({ t, type: "PhaseStarted", message: `phase ${def.name} started` });
    for (const [batch, services] of def.batches) {
      if (stopped) {
        for (const service of services) phase.steps.push({ service, batch, status: "skipped" });
        continue;
      }
      let batchEnd = t;
      for (const service of services) {
        const start = t;
        if (service === options.failAt) {
          events.push({ t: start, type: "FailedScheduling", service, message: "0/1 nodes are available: 1 Insufficient memory. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod." });
          phase.steps.push({ service, batch, status: "failed", startedAt: start, message: "Unschedulable: 0/1 nodes are available: 1 Insufficient memory." });
          failure = { reason: "Unschedulable", message: "0/1 nodes are available: 1 Insufficient memory.", service, phase: def.name, detectionSeconds: 30 };
          batchEnd = Math.max(batchEnd, start + 30);
          stopped = true;
          continue;
        }
        const ready = start + 20 + Math.floor(random() * 90);
        events.push({ t: start, type: "Scheduled", service, node: "kind-control-plane", message: `Successfully assigned ${service} to kind-control-plane` });
        if (options.oomLoop && service === "scraper-service") {
          for (let k = 0; k < 4; k += 1) events.push({ t: start + 5 + k * 10, type: k === 0 ? "OOMKilled" : "BackOff", service, message: k === 0 ? "Container scraper exceeded its memory limit (1Gi)" : "Back-off restarting failed container scraper" });
        }
        events.push({ t: ready, type: "Ready", service, message: `${service} is Ready` });
        phase.steps.push({ service, batch, status: "succeeded", startedAt: start, readyAt: ready });
        requested += 128 * MI + Math.floor(random() * 4) * 64 * MI;
        used += 100 * MI + Math.floor(random() * 4) * 32 * MI;
        memory.push({ t: ready, requestedBytes: requested, usedBytes: used, allocatableBytes: ALLOCATABLE });
        batchEnd = Math.max(batchEnd, ready);
      }
      t = batchEnd;
    }
    const requestedPercent = Math.round((requested / ALLOCATABLE) * 1000) / 10;
    const usedPercent = Math.round((used / ALLOCATABLE) * 1000) / 10;
    if (stopped) {
      phase.status = "failed";
      phase.endedAt = t;
      events.push({ t, type: "PhaseFailed", message: `phase ${def.name} failed` });
      failedPhase = phase;
    } else {
      phase.gate = {
        passed: requestedPercent <= def.gate,
        checks: [
          { metric: "memory", by: "requests", threshold: def.gate, actual: requestedPercent, passed: requestedPercent <= def.gate },
          { metric: "memory", by: "usage", threshold: def.gate, actual: usedPercent, passed: usedPercent <= def.gate },
          { metric: "healthy", by: "readiness", threshold: 100, actual: 100, passed: true },
        ],
      };
      t += 5;
      phase.endedAt = t;
      events.push({ t, type: "PhaseSucceeded", message: `phase ${def.name} succeeded` });
    }
    phases.push(phase);
  }
  let rollback: SimulationResult["rollback"];
  if (failedPhase) {
    events.push({ t, type: "RollbackTriggered", ...(options.failAt !== undefined ? { service: options.failAt } : {}), message: `Unschedulable: rolling back phase ${failedPhase.name}` });
    const services = failedPhase.steps.filter((s) => s.status === "succeeded").reverse();
    const start = t;
    for (const step of services) {
      step.status = "rolled-back";
      t += 3;
      events.push({ t, type: "RolledBack", service: step.service, message: `removed ${step.service}` });
      requested -= 128 * MI;
      used -= 100 * MI;
      memory.push({ t, requestedBytes: requested, usedBytes: used, allocatableBytes: ALLOCATABLE });
    }
    failedPhase.status = "rolled-back";
    rollback = { scope: "phase", startedAt: start, endedAt: t, services: services.map((s) => ({ service: s.service, action: "removed" as const, ok: true })), completed: true };
  }
  const result: SimulationResult = {
    plan: options.plan ?? "openpolicy",
    verdict: failure ? "rolled-back" : "succeeded",
    seed,
    durationSeconds: t,
    phases,
    events,
    memory,
    nodes: [{ name: "kind-control-plane", allocatableMemory: ALLOCATABLE, allocatableCpu: 16000, requestedMemory: requested, requestedCpu: 3000, usedMemory: used, usedCpu: 1500, pods: 30 }],
  };
  if (failure) result.failure = failure;
  if (rollback) result.rollback = rollback;
  return result;
}
