/**
 * A pod's effective request, as the scheduler's NodeResourcesFit filter counts it
 * (kubernetes pkg/scheduler/framework/plugins/noderesources/fit.go computePodResourceRequest →
 * k8s.io/component-helpers/resource PodRequests, with KEP-753 sidecars).
 */

export interface ResourcePair {
  /** millicores */
  cpu: number;
  /** bytes */
  memory: number;
}

/** A container's requests, and whether it is a native sidecar (restartable init container). */
export interface ContainerRequest extends ResourcePair {
  /** An init container with `restartPolicy: Always` (a native sidecar). */
  restartable?: boolean;
}

/**
 * The parts of a pod that make up its effective request: containers, init containers, overhead.
 */
export interface PodResourceSpec {
  containers: readonly ResourcePair[];
  initContainers?: readonly ContainerRequest[];
  overhead?: ResourcePair;
}

/**
 * PodRequests: the app containers plus every sidecar (they run for the pod's whole life), or,
 * per resource, the largest ordinary init container plus the sidecars started before it, if
 * larger; then the pod overhead on top.
 */
export function podRequest(pod: PodResourceSpec): ResourcePair {
  const sum = { cpu: 0, memory: 0 };
  for (const c of pod.containers) {
    sum.cpu += c.cpu;
    sum.memory += c.memory;
  }
  const sidecars = { cpu: 0, memory: 0 };
  const initPeak = { cpu: 0, memory: 0 };
  for (const c of pod.initContainers ?? []) {
    let during: ResourcePair;
    if (c.restartable) {
      sum.cpu += c.cpu;
      sum.memory += c.memory;
      sidecars.cpu += c.cpu;
      sidecars.memory += c.memory;
      during = sidecars;
    } else {
      during = { cpu: c.cpu + sidecars.cpu, memory: c.memory + sidecars.memory };
    }
    initPeak.cpu = Math.max(initPeak.cpu, during.cpu);
    initPeak.memory = Math.max(initPeak.memory, during.memory);
  }
  return {
    cpu: Math.max(sum.cpu, initPeak.cpu) + (pod.overhead?.cpu ?? 0),
    memory: Math.max(sum.memory, initPeak.memory) + (pod.overhead?.memory ?? 0),
  };
}

/** pkg/scheduler/util/pod_resources.go: stand-ins for a missing request, for LeastAllocated scoring only. */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
/**
 * Memory (bytes) the scheduler assumes for a pod without a memory request, for scoring only
 * (pkg/scheduler/util/pod_resources.go).
 */
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

/**
 * The request the scheduler scores with: a missing CPU or memory request counts as the defaults
 * (pkg/scheduler/util/pod_resources.go).
 */
export function nonZeroRequest(request: ResourcePair): ResourcePair {
  return {
    cpu: request.cpu === 0 ? DEFAULT_MILLI_CPU_REQUEST : request.cpu,
    memory: request.memory === 0 ? DEFAULT_MEMORY_REQUEST : request.memory,
  };
}
