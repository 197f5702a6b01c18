/**
 * The scheduler (pkg/scheduler): core's scheduling cycle over the simulated nodes, the pending
 * queue's passes, binding, and the condition taints the scheduler sees.
 */
import { fitsNode, lowerPriorityPods, MEMORY_PRESSURE_TAINT, scheduleOne, UNREACHABLE_TAINT } from "@openpolicy/core";
import type { SimContext } from "./context.js";
import { preempt, schedulingPodOf, setNominated, withNominatedPods } from "./preemption.js";
import { CONTAINER_START_SECONDS, type SimNode, type SimPod } from "./sim-types.js";

/**
 * core's scheduling cycle (filter, score, selectHost) for the pod over the simulated nodes. A pod
 * with a nominated node tries that node alone first (schedule_one.go evaluateNominatedNode). While
 * pods are nominated, the nodes are filtered with those of equal or higher priority counted in
 * (`withNominatedPods`); core scores the same views, so only then scoring counts them too
 * (upstream scores without them), which can change the choice among feasible nodes, not feasibility.
 */
export function scheduleCycle(ctx: SimContext, pod: SimPod): { node?: SimNode | undefined; message?: string | undefined } {
  const schedulingPod = schedulingPodOf(pod);
  const nominated = pod.nominatedNode;
  if (nominated && fitsNode(schedulingPod, withNominatedPods(ctx, pod, nominated))) return { node: nominated };
  const key = spreadKey(pod);
  const nodes = ctx.nominated.size === 0 ? ctx.nodeList : ctx.nodeList.map((node) => withNominatedPods(ctx, pod, node));
  const result = scheduleOne(schedulingPod, nodes, {
    random: ctx.tieBreak,
    victimsOn: (node, priority) => lowerPriorityPods([...node.pods].map((p) => ({ priority: p.spec.priority, request: p.request })), priority),
    rotation: ctx.rotation,
    matchingPodsOn: (node) => node.spread.get(key) ?? 0,
  });
  // A view answers for its node: bind the node itself.
  return result.node ? { node: ctx.nodeList[result.node.index]! } : result;
}

/**
 * Which pods the default spread selector of `pod` matches (podtopologyspread DefaultSelector: the
 * selectors of its Services and owner merged): a ReplicaSet's selector carries the
 * pod-template-hash, so a Deployment's pods count per revision; a StatefulSet's does not.
 */
function spreadKey(pod: SimPod): string {
  return pod.spec.kind === "StatefulSet" ? pod.workload.name : `${pod.workload.name}@${pod.revision}`;
}

/** Counts a bound pod in (+1) or out (−1) of its node's spread counts. */
export function countSpread(node: SimNode, pod: SimPod, delta: 1 | -1): void {
  const key = spreadKey(pod);
  const next = (node.spread.get(key) ?? 0) + delta;
  if (next > 0) node.spread.set(key, next);
  else node.spread.delete(key);
}

export function pickNode(ctx: SimContext, pod: SimPod): SimNode | undefined {
  return scheduleCycle(ctx, pod).node;
}

/**
 * Condition taints (pkg/controller/nodelifecycle): a NotReady node gets
 * node.kubernetes.io/unreachable, a node under MemoryPressure node.kubernetes.io/memory-pressure
 * (TaintNodesByCondition), both NoSchedule. App pods tolerate neither: the toleration for the
 * memory-pressure taint comes from the PodTolerationRestriction admission plugin, off by default.
 */
export function refreshTaints(node: SimNode): void {
  node.taints = [...node.baseTaints];
  if (!node.ready) node.taints.push(UNREACHABLE_TAINT);
  if (node.memoryPressure) node.taints.push(MEMORY_PRESSURE_TAINT);
}

/**
 * One scheduling pass over the pending pods, higher priority first, then oldest first (the
 * active queue's ordering, pkg/scheduler/framework/plugins/queuesort). Pods that do not fit
 * go to DefaultPreemption (preemption.ts) and stay Pending with a FailedScheduling event (recorded
 * again only when the message changes); they are retried whenever resources are freed.
 */
export function schedulePending(ctx: SimContext): void {
  if (ctx.pending.length === 0) return;
  const queue = ctx.pending;
  ctx.pending = [];
  queue.sort((a, b) => b.spec.priority - a.spec.priority || a.createdAt - b.createdAt);
  for (const pod of queue) {
    if (pod.gone || pod.terminating || pod.node) continue;
    const { node, message: cycleMessage } = scheduleCycle(ctx, pod);
    if (node) {
      bind(ctx, pod, node, true);
      continue;
    }
    const message = preempt(ctx, pod) ?? cycleMessage;
    if (!pod.unschedulable || pod.message !== message) {
      ctx.record("Warning", "FailedScheduling", `Pod/${pod.name}`, message!, pod.workload.name);
    }
    pod.unschedulable = true;
    pod.reason = "Unschedulable";
    pod.message = message;
    ctx.touch(pod.workload);
    ctx.pending.push(pod);
  }
}

export function bind(ctx: SimContext, pod: SimPod, node: SimNode, withEvents: boolean): void {
  pod.node = node;
  pod.boundAt = ctx.t;
  setNominated(ctx, pod, undefined);
  pod.unschedulable = false;
  pod.reason = undefined;
  pod.message = undefined;
  node.pods.add(pod);
  countSpread(node, pod, 1);
  node.requested.memory += pod.request.memory;
  node.requested.cpu += pod.request.cpu;
  node.nonZeroRequested.memory += pod.nonZero.memory;
  node.nonZeroRequested.cpu += pod.nonZero.cpu;
  ctx.touch(pod.workload);
  if (withEvents) {
    ctx.record("Normal", "Scheduled", `Pod/${pod.name}`, `Successfully assigned ${ctx.namespace}/${pod.name} to ${node.name}`, pod.workload.name, node.name);
    ctx.at(CONTAINER_START_SECONDS, { k: "start", pod, epoch: pod.epoch });
  }
}
