/**
 * One scheduling cycle for one pod (pkg/scheduler/schedule_one.go): filter every node, score the
 * feasible ones, pick the best; when none is feasible, the FailedScheduling message. The simulated
 * cluster, `check` and the planner all place pods through this function.
 */
import { filterNode, fitsNode, type SchedulingNode, type SchedulingPod } from "./filter.js";
import { failedSchedulingMessage, notEligibleMessage, type PreemptionVerdict } from "./message.js";
import type { ResourcePair } from "./pod-request.js";
import { DEFAULT_SCORE_WEIGHTS, resourceScore, topologySpreadScores } from "./score.js";

/** Lower-priority pods on a node: what DefaultPreemption could evict. */
export interface Victims {
  pods: number;
  requested: ResourcePair;
}

/** The node chosen for a pod, or the FailedScheduling message when none fits. */
export type ScheduleResult<N> = { node: N; message?: undefined } | { node?: undefined; message: string };

/** Where the next cycle starts looking (schedule_one.go nextStartNodeIndex); one per scheduler. */
export interface NodeRotation {
  nextStartNodeIndex: number;
}

const MIN_FEASIBLE_NODES_TO_FIND = 100;
const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;

/**
 * schedule_one.go numFeasibleNodesToFind with the default percentageOfNodesToScore (0 = adaptive):
 * every node below 100 nodes; above, 50% − nodes/125 of them (at least 5%, at least 100).
 */
export function numFeasibleNodesToFind(nodeCount: number): number {
  if (nodeCount < MIN_FEASIBLE_NODES_TO_FIND) return nodeCount;
  const percentage = Math.max(MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND, 50 - Math.trunc(nodeCount / 125));
  return Math.max(MIN_FEASIBLE_NODES_TO_FIND, Math.trunc((nodeCount * percentage) / 100));
}

/**
 * findNodesThatPassFilters: nodes are tried from `nextStartNodeIndex` round the list, stopping once
 * numFeasibleNodesToFind fit; the next cycle starts where this one stopped. (Upstream filters in
 * parallel, so which nodes make the cut can vary a little; here it is the first ones in order.)
 */
function findFeasibleNodes<N extends SchedulingNode>(pod: SchedulingPod, nodes: readonly N[], rotation: NodeRotation): N[] {
  const wanted = numFeasibleNodesToFind(nodes.length);
  const feasible: N[] = [];
  let processed = 0;
  const start = nodes.length > 0 ? rotation.nextStartNodeIndex % nodes.length : 0;
  while (processed < nodes.length && feasible.length < wanted) {
    const node = nodes[(start + processed) % nodes.length]!;
    processed++;
    if (fitsNode(pod, node)) feasible.push(node);
  }
  if (nodes.length > 0) rotation.nextStartNodeIndex = (start + processed) % nodes.length;
  return feasible;
}

/** Options of {@link scheduleOne}: the tie-break stream and what the scheduler knows besides the nodes. */
export interface ScheduleOptions<N> {
  /** The tie-break stream (see `scheduleOne`). */
  random: () => number;
  /** Lower-priority pods on a node, for the preemption part of the message. */
  victimsOn?: (node: N, priority: number) => Victims;
  /** The scheduler's rotating start (one per scheduler); a fresh one when absent. */
  rotation?: NodeRotation;
  /** Pods on the node matching the pod's default spread selector; no PodTopologySpread score when absent. */
  matchingPodsOn?: (node: N) => number;
}

/**
 * One scheduling cycle for one pod (schedule_one.go): filter the nodes, score the feasible ones,
 * pick the best (ties broken by `options.random`); when none fits, the FailedScheduling message.
 */
export function scheduleOne<N extends SchedulingNode>(pod: SchedulingPod, nodes: readonly N[], options: ScheduleOptions<N>): ScheduleResult<N> {
  const feasible = findFeasibleNodes(pod, nodes, options.rotation ?? { nextStartNodeIndex: 0 });
  if (feasible.length === 1) return { node: feasible[0]! };
  if (feasible.length > 1) return { node: selectHost(pod, feasible, options) };
  return { message: unschedulableMessage(pod, nodes, options.victimsOn) };
}

/**
 * selectHost (schedule_one.go): the highest total score wins; among equal scores upstream picks
 * uniformly at random (reservoir sampling with math/rand). Here `random` (a seeded PRNG, values in
 * [0, 1)) stands in for math/rand, so a run is repeatable for a seed: the n-th tied node replaces
 * the choice when `random() · n < 1`. The scheduler does not score when only one node is feasible,
 * and neither do we (no random draw). Totals: LeastAllocated + BalancedAllocation (weight 1 each)
 * + 2 × PodTopologySpread when the pod has an owner to spread.
 */
function selectHost<N extends SchedulingNode>(pod: SchedulingPod, feasible: readonly N[], options: ScheduleOptions<N>): N {
  const { matchingPodsOn } = options;
  const spread = matchingPodsOn ? topologySpreadScores(feasible.map((node) => matchingPodsOn(node))) : undefined;
  let best = feasible[0]!;
  let bestScore = -1;
  let ties = 0;
  feasible.forEach((node, i) => {
    const score = resourceScore(pod.request, node) + (spread ? DEFAULT_SCORE_WEIGHTS.podTopologySpread * spread[i]! : 0);
    if (score > bestScore) {
      best = node;
      bestScore = score;
      ties = 1;
    } else if (score === bestScore) {
      ties++;
      if (options.random() * ties < 1) best = node;
    }
  });
  return best;
}

function unschedulableMessage<N extends SchedulingNode>(pod: SchedulingPod, nodes: readonly N[], victimsOn: ScheduleOptions<N>["victimsOn"]): string {
  if (pod.preemptionPolicy === "Never") return notEligibleMessage(nodes.map((node) => filterNode(pod, node).reasons));
  const preemption: PreemptionVerdict[] = nodes.map((node) => {
    const verdict = filterNode(pod, node);
    const victims = verdict.unresolvable || !victimsOn ? { pods: 0, requested: { cpu: 0, memory: 0 } } : victimsOn(node, pod.priority);
    const afterVictims =
      victims.pods === 0
        ? verdict.reasons
        : filterNode(pod, {
            name: node.name,
            taints: node.taints,
            allocatable: node.allocatable,
            allocatablePods: node.allocatablePods,
            nonZeroRequested: node.nonZeroRequested,
            requested: { cpu: node.requested.cpu - victims.requested.cpu, memory: node.requested.memory - victims.requested.memory },
            podCount: node.podCount - victims.pods,
          }).reasons;
    return { verdict, victims: victims.pods, afterVictims };
  });
  return failedSchedulingMessage(preemption);
}
