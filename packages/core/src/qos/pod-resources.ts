/**
 * Resource figures read off Kubernetes pod specs: the one implementation of the effective-request
 * rule, shared by the real backend (live pods), the simulated cluster (the rendered pod template it
 * runs) and the importer (the user's manifests), so all three count a pod the same way.
 */
import { podRequest } from "../scheduling/pod-request.js";
import { parseQuantity } from "../quantity/index.js";

/** A Kubernetes object, or a part of one, as parsed from YAML or JSON. */
export type JsonObject = Record<string, unknown>;

/** Memory (bytes) and CPU (millicores) of a pod or a container. */
export interface PodResources {
  /** bytes */
  memory: number;
  /** millicores */
  cpu: number;
}

/**
 * A quantity from a manifest as a number of bytes (or units); 0 when absent. Throws {@link
 * QuantityError} on a malformed quantity.
 */
export function quantityBytes(text: unknown): number {
  return typeof text === "string" && text !== "" ? parseQuantity(text).valueNumber() : typeof text === "number" ? text : 0;
}

/**
 * A quantity from a manifest in thousandths (millicores for CPU); 0 when absent. Throws {@link
 * QuantityError} on a malformed quantity.
 */
export function quantityMillis(text: unknown): number {
  return typeof text === "string" && text !== "" ? parseQuantity(text).milliValueNumber() : typeof text === "number" ? text * 1000 : 0;
}

/**
 * Memory and CPU of a manifest's resource list (`requests` or `limits`); absent entries count 0.
 */
export function resourcesOf(list: unknown): PodResources {
  const r = (list ?? {}) as Record<string, unknown>;
  return { memory: quantityBytes(r.memory), cpu: quantityMillis(r.cpu) };
}

/**
 * A pod's effective request (scheduler NodeResourcesFit, fit.go computePodResourceRequest): the
 * scheduling module's `podRequest` — app containers plus native sidecars (init containers with
 * `restartPolicy: Always`), or the largest ordinary init container plus the sidecars before it,
 * plus the pod overhead. A container with a limit and no request counts the limit, as API
 * defaulting fills it in (pkg/apis/core/v1/defaults.go SetDefaults_Pod). Takes a pod or a pod
 * template's `spec` holder (`{ spec }`).
 */
export function podRequests(pod: JsonObject): PodResources {
  const spec = (pod.spec ?? {}) as JsonObject;
  const of = (c: JsonObject) => {
    const resources = (c.resources ?? {}) as JsonObject;
    const requests = (resources.requests ?? {}) as JsonObject;
    const limits = (resources.limits ?? {}) as JsonObject;
    return resourcesOf({ memory: requests.memory ?? limits.memory, cpu: requests.cpu ?? limits.cpu });
  };
  return podRequest({
    containers: ((spec.containers ?? []) as JsonObject[]).map(of),
    initContainers: ((spec.initContainers ?? []) as JsonObject[]).map((c) => ({ ...of(c), restartable: c.restartPolicy === "Always" })),
    overhead: resourcesOf(spec.overhead),
  });
}

/**
 * The pod's limit per resource: the sum over app containers when every one sets it (the cgroup
 * the kubelet sizes for the pod), else none — an unlimited container leaves the pod unlimited.
 */
export function podLimits(pod: JsonObject): { memory?: number; cpu?: number } {
  const containers = (((pod.spec ?? {}) as JsonObject).containers ?? []) as JsonObject[];
  const out: { memory?: number; cpu?: number } = {};
  for (const key of ["memory", "cpu"] as const) {
    let total = 0;
    let all = containers.length > 0;
    for (const c of containers) {
      const value = ((c.resources as JsonObject | undefined)?.limits as Record<string, unknown> | undefined)?.[key];
      if (value === undefined) {
        all = false;
        break;
      }
      total += key === "memory" ? quantityBytes(value) : quantityMillis(value);
    }
    if (all) out[key] = total;
  }
  return out;
}
