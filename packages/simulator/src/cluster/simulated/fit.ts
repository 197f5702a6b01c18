/**
 * Scheduler arithmetic, ported from kubernetes pkg/scheduler/framework/plugins/noderesources
 * (fit.go, least_allocated.go, resource_allocation.go) and pkg/scheduler/util (non_zero.go).
 */

export interface ResourcePair {
  /** millicores */
  cpu: number;
  /** bytes */
  memory: number;
}

export interface PodResourceSpec {
  containers: ResourcePair[];
  initContainers?: ResourcePair[];
  overhead?: ResourcePair;
}

/**
 * Pod request (k8s.io/component-helpers resource.PodRequests, used by fit.go computePodResourceRequest):
 * the larger of the sum of app containers and the largest init container, per resource, plus the
 * pod overhead.
 */
export function podRequest(pod: PodResourceSpec): ResourcePair {
  let cpu = 0;
  let memory = 0;
  for (const c of pod.containers) {
    cpu += c.cpu;
    memory += c.memory;
  }
  for (const c of pod.initContainers ?? []) {
    if (c.cpu > cpu) cpu = c.cpu;
    if (c.memory > memory) memory = c.memory;
  }
  if (pod.overhead) {
    cpu += pod.overhead.cpu;
    memory += pod.overhead.memory;
  }
  return { cpu, memory };
}

/** pkg/scheduler/util/pod_resources.go: defaults used for scoring only, never for fitting. */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

export function nonZeroRequest(request: ResourcePair): ResourcePair {
  return {
    cpu: request.cpu === 0 ? DEFAULT_MILLI_CPU_REQUEST : request.cpu,
    memory: request.memory === 0 ? DEFAULT_MEMORY_REQUEST : request.memory,
  };
}

export interface NodeFitInfo {
  allocatable: ResourcePair;
  allocatablePods: number;
  requested: ResourcePair;
  podCount: number;
}

/**
 * fit.go fitsRequest: the reasons a node cannot take the pod, in upstream order (pods, cpu,
 * memory). A resource fails only when the pod requests some of it and the request exceeds
 * allocatable − requested (equality fits).
 */
export function insufficientResources(request: ResourcePair, node: NodeFitInfo): string[] {
  const reasons: string[] = [];
  if (node.podCount + 1 > node.allocatablePods) reasons.push("Too many pods");
  if (request.cpu > 0 && request.cpu > node.allocatable.cpu - node.requested.cpu) reasons.push("Insufficient cpu");
  if (request.memory > 0 && request.memory > node.allocatable.memory - node.requested.memory) {
    reasons.push("Insufficient memory");
  }
  return reasons;
}

/**
 * least_allocated.go: per resource `(allocatable − requested) · 100 / allocatable` with integer
 * division, 0 when allocatable is 0 or the request exceeds it; cpu and memory weight 1 each.
 * `nodeNonZeroRequested` already holds the existing pods' non-zero requests; the pod's own
 * non-zero request is added here (resource_allocation.go calculateResourceAllocatableRequest).
 */
export function leastAllocatedScore(podRequestValue: ResourcePair, allocatable: ResourcePair, nodeNonZeroRequested: ResourcePair): number {
  const pod = nonZeroRequest(podRequestValue);
  const cpu = leastRequestedScore(nodeNonZeroRequested.cpu + pod.cpu, allocatable.cpu);
  const memory = leastRequestedScore(nodeNonZeroRequested.memory + pod.memory, allocatable.memory);
  return Math.trunc((cpu + memory) / 2);
}

function leastRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * 100) / capacity);
}

/**
 * The FailedScheduling message (pkg/scheduler/framework/types.go FitError.Error): reasons counted
 * over nodes, formatted "<count> <reason>", sorted as strings, joined with ", ".
 */
export function failedSchedulingMessage(nodeCount: number, reasonsPerNode: readonly (readonly string[])[]): string {
  const histogram = new Map<string, number>();
  for (const reasons of reasonsPerNode) for (const r of reasons) histogram.set(r, (histogram.get(r) ?? 0) + 1);
  const parts = [...histogram].map(([reason, count]) => `${count} ${reason}`).sort();
  return `0/${nodeCount} nodes are available: ${parts.join(", ")}.`;
}
