/**
 * Why a step cannot succeed, if it cannot: the Deployment hit its progress deadline, a container
 * cannot start (image, missing Secret), a pod is crash-looping, or a pod is unschedulable and
 * nothing in flight will make room — no node would fit it even once every terminating pod is gone
 * (fail fast instead of waiting 600 s).
 */
import type { ClusterView, NodeStatus, WorkloadSummary } from "../cluster/cluster.js";
import { CONTAINER_START_FAILURES } from "../cluster/cluster.js";
import type { WorkloadSpec } from "../cluster/workload-spec.js";
import type { Outcome } from "./outcome.js";

export function stepFailure(view: ClusterView, w: WorkloadSummary, spec: WorkloadSpec, crashLoopRestarts: number): Outcome | undefined {
  if (w.status === "Failed") {
    return { kind: "fail", reason: "ProgressDeadlineExceeded", service: w.name, message: `${w.name}: ${w.message ?? "progress deadline exceeded"}` };
  }
  if (w.reason !== undefined && CONTAINER_START_FAILURES.has(w.reason)) {
    return { kind: "fail", reason: "ContainerStartFailed", service: w.name, message: `${w.name}: ${w.reason}${w.message ? `: ${w.message}` : ""}` };
  }
  if (w.maxRestarts >= crashLoopRestarts) {
    return { kind: "fail", reason: "CrashLoopBackOff", service: w.name, message: `${w.name}: container restarted ${w.maxRestarts} times (CrashLoopBackOff)` };
  }
  if (w.unschedulablePods > 0 && !roomComing(view.nodes(), spec)) {
    // The scheduler's message is kept verbatim ("0/1 nodes are available: 1 Insufficient memory.").
    const why = w.message ?? "unschedulable";
    return {
      kind: "fail",
      reason: "Unschedulable",
      service: w.name,
      message: `${w.name}: pod Pending: ${why}${/[.!?]$/.test(why) ? "" : "."} Nothing in flight frees enough resources.`,
    };
  }
  return undefined;
}

/** Could the pending pod of `spec` fit somewhere once every terminating pod is gone? */
function roomComing(nodes: NodeStatus[], spec: WorkloadSpec): boolean {
  const memory = spec.requests.memory || spec.limits.memory || 0;
  const cpu = spec.requests.cpu || spec.limits.cpu || 0;
  for (const node of nodes) {
    if (!node.ready) return true; // a node coming back may have room
    // Its memory-pressure taint lifts once the pressure has been gone for the transition period.
    if (node.memoryPressure) return true;
    const freeMemory = node.allocatable.memory - (node.requested.memory - node.terminatingRequested.memory);
    const freeCpu = node.allocatable.cpu - (node.requested.cpu - node.terminatingRequested.cpu);
    const hasTerminating = node.terminatingRequested.memory > 0 || node.terminatingRequested.cpu > 0;
    if (hasTerminating && (memory === 0 || memory <= freeMemory) && (cpu === 0 || cpu <= freeCpu)) return true;
  }
  return false;
}
