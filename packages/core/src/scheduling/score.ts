/**
 * The default profile's resource scores (kubernetes pkg/scheduler/framework/plugins/noderesources):
 * NodeResourcesFit with the LeastAllocated strategy and NodeResourcesBalancedAllocation, each
 * 0–100 and weight 1 (pkg/scheduler/apis/config/v1/default_plugins.go). PodTopologySpread's
 * system defaults score with weight 2 (below). The other default score plugins (TaintToleration,
 * NodeAffinity, ImageLocality, InterPodAffinity, VolumeBinding) give every node of our clusters
 * the same score.
 */
import { nonZeroRequest, type ResourcePair } from "./pod-request.js";

export const MAX_NODE_SCORE = 100;

/** Weights of the scores we compute, as in the default plugin set. */
export const DEFAULT_SCORE_WEIGHTS = { leastAllocated: 1, balancedAllocation: 1, podTopologySpread: 2 } as const;

/** The system default constraint on kubernetes.io/hostname (podtopologyspread/plugin.go systemDefaultConstraints). */
export const SYSTEM_DEFAULT_HOSTNAME_MAX_SKEW = 3;

/**
 * least_allocated.go: per resource `(allocatable − requested) · 100 / allocatable` (integer
 * division; 0 when allocatable is 0 or the request exceeds it), averaged with weight 1 each.
 * Requests are the node's non-zero requests plus the pod's (resource_allocation.go with
 * useRequested false: missing requests count as 100m / 200Mi).
 */
export function leastAllocatedScore(pod: ResourcePair, allocatable: ResourcePair, nodeNonZeroRequested: ResourcePair): number {
  const nz = nonZeroRequest(pod);
  const cpu = leastRequested(nodeNonZeroRequested.cpu + nz.cpu, allocatable.cpu);
  const memory = leastRequested(nodeNonZeroRequested.memory + nz.memory, allocatable.memory);
  return Math.trunc((cpu + memory) / 2);
}

function leastRequested(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * 100) / capacity);
}

/**
 * balanced_allocation.go balancedResourceScorer: with the fractions requested/allocatable of cpu
 * and memory (capped at 1; a resource with allocatable 0 is left out), the score is
 * `(1 − |f_cpu − f_mem| / 2) · 100`, truncated. Uses the real requests (useRequested true), node's
 * plus the pod's. A pod that requests nothing is skipped (PreScore returns Skip, issue #129138):
 * every node scores 0.
 */
export function balancedAllocationScore(pod: ResourcePair, allocatable: ResourcePair, nodeRequested: ResourcePair): number {
  if (pod.cpu === 0 && pod.memory === 0) return 0;
  // Resources with no allocatable are skipped; with fewer than two fractions the spread is 0.
  // (Written without arrays: it runs for every pod on every feasible node.)
  if (allocatable.cpu === 0 || allocatable.memory === 0) return MAX_NODE_SCORE;
  const cpu = Math.min(1, (nodeRequested.cpu + pod.cpu) / allocatable.cpu);
  const memory = Math.min(1, (nodeRequested.memory + pod.memory) / allocatable.memory);
  const std = Math.abs((cpu - memory) / 2);
  return Math.trunc((1 - std) * MAX_NODE_SCORE);
}

/** The node's total of the resource scores, weighted as the default profile weighs them. */
export function resourceScore(pod: ResourcePair, node: { allocatable: ResourcePair; requested: ResourcePair; nonZeroRequested: ResourcePair }): number {
  return (
    DEFAULT_SCORE_WEIGHTS.leastAllocated * leastAllocatedScore(pod, node.allocatable, node.nonZeroRequested) +
    DEFAULT_SCORE_WEIGHTS.balancedAllocation * balancedAllocationScore(pod, node.allocatable, node.requested)
  );
}

/**
 * PodTopologySpread with its system default constraints (plugins/podtopologyspread/scoring.go),
 * over the feasible nodes, given how many pods matching the pod's default selector (same owner and,
 * for a ReplicaSet, same pod-template-hash; terminating pods excluded) each already runs. Only the
 * hostname constraint (maxSkew 3) applies: our nodes carry no zone label, and the zone constraint
 * skips nodes without one. Per node `round(count · ln(n + 2) + maxSkew − 1)`, then NormalizeScore:
 * `100 · (max + min − s) / max` in integer arithmetic, every node 100 when max is 0.
 */
export function topologySpreadScores(matchingPods: readonly number[]): number[] {
  const weight = Math.log(matchingPods.length + 2);
  const raw = matchingPods.map((count) => Math.round(count * weight + (SYSTEM_DEFAULT_HOSTNAME_MAX_SKEW - 1)));
  const max = Math.max(0, ...raw);
  const min = Math.min(...raw);
  return raw.map((score) => (max === 0 ? MAX_NODE_SCORE : Math.trunc((MAX_NODE_SCORE * (max + min - score)) / max)));
}
