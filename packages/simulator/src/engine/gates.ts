/**
 * Phase gates, the same on a fresh install and on an upgrade (docs/gates.md).
 *
 * The gate of phase k bounds what is on the cluster *apart from the plan's later phases*
 * (k+1 … n): every node's requests/usage — system pods, other namespaces, earlier phases, this
 * phase, services outside the plan — minus what the pods of the later phases' services hold.
 * On a fresh install the later phases are not there yet, so this is the whole cluster, as before.
 * On a re-deploy or an upgrade their old pods are running; without this rule phase 1's 40 % gate
 * would measure the whole platform (71.9 % for the example) and every upgrade of a gated plan would
 * roll back at phase 1.
 *
 * The healthy gate is over the services on the cluster that the rollout watches (those that ran
 * before it started and those it deployed), again apart from the later phases.
 */
import type { Gate, Plan } from "@openpolicy/core";
import type { NodeStatus, WorkloadResources } from "../cluster/cluster.js";
import type { GateCheck, GateResult } from "./result.js";

/** Services of the phases after phase index `p`. */
export function laterPhaseServices(plan: Plan, p: number): Set<string> {
  const later = new Set<string>();
  for (const phase of plan.phases.slice(p + 1)) for (const batch of phase.batches) for (const name of batch.services) later.add(name);
  return later;
}

/** Percent with one decimal; an empty total reads 100 % when something is there, else 0 %. */
export function percentOf(value: number, total: number): number {
  if (total <= 0) return value > 0 ? 100 : 0;
  return Math.round((value * 1000) / total) / 10;
}

/**
 * The gate's checks: memory/cpu by requests and by usage over allocatable, with the later phases'
 * shares taken out, and the ready share of the watched services.
 */
export function measureGate(
  gate: Pick<Gate, "memory" | "cpu" | "healthy">,
  nodes: readonly NodeStatus[],
  laterShares: readonly WorkloadResources[],
  healthy: readonly { name: string; ready: boolean }[],
): GateResult {
  const alloc = { memory: 0, cpu: 0 };
  const requested = { memory: 0, cpu: 0 };
  const used = { memory: 0, cpu: 0 };
  for (const n of nodes) {
    alloc.memory += n.allocatable.memory;
    alloc.cpu += n.allocatable.cpu;
    requested.memory += n.requested.memory;
    requested.cpu += n.requested.cpu;
    used.memory += n.used.memory;
    used.cpu += n.used.cpu;
  }
  for (const share of laterShares) {
    requested.memory -= share.requested.memory;
    requested.cpu -= share.requested.cpu;
    used.memory -= share.used.memory;
    used.cpu -= share.used.cpu;
  }
  const checks: GateCheck[] = [];
  const max = (metric: "memory" | "cpu", threshold: number, by: "requests" | "usage", value: number, total: number): void => {
    const actual = percentOf(Math.max(0, value), total);
    checks.push({ metric, threshold, actual, by, passed: actual <= threshold });
  };
  if (gate.memory !== undefined) {
    max("memory", gate.memory, "requests", requested.memory, alloc.memory);
    max("memory", gate.memory, "usage", used.memory, alloc.memory);
  }
  if (gate.cpu !== undefined) {
    max("cpu", gate.cpu, "requests", requested.cpu, alloc.cpu);
    max("cpu", gate.cpu, "usage", used.cpu, alloc.cpu);
  }
  if (gate.healthy !== undefined) {
    const ready = healthy.filter((h) => h.ready).length;
    const actual = healthy.length > 0 ? percentOf(ready, healthy.length) : 100;
    checks.push({ metric: "healthy", threshold: gate.healthy, actual, by: "readiness", passed: actual >= gate.healthy });
  }
  return { passed: checks.every((c) => c.passed), checks };
}
