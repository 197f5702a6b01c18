/**
 * One scheduling cycle for one pod (pkg/scheduler/schedule_one.go): filter every node, score the
 * feasible ones, pick the best; when none is feasible, the FailedScheduling message. The simulated
 * cluster, `check` and the planner all place pods through this function.
 */
import { filterNode, fitsNode, type SchedulingNode, type SchedulingPod } from "./filter.js";
import { failedSchedulingMessage, type PreemptionVerdict } from "./message.js";
import type { ResourcePair } from "./pod-request.js";
import { resourceScore } from "./score.js";

/** Lower-priority pods on a node: what DefaultPreemption could evict. */
export interface Victims {
  pods: number;
  requested: ResourcePair;
}

/** The node chosen for a pod, or the FailedScheduling message when none fits. */
export type ScheduleResult<N> = { node: N; message?: undefined } | { node?: undefined; message: string };

/**
 * selectHost (schedule_one.go): the highest total score wins; among equal scores upstream picks
 * uniformly at random (reservoir sampling with math/rand). Here `random` (a seeded PRNG, values in
 * [0, 1)) stands in for math/rand, so a run is repeatable for a seed: the n-th tied node replaces
 * the choice when `random() · n < 1`. The scheduler does not score when only one node is feasible,
 * and neither do we (no random draw).
 */
export function scheduleOne<N extends SchedulingNode>(
  pod: SchedulingPod,
  nodes: readonly N[],
  random: () => number,
  victimsOn?: (node: N, priority: number) => Victims,
): ScheduleResult<N> {
  const feasible: N[] = [];
  for (const node of nodes) if (fitsNode(pod, node)) feasible.push(node);
  if (feasible.length === 1) return { node: feasible[0]! };
  if (feasible.length > 1) {
    let best = feasible[0]!;
    let bestScore = -1;
    let ties = 0;
    for (const node of feasible) {
      const score = resourceScore(pod.request, node);
      if (score > bestScore) {
        best = node;
        bestScore = score;
        ties = 1;
      } else if (score === bestScore) {
        ties++;
        if (random() * ties < 1) best = node;
      }
    }
    return { node: best };
  }
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
  return { message: failedSchedulingMessage(preemption) };
}
