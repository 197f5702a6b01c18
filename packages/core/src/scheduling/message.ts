/**
 * The FailedScheduling event text of a current scheduler (pkg/scheduler/framework/types.go
 * FitError.Error, plus the DefaultPreemption PostFilter's message, plugins/defaultpreemption
 * default_preemption.go and framework/preemption/preemption.go Preempt):
 *
 *   0/N nodes are available: <count> <reason>, …. preemption: 0/N nodes are available: <count> <reason>, ….
 *
 * Both histograms are "<count> <reason>" strings sorted as strings and joined with ", "; each part
 * is followed by "." — the preemption part is itself a FitError message ending in ".", hence the
 * ".." at the end, as `kubectl describe` shows it.
 */
import type { NodeVerdict } from "./filter.js";

/** default_preemption.go SelectVictimsOnNode: the node has no pod of lower priority to evict. */
export const NO_PREEMPTION_VICTIMS = "No preemption victims found for incoming pod";
/** preemption.go Preempt: nodes whose failure preemption cannot resolve (e.g. a taint). */
export const PREEMPTION_NOT_HELPFUL = "Preemption is not helpful for scheduling";

/**
 * Per node, what preemption finds: for a node that failed on resources, the reasons the pod still
 * does not fit once every lower-priority pod is gone (`afterVictims`), or no victims at all.
 */
export interface PreemptionVerdict {
  verdict: NodeVerdict;
  /** Lower-priority pods on the node. */
  victims: number;
  /** Filter reasons with those pods removed (empty: preemption would make room). */
  afterVictims: string[];
}

function histogram(reasonsPerNode: Iterable<readonly string[]>): string {
  const counts = new Map<string, number>();
  for (const reasons of reasonsPerNode) for (const r of reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  return [...counts].map(([reason, count]) => `${count} ${reason}`).sort().join(", ");
}

/** The filter part alone: `0/N nodes are available: <histogram>.` */
export function fitErrorMessage(nodeCount: number, reasonsPerNode: Iterable<readonly string[]>): string {
  return `0/${nodeCount} nodes are available: ${histogram(reasonsPerNode)}.`;
}

/**
 * The message for a pod whose preemptionPolicy is Never: DefaultPreemption's
 * PodEligibleToPreemptOthers refuses before looking at any node (default_preemption.go), so the
 * preemption part is its reason, e.g. `0/1 nodes are available: 1 Insufficient cpu. preemption: not
 * eligible due to preemptionPolicy=Never.`
 */
export function notEligibleMessage(reasonsPerNode: readonly (readonly string[])[]): string {
  return `${fitErrorMessage(reasonsPerNode.length, reasonsPerNode)} preemption: not eligible due to preemptionPolicy=Never.`;
}

/**
 * The whole message. A node where preemption would make room (lower-priority victims whose removal
 * lets the pod fit) is not modelled — we never preempt — and adds no reason to the preemption part.
 */
export function failedSchedulingMessage(nodes: readonly PreemptionVerdict[]): string {
  const filter = fitErrorMessage(nodes.length, nodes.map((n) => n.verdict.reasons));
  const preemption = nodes.map((n) => {
    if (n.verdict.unresolvable) return [PREEMPTION_NOT_HELPFUL];
    if (n.victims === 0) return [NO_PREEMPTION_VICTIMS];
    return n.afterVictims;
  });
  return `${filter} preemption: ${fitErrorMessage(nodes.length, preemption)}.`;
}
