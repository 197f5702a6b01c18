/**
 * Node pressure (pkg/kubelet/eviction): the eviction manager's cycle on stock nodes, the host's
 * OOM killer on kind, and the memory-growth fault that feeds them.
 */
import type { SimContext } from "./context.js";
import { refreshTaints } from "./scheduler.js";
import { podGone, setUsage } from "./kubelet.js";
import { EVICTION_PRESSURE_TRANSITION_SECONDS, formatMi, type SimNode, type SimPod } from "./sim-types.js";

/**
 * memory.available = capacity − reserved(kube+system) − pods' usage; the signal fires when it
 * drops below the hard threshold (100Mi), i.e. when pods use more than allocatable. The kubelet
 * then evicts one pod per monitoring cycle, ranked (eviction/helpers.go rankMemoryPressure):
 * usage above request first, then lower priority, then larger usage − request. The MemoryPressure
 * condition (and so the node's memory-pressure taint) stays until the signal has been clear for
 * evictionPressureTransitionPeriod (eviction_manager.go; 5 min by default).
 */
export function evictionCycle(ctx: SimContext): void {
  if (ctx.kind) return hostOomCycle(ctx);
  let again = false;
  for (const node of ctx.nodeList) {
    const signal = node.ready && node.usedMemory > node.allocatable.memory;
    if (signal) node.pressureUntil = ctx.t + EVICTION_PRESSURE_TRANSITION_SECONDS;
    const pressure = signal || (node.ready && ctx.t < node.pressureUntil);
    if (pressure !== node.memoryPressure) {
      node.memoryPressure = pressure;
      refreshTaints(node);
      if (!pressure && ctx.pending.length > 0) ctx.requestSchedule();
    }
    if (pressure) again = true;
    if (!signal) continue;
    const victim = rankForEviction([node]);
    if (!victim) continue;
    again = true;
    evict(ctx, victim, node);
  }
  if (again) ctx.requestEvictionCycle();
}

/**
 * kind: every node is a container on one Docker host and reports the host's memory (kind#2805),
 * and the kubelet has no memory threshold, so no node reports MemoryPressure. When the pods of all
 * nodes together use more than the host has, the kernel OOM killer kills a container — chosen here
 * with the eviction ranking over every node (an approximation of oom_score).
 */
export function hostOomCycle(ctx: SimContext): void {
  if (hostMemoryUsed(ctx) <= ctx.hostMemory) return;
  const victim = rankForEviction(ctx.nodeList.filter((n) => n.ready));
  if (!victim) return;
  ctx.at(0, { k: "exit", pod: victim, epoch: victim.epoch, reason: "OOMKilled", exitCode: 137 });
  ctx.requestEvictionCycle();
}

export function hostMemoryUsed(ctx: SimContext): number {
  let used = 0;
  for (const node of ctx.nodeList) used += node.usedMemory;
  return used;
}

export function rankForEviction(nodes: readonly SimNode[]): SimPod | undefined {
  let best: SimPod | undefined;
  for (const node of nodes) {
    for (const pod of node.pods) {
      if (pod.terminating || !pod.containerRunning || pod.system) continue;
      if (!best || evictionBefore(pod, best)) best = pod;
    }
  }
  return best;
}

export function evict(ctx: SimContext, pod: SimPod, node: SimNode): void {
  const w = pod.workload;
  ctx.record(
    "Warning",
    "Evicted",
    `Pod/${pod.name}`,
    `The node was low on resource: memory. Threshold quantity: ${formatMi(node.evictionThreshold)}, available: ${formatMi(Math.max(0, node.allocatable.memory + node.evictionThreshold - node.usedMemory))}. Container ${w.name} was using ${formatMi(pod.usageMemory)}, request is ${formatMi(pod.request.memory)}.`,
    w.name,
    node.name,
  );
  // Hard eviction kills at once (grace period 0); the pod ends Failed/Evicted and its
  // controller creates a replacement.
  pod.phase = "Failed";
  pod.reason = "Evicted";
  pod.message = "The node was low on resource: memory.";
  w.failedPods.push(pod);
  if (w.failedPods.length > 20) w.failedPods.shift();
  pod.epoch++;
  podGone(ctx, pod);
}

/** Memory-growth faults: usage rises linearly from container start; checked every 10 s. */
export function usageTick(ctx: SimContext): void {
  for (const pod of ctx.growingPods) {
    const fault = ctx.faultFor(pod.workload.name, "memory-growth", pod) as { bytesPerSecond: number } | undefined;
    if (!fault || !pod.containerRunning) continue;
    const memory = Math.round(pod.spec.expected.usage.memory + fault.bytesPerSecond * (ctx.t - pod.startedAt));
    setUsage(ctx, pod, memory, pod.usageCpu);
    const limit = pod.spec.limits.memory;
    if (limit !== undefined && memory > limit) ctx.at(0, { k: "exit", pod, epoch: pod.epoch, reason: "OOMKilled", exitCode: 137 });
  }
  if (ctx.growingPods.size > 0) ctx.requestUsageTick();
}

/** rankMemoryPressure order: exceeds-request first, then lower priority, then larger usage − request. */
function evictionBefore(a: SimPod, b: SimPod): boolean {
  const aOver = a.usageMemory > a.request.memory;
  const bOver = b.usageMemory > b.request.memory;
  if (aOver !== bOver) return aOver;
  if (a.spec.priority !== b.spec.priority) return a.spec.priority < b.spec.priority;
  const da = a.usageMemory - a.request.memory;
  const db = b.usageMemory - b.request.memory;
  if (da !== db) return da > db;
  return a.name < b.name;
}
