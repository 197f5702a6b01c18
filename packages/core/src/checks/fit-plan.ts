/**
 * A fresh install of the plan, pod by pod, on the plan's nodes: the scheduler's filter and scores
 * (../scheduling) applied to each phase's cumulative state, in the order the simulated cluster
 * creates the pods. `check`'s `unschedulable` and `capacity-exceeded` read their answers here, so
 * `check` and `simulate` agree on whether a pod fits and word it the same way.
 *
 * Pod order, as the rollout runs it: batches in plan order, each waited for before the next; in a
 * batch, every Deployment's replicas and every StatefulSet's first pod are created at once and
 * scheduled in one pass, higher priority first (queuesort/priority_sort.go), then creation order;
 * a StatefulSet's further ordinals come one by one (OrderedReady), each after the previous is Ready —
 * here, after the batch's first pass, ordinal by ordinal.
 */
import type { Plan, Service } from "../plan/model.js";
import { PLAN_PREEMPTION_POLICY } from "../render/render-manifests.js";
import { placeServices } from "../report/placement.js";
import { fitsNode } from "../scheduling/filter.js";
import { NodePacking, type PackedPod } from "../scheduling/packing.js";
import type { ResourcePair } from "../scheduling/pod-request.js";
import { podRequestOf } from "../plan/service-pod.js";

/** The request the simulated pod carries: a limit stands in for a missing request (API defaulting). */
export function servicePodRequest(service: Service): ResourcePair {
  const main = {
    memory: service.requests.memory || service.limits.memory || 0,
    cpu: service.requests.cpu || service.limits.cpu || 0,
  };
  // Sidecars and init containers count as the scheduler counts them (the whole pod).
  // Only the fields podRequestOf reads: spreading the whole service would also expand a "*"
  // dependency list (n² names for n services on "*").
  const pod: Parameters<typeof podRequestOf>[0] = { requests: main };
  if (service.containers !== undefined) pod.containers = service.containers;
  if (service.initContainers !== undefined) pod.initContainers = service.initContainers;
  return podRequestOf(pod);
}

/**
 * A pod that would stay Pending during the rollout, where (phase, batch) and why (the scheduler's
 * message).
 */
export interface PodPending {
  service: string;
  phaseIndex: number;
  batchIndex: number;
  /** The FailedScheduling message the scheduler gives for the pod. */
  message: string;
  /** Requests bound to the nodes when the pod failed (kind's kube-system pods included). */
  requested: ResourcePair;
}

/**
 * What {@link fitPlan} found: services that fit no node, and the first pod the rollout would leave
 * Pending.
 */
export interface FitReport {
  /** Services whose pod fits no node of the empty cluster (kind's system pods only), with the message. */
  unschedulable: Map<string, string>;
  /** The first pod of the rollout left Pending, when the others fit: the rollout stops there. */
  firstPending?: PodPending;
}

function servicePods(service: Service, count: number): PackedPod[] {
  // A plan's non-zero priority renders a PriorityClass with PLAN_PREEMPTION_POLICY (render/).
  const pod: PackedPod = { owner: service.name, request: servicePodRequest(service), priority: service.priority, ...(service.priority !== 0 ? { preemptionPolicy: PLAN_PREEMPTION_POLICY } : {}) };
  return Array.from({ length: count }, () => pod);
}

/** Pods of one batch in scheduling order: the first pass (sorted by priority, stable), then StatefulSet ordinals. */
function batchPods(services: readonly Service[]): PackedPod[] {
  const first = services.flatMap((s) => servicePods(s, s.kind === "StatefulSet" ? Math.min(1, s.replicas) : s.replicas));
  first.sort((a, b) => b.priority - a.priority);
  const later: PackedPod[] = [];
  const most = Math.max(0, ...services.filter((s) => s.kind === "StatefulSet").map((s) => s.replicas));
  for (let ordinal = 1; ordinal < most; ordinal++) {
    // One round per ordinal: pods whose predecessors became Ready together share a pass.
    const round = services.filter((s) => s.kind === "StatefulSet" && s.replicas > ordinal).flatMap((s) => servicePods(s, 1));
    later.push(...round.sort((a, b) => b.priority - a.priority));
  }
  return [...first, ...later];
}

/** What fitPlan reads of a plan, as text: a cached answer is reused only while this is unchanged. */
function fitInputs(plan: Plan, seed: number): string {
  const services = [...plan.services.values()].map((s) => [s.name, servicePodRequest(s), s.limits.memory, s.limits.cpu, s.replicas, s.priority, s.kind]);
  const phases = plan.phases.map((p) => p.batches.map((b) => b.services));
  return JSON.stringify([seed, plan.cluster.nodes.map((g) => [g.count, g.name, g.memory, g.cpu, g.pods]), plan.cluster.reserved, plan.cluster.overhead, services, phases]);
}

let last: { plan: Plan; inputs: string; report: FitReport } | undefined;

/**
 * `fitPlan`, reusing the previous answer when asked again about the same, unchanged plan: the
 * `unschedulable` and `capacity-exceeded` checks both read it during one `checkPlan`.
 */
export function fitPlanCached(plan: Plan, seed = 1): FitReport {
  const inputs = fitInputs(plan, seed);
  if (last && last.plan === plan && last.inputs === inputs) return last.report;
  const report = fitPlan(plan, seed);
  last = { plan, inputs, report };
  return report;
}

/**
 * Places every pod of the plan, in rollout order, on the plan's empty cluster with the
 * kube-scheduler's filters and scores: which services fit no node, and the first pod left Pending.
 */
export function fitPlan(plan: Plan, seed = 1): FitReport {
  const unschedulable = new Map<string, string>();
  // One trial per distinct request on one empty cluster: 100k services share a handful of sizes.
  const empty = NodePacking.forCluster(plan.cluster, seed);
  const trials = new Map<string, string | undefined>();
  for (const service of plan.services.values()) {
    const [pod] = servicePods(service, 1);
    if (!pod) continue;
    const key = `${pod.request.memory}/${pod.request.cpu}/${pod.priority}`;
    if (!trials.has(key)) trials.set(key, empty.nodes.some((node) => fitsNode(pod, node)) ? undefined : empty.trial(pod).message);
    const message = trials.get(key);
    if (message !== undefined) unschedulable.set(service.name, message);
  }
  const packing = NodePacking.forCluster(plan.cluster, seed);
  const first = placeServices(plan).first;
  for (const [phaseIndex, phase] of plan.phases.entries()) {
    for (const [batchIndex, batch] of phase.batches.entries()) {
      const services = batch.services
        .filter((name) => first.get(name)?.phaseIndex === phaseIndex && first.get(name)?.batchIndex === batchIndex)
        .map((name) => plan.services.get(name))
        .filter((s): s is Service => s !== undefined);
      for (const pod of batchPods(services)) {
        const result = packing.place(pod);
        if (result.message === undefined) continue;
        const requested = { memory: 0, cpu: 0 };
        for (const node of packing.nodes) {
          requested.memory += node.requested.memory;
          requested.cpu += node.requested.cpu;
        }
        return { unschedulable, firstPending: { service: pod.owner, phaseIndex, batchIndex, message: result.message, requested } };
      }
    }
  }
  return { unschedulable };
}
