/**
 * The default profile's filters that bite on our clusters, run per node in upstream order and
 * stopping at the first plugin that rejects (pkg/scheduler/framework/runtime/framework.go
 * RunFilterPlugins): TaintToleration (NoSchedule taints the pod does not tolerate), then
 * NodeResourcesFit (fit.go fitsRequest).
 */
import type { ResourcePair } from "./pod-request.js";

/** kind's control-plane taint, kept when the cluster has workers (kind kubeadminit action). */
export const CONTROL_PLANE_TAINT = "node-role.kubernetes.io/control-plane";
/** Added by the node lifecycle controller to a NotReady / unreachable node. */
export const UNREACHABLE_TAINT = "node.kubernetes.io/unreachable";
/** TaintNodesByCondition: MemoryPressure=True (pkg/controller/nodelifecycle). */
export const MEMORY_PRESSURE_TAINT = "node.kubernetes.io/memory-pressure";

/** A node as the scheduler's filters and scores read it. */
export interface SchedulingNode {
  readonly name: string;
  readonly allocatable: ResourcePair;
  readonly allocatablePods: number;
  /** Sum of the bound pods' requests (terminating pods included until they are gone). */
  readonly requested: ResourcePair;
  /** The same with missing requests counted as 100m / 200Mi (scoring only). */
  readonly nonZeroRequested: ResourcePair;
  readonly podCount: number;
  /** Keys of the node's NoSchedule taints (all with an empty value here). */
  readonly taints: readonly string[];
}

/** A pod as the scheduler's filters and scores read it: its request, priority and tolerations. */
export interface SchedulingPod {
  readonly request: ResourcePair;
  readonly priority: number;
  /**
   * The pod's preemptionPolicy (from its PriorityClass); absent is the API default,
   * PreemptLowerPriority. Only the FailedScheduling text depends on it here.
   */
  readonly preemptionPolicy?: "PreemptLowerPriority" | "Never";
  /** Taint keys the pod tolerates. */
  readonly tolerations?: readonly string[];
}

/** Why a pod does not fit a node, and whether preemption could help. */
export interface NodeVerdict {
  reasons: string[];
  /**
   * UnschedulableAndUnresolvable: preemption cannot help (a taint); resource shortfalls are
   * plain Unschedulable.
   */
  unresolvable: boolean;
}

/**
 * fit.go fitsRequest: the resources the node lacks for the pod, in upstream order (pods, cpu,
 * memory). A resource fails only when the pod requests some of it and the request exceeds
 * allocatable − requested: equality fits.
 */
export function insufficientResources(
  request: ResourcePair,
  node: { allocatable: ResourcePair; allocatablePods: number; requested: ResourcePair; podCount: number },
): string[] {
  const reasons: string[] = [];
  if (node.podCount + 1 > node.allocatablePods) reasons.push("Too many pods");
  if (request.cpu > 0 && request.cpu > node.allocatable.cpu - node.requested.cpu) reasons.push("Insufficient cpu");
  if (request.memory > 0 && request.memory > node.allocatable.memory - node.requested.memory) reasons.push("Insufficient memory");
  return reasons;
}

/** Why `node` cannot take `pod`; no reasons when it can. */
export function filterNode(pod: SchedulingPod, node: SchedulingNode): NodeVerdict {
  for (const taint of node.taints) {
    // taint_toleration.go: ErrReasonNotMatch "node(s) had untolerated taint {%s: %s}" (key: value).
    if (!pod.tolerations?.includes(taint)) return { reasons: [`node(s) had untolerated taint {${taint}: }`], unresolvable: true };
  }
  return { reasons: insufficientResources(pod.request, node), unresolvable: false };
}

/** `filterNode(pod, node).reasons.length === 0`, without building the reasons (the hot path). */
export function fitsNode(pod: SchedulingPod, node: SchedulingNode): boolean {
  for (const taint of node.taints) if (!pod.tolerations?.includes(taint)) return false;
  const { request } = pod;
  if (node.podCount + 1 > node.allocatablePods) return false;
  if (request.cpu > 0 && request.cpu > node.allocatable.cpu - node.requested.cpu) return false;
  return !(request.memory > 0 && request.memory > node.allocatable.memory - node.requested.memory);
}
