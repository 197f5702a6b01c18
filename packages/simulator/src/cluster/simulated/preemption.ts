/**
 * DefaultPreemption, the scheduler's PostFilter (pkg/scheduler/framework/plugins/defaultpreemption
 * default_preemption.go, pkg/scheduler/framework/preemption/preemption.go Evaluator.Preempt): when a
 * pod fits no node, find the nodes where deleting lower-priority pods makes room, choose one, delete
 * those pods gracefully and nominate the node; the pod binds there once they are gone.
 *
 * Not modelled: PodDisruptionBudgets (none here: every candidate has 0 violations), extenders,
 * async preemption (KEP 4832; the same deletions, in the same instant here), and DryRunPreemption's
 * random offset: candidates are looked for from the first node on.
 */
import { filterNode, fitErrorMessage, insufficientResources, type SchedulingPod } from "@openpolicy/core";
import type { SimContext } from "./context.js";
import { terminatePod } from "./controllers.js";
import type { SimNode, SimPod } from "./sim-types.js";

/** default_preemption.go PodEligibleToPreemptOthers, the victims still terminating. */
const TERMINATING_ON_NOMINATED = "not eligible due to a terminating pod on the nominated node.";

/** args DefaultPreemptionArgs defaults (pkg/scheduler/apis/config/v1/defaults.go). */
const MIN_CANDIDATE_NODES_PERCENTAGE = 10;
const MIN_CANDIDATE_NODES_ABSOLUTE = 100;

/** A node where preemption makes room, and its victims in decreasing importance. */
interface Candidate {
  node: SimNode;
  victims: SimPod[];
}

export function schedulingPodOf(pod: SimPod): SchedulingPod {
  return { request: pod.request, priority: pod.spec.priority, ...(pod.spec.preemptionPolicy ? { preemptionPolicy: pod.spec.preemptionPolicy } : {}) };
}

/**
 * The node as the filters see it for `pod` (framework.go RunFilterPluginsWithNominatedPods /
 * addGENominatedPods): pods nominated there with a priority at least the pod's count as if bound, so
 * a lower-priority pod cannot take the room a preemptor waits for. The node itself when none is.
 */
export function withNominatedPods(ctx: SimContext, pod: SimPod, node: SimNode): SimNode {
  let memory = 0;
  let cpu = 0;
  let count = 0;
  for (const other of ctx.nominated) {
    if (other === pod || other.nominatedNode !== node || other.spec.priority < pod.spec.priority) continue;
    memory += other.request.memory;
    cpu += other.request.cpu;
    count++;
  }
  if (count === 0) return node;
  // A view over the node: everything else (pods, taints, spread counts) reads through.
  return Object.create(node, {
    requested: { value: { memory: node.requested.memory + memory, cpu: node.requested.cpu + cpu } },
    podCount: { value: node.podCount + count },
  }) as SimNode;
}

/** util.MoreImportantPod: higher priority first, then the earlier start time (longer running). */
function moreImportantFirst(a: SimPod, b: SimPod): number {
  return b.spec.priority - a.spec.priority || a.boundAt - b.boundAt;
}

/**
 * default_preemption.go SelectVictimsOnNode: remove every lower-priority pod; if the pod then fits,
 * add them back most important first, keeping each that still lets it fit; the rest are the
 * victims (most important first). Undefined when there is no lower-priority pod or the pod does not
 * fit even without them. Only resources decide here: nodes failing on a taint never get this far.
 */
export function selectVictimsOnNode(pod: SimPod, node: SimNode): SimPod[] | undefined {
  const potential = [...node.pods].filter((p) => p.spec.priority < pod.spec.priority);
  if (potential.length === 0) return undefined;
  const state = { allocatable: node.allocatable, allocatablePods: node.allocatablePods, requested: { ...node.requested }, podCount: node.podCount };
  const move = (p: SimPod, sign: 1 | -1): void => {
    state.requested.memory += sign * p.request.memory;
    state.requested.cpu += sign * p.request.cpu;
    state.podCount += sign;
  };
  const fits = (): boolean => insufficientResources(pod.request, state).length === 0;
  for (const p of potential) move(p, -1);
  if (!fits()) return undefined;
  potential.sort(moreImportantFirst);
  const victims: SimPod[] = [];
  for (const p of potential) {
    move(p, 1);
    if (fits()) continue;
    move(p, -1);
    victims.push(p);
  }
  return victims;
}

/** default_preemption.go calculateNumCandidates: 10 % of the nodes, at least 100, at most all. */
export function numCandidates(nodeCount: number): number {
  return Math.min(nodeCount, Math.max(Math.trunc((nodeCount * MIN_CANDIDATE_NODES_PERCENTAGE) / 100), MIN_CANDIDATE_NODES_ABSOLUTE));
}

/** util.GetEarliestPodStartTime: the earliest start among the highest-priority victims. */
function earliestStartOfTopVictims(victims: readonly SimPod[]): number {
  const top = victims[0]!.spec.priority;
  return Math.min(...victims.filter((v) => v.spec.priority === top).map((v) => v.boundAt));
}

/**
 * preemption.go pickOneNodeForPreemption, its default score functions in order, each deciding only
 * among the nodes the previous ones tied: fewest PDB violations (always 0 here), lowest
 * highest-victim priority, lowest sum of victim priorities (each + 2³¹), fewest victims, latest
 * earliest-start of the highest-priority victims; then the first left. Upstream lists the
 * candidates from a map, so its "first" is arbitrary; here it is the first in node order.
 */
export function pickOneNodeForPreemption(candidates: readonly Candidate[]): Candidate {
  const scores: ((c: Candidate) => number)[] = [
    (c) => -c.victims[0]!.spec.priority,
    (c) => -c.victims.reduce((sum, v) => sum + v.spec.priority + 2 ** 31, 0),
    (c) => -c.victims.length,
    (c) => earliestStartOfTopVictims(c.victims),
  ];
  let left = candidates;
  for (const score of scores) {
    const values = left.map(score);
    const best = Math.max(...values);
    left = left.filter((_, i) => values[i] === best);
    if (left.length === 1) break;
  }
  return left[0]!;
}

/**
 * A stand-in for the preemptor's UID in the victims' event: a real UID is random; this one is
 * derived from the namespace and pod name (FNV-1a, UUID-shaped) so a seeded run repeats.
 */
export function simulatedUid(namespace: string, name: string): string {
  let hex = "";
  for (let round = 0; hex.length < 32; round++) {
    let hash = 0x811c9dc5 ^ round;
    for (const ch of `${namespace}/${name}`) hash = Math.imul(hash ^ ch.charCodeAt(0), 0x01000193) >>> 0;
    hex += hash.toString(16).padStart(8, "0");
  }
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * preemption.go prepareCandidate / PreemptPod: each victim not already terminating gets the
 * DisruptionTarget condition, is deleted with its grace period, and gets the "Preempted" event
 * (recorded before the kubelet's Killing, as the API calls come first); its controller replaces it
 * at once (a ReplicaSet no longer counts a deleted pod; a StatefulSet waits until it is gone).
 * Lower-priority pods nominated to the same node lose their nomination; the preemptor gets it.
 */
function prepareCandidate(ctx: SimContext, pod: SimPod, chosen: Candidate): void {
  const uid = simulatedUid(ctx.namespace, pod.name);
  for (const victim of chosen.victims) {
    if (victim.terminating) continue;
    victim.preempted = true;
    ctx.record("Normal", "Preempted", `Pod/${victim.name}`, `Preempted by pod ${uid} on node ${chosen.node.name}`, victim.workload.name, chosen.node.name);
    terminatePod(ctx, victim);
    if (ctx.workloads.get(victim.workload.name) === victim.workload) ctx.queueReconcile(victim.workload);
  }
  for (const other of ctx.nominated) {
    if (other.nominatedNode === chosen.node && other.spec.priority < pod.spec.priority) setNominated(ctx, other, undefined);
  }
  setNominated(ctx, pod, chosen.node);
}

export function setNominated(ctx: SimContext, pod: SimPod, node: SimNode | undefined): void {
  pod.nominatedNode = node;
  if (node) ctx.nominated.add(pod);
  else ctx.nominated.delete(pod);
}

/**
 * default_preemption.go PodEligibleToPreemptOthers: not with preemptionPolicy Never, nor while a
 * lower-priority pod deleted by preemption is still terminating on the pod's nominated node —
 * unless that node now fails for a reason preemption cannot resolve (a taint).
 */
function waitsForVictims(pod: SimPod): boolean {
  const nominated = pod.nominatedNode;
  if (!nominated || filterNode(schedulingPodOf(pod), nominated).unresolvable) return false;
  for (const p of nominated.pods) if (p.terminating && p.preempted && p.spec.priority < pod.spec.priority) return true;
  return false;
}

/**
 * The PostFilter for a pod that fit no node. Returns the FailedScheduling message when preemption
 * changes it: after a successful preemption the PostFilter status is Success, so the message is the
 * filter part alone (types.go FitError.Error adds no "preemption:" part); while the victims
 * terminate, that message stays (else the not-eligible reason). Undefined when the scheduling cycle's message stands
 * (policy Never, or no node where preemption helps).
 */
export function preempt(ctx: SimContext, pod: SimPod): string | undefined {
  if (pod.spec.preemptionPolicy === "Never") return undefined;
  const sp = schedulingPodOf(pod);
  const verdicts = ctx.nodeList.map((node) => filterNode(sp, withNominatedPods(ctx, pod, node)));
  const filterPart = (): string => fitErrorMessage(ctx.nodeList.length, verdicts.map((v) => v.reasons));
  if (waitsForVictims(pod)) {
    // Upstream requeues the preemptor only on events that may make it fit (an assigned pod's
    // deletion); this scheduler retries every pending pod whenever it runs, so a retry in between
    // keeps the message of the preemption rather than record an event upstream would rarely show.
    return pod.message ?? `${filterPart()} preemption: ${TERMINATING_ON_NOMINATED}`;
  }
  const wanted = numCandidates(ctx.nodeList.length);
  const candidates: Candidate[] = [];
  for (const [i, node] of ctx.nodeList.entries()) {
    if (verdicts[i]!.unresolvable || candidates.length >= wanted) continue;
    const victims = selectVictimsOnNode(pod, withNominatedPods(ctx, pod, node));
    if (victims && victims.length > 0) candidates.push({ node, victims });
  }
  if (candidates.length === 0) {
    // Preempt returns NominatedNode "": a stale nomination is cleared.
    setNominated(ctx, pod, undefined);
    return undefined;
  }
  prepareCandidate(ctx, pod, pickOneNodeForPreemption(candidates));
  return filterPart();
}
