/**
 * The QoS class Kubernetes gives a pod, from a PodSpec-like object whose resource values are
 * quantity strings (or numbers, as YAML may give them).
 *
 * The API server first defaults the pod, then kubelet and scheduler compute the class, so we do
 * both in that order:
 * 1. Defaulting, kubernetes `pkg/apis/core/v1/defaults.go`:
 *    - SetDefaults_ResourceList rounds every quantity up to millis;
 *    - SetDefaults_Pod fills a container's (and init container's) missing request from its limit;
 *    - with the PodLevelResources feature: defaultHugePagePodLimits, defaultPodRequests (a missing
 *      pod-level request defaults to the containers' aggregate request when a container asks for
 *      it, else to the pod-level limit; only when pod-level limits exist) and defaultPodLimits (a
 *      missing pod-level cpu/memory limit defaults to the containers' aggregate limit when
 *      pod-level requests exist and every container has that limit).
 * 2. ComputePodQOS, kubernetes `pkg/apis/core/v1/helper/qos/qos.go`:
 *    - only cpu and memory count, and only values above zero (zero counts as none);
 *    - when PodLevelResources is on and `spec.resources` is set, only the pod-level block counts;
 *      otherwise requests and limits are summed over containers and init containers (ephemeral
 *      containers never count);
 *    - BestEffort: nothing requested or limited; Guaranteed: every container (or the pod-level
 *      block) limits both cpu and memory, and the summed requests equal the summed limits for the
 *      same set of resources; anything else is Burstable.
 *
 * PodLevelResources is beta and on by default since Kubernetes 1.34; pass
 * `{ podLevelResources: false }` to model an older cluster. defaultPodLimits comes from the newest
 * defaults.go read; `AllContainersHaveLimitForResource` was not available to read, so "every
 * container" here means every container and init container (inferred).
 */
import { Quantity } from "../quantity/quantity.js";
import { parseQuantity } from "../quantity/parse.js";
import { QuantityError } from "../quantity/errors.js";

/** A pod's quality-of-service class, as the kubelet assigns it. */
export type QOSClass = "Guaranteed" | "Burstable" | "BestEffort";

/** What a resource list may hold: a quantity string, a YAML number, or a parsed Quantity. */
export type QuantityInput = string | number | Quantity;
/** A resource list (`requests` or `limits`) by resource name. */
export type ResourceListInput = Record<string, QuantityInput | null | undefined>;

/** A container's `resources`: requests and limits. */
export interface ResourceRequirementsInput {
  requests?: ResourceListInput | null;
  limits?: ResourceListInput | null;
}

/** A container as {@link qosClass} reads it: its name, resources and restart policy. */
export interface ContainerInput {
  name?: string;
  resources?: ResourceRequirementsInput | null;
  /** "Always" on an init container makes it a sidecar (restartable init container). */
  restartPolicy?: string | null;
}

/** The parts of a pod spec that decide its QoS class. */
export interface PodSpecInput {
  containers: ContainerInput[];
  initContainers?: ContainerInput[] | null;
  /** Pod-level resources (PodLevelResources feature). */
  resources?: ResourceRequirementsInput | null;
}

/** Options of {@link qosClass}. */
export interface QosOptions {
  /** Whether the PodLevelResources feature gate is on (default true: beta and on since 1.34). */
  podLevelResources?: boolean;
}

/** A resource value that is not a valid quantity, with where it was. */
export class QosError extends Error {
  readonly path: string;
  constructor(path: string, cause: QuantityError) {
    super(`qos: ${path}: ${cause.message}`, { cause });
    this.name = "QosError";
    this.path = path;
  }
}

type ResourceList = Map<string, Quantity>;
interface Requirements {
  requests: ResourceList | undefined;
  limits: ResourceList | undefined;
}
interface Container {
  resources: Requirements;
  sidecar: boolean;
}

const QOS_RESOURCES = ["cpu", "memory"] as const;
const HUGEPAGES_PREFIX = "hugepages-";
const ZERO = new Quantity(0n, 0, "DecimalSI");

function isSupportedPodLevelResource(name: string): boolean {
  return name === "cpu" || name === "memory" || name.startsWith(HUGEPAGES_PREFIX);
}

/** IsOvercommitAllowed: native resources other than hugepages (for pod-level ones: cpu, memory). */
function isOvercommitAllowed(name: string): boolean {
  return !name.startsWith(HUGEPAGES_PREFIX);
}

function toQuantity(value: QuantityInput, path: string): Quantity {
  if (value instanceof Quantity) return value;
  const text = typeof value === "number" ? String(value) : value;
  try {
    return parseQuantity(text);
  } catch (error) {
    if (error instanceof QuantityError) throw new QosError(path, error);
    throw error;
  }
}

/** Parse a list and round every value up to millis (SetDefaults_ResourceList). */
function readList(list: ResourceListInput | null | undefined, path: string): ResourceList | undefined {
  if (list === null || list === undefined) return undefined;
  const out: ResourceList = new Map();
  for (const [name, value] of Object.entries(list)) {
    if (value === null || value === undefined) continue;
    out.set(name, toQuantity(value, `${path}.${name}`).roundUp(-3));
  }
  return out;
}

function readRequirements(r: ResourceRequirementsInput | null | undefined, path: string): Requirements {
  return {
    requests: readList(r?.requests, `${path}.requests`),
    limits: readList(r?.limits, `${path}.limits`),
  };
}

/** SetDefaults_Pod: requests missing from a container default to its limits. */
function defaultContainerRequests(r: Requirements): void {
  if (r.limits === undefined) return;
  r.requests ??= new Map();
  for (const [name, limit] of r.limits) {
    if (!r.requests.has(name)) r.requests.set(name, limit);
  }
}

function addInto(target: ResourceList, source: ResourceList | undefined): void {
  for (const [name, q] of source ?? []) {
    const current = target.get(name);
    target.set(name, current === undefined ? q : current.add(q));
  }
}

function maxInto(target: ResourceList, source: ResourceList): void {
  for (const [name, q] of source) {
    const current = target.get(name);
    if (current === undefined || q.cmp(current) > 0) target.set(name, q);
  }
}

/**
 * AggregateContainerRequests / AggregateContainerLimits (k8s.io/component-helpers/resource):
 * the larger of (app containers + sidecars) and, for each init container in order, itself plus
 * the sidecars started before it.
 */
function aggregate(containers: Container[], initContainers: Container[], pick: (r: Requirements) => ResourceList | undefined): ResourceList {
  const total: ResourceList = new Map();
  for (const c of containers) addInto(total, pick(c.resources));
  const sidecars: ResourceList = new Map();
  const initMax: ResourceList = new Map();
  for (const c of initContainers) {
    let effective: ResourceList;
    if (c.sidecar) {
      addInto(total, pick(c.resources));
      addInto(sidecars, pick(c.resources));
      effective = sidecars;
    } else {
      effective = new Map();
      addInto(effective, pick(c.resources));
      addInto(effective, sidecars);
    }
    maxInto(initMax, effective);
  }
  maxInto(total, initMax);
  return total;
}

function hasSupported(list: ResourceList | undefined): boolean {
  return [...(list ?? new Map<string, Quantity>()).keys()].some(isSupportedPodLevelResource);
}

/** defaultHugePagePodLimits, defaultPodRequests and defaultPodLimits (defaults.go), in that order. */
function defaultPodLevel(pod: Requirements | undefined, containers: Container[], initContainers: Container[]): void {
  if (pod === undefined) return;
  const all = [...containers, ...initContainers];

  // defaultHugePagePodLimits
  if ((pod.limits?.size ?? 0) > 0 || (pod.requests?.size ?? 0) > 0) {
    const limits: ResourceList = pod.limits ?? new Map();
    for (const [name, q] of aggregate(containers, initContainers, (r) => r.limits)) {
      if (!isSupportedPodLevelResource(name) || !name.startsWith(HUGEPAGES_PREFIX)) continue;
      if (pod.requests?.has(name)) continue;
      if (!limits.has(name)) limits.set(name, q);
    }
    if (limits.size > 0) pod.limits = limits;
  }

  // defaultPodRequests: only when pod-level limits are set.
  if ((pod.limits?.size ?? 0) > 0) {
    const requests: ResourceList = pod.requests ?? new Map();
    for (const [name, q] of aggregate(containers, initContainers, (r) => r.requests)) {
      if (!requests.has(name) && isSupportedPodLevelResource(name) && isOvercommitAllowed(name)) requests.set(name, q);
    }
    for (const [name, q] of pod.limits!) {
      if (!requests.has(name) && isSupportedPodLevelResource(name)) requests.set(name, q);
    }
    if (requests.size > 0) pod.requests = requests;
  }

  // defaultPodLimits: only when pod-level requests are set and pod-level limits are not.
  if (!hasSupported(pod.limits) && hasSupported(pod.requests)) {
    const limits: ResourceList = pod.limits ?? new Map();
    for (const [name, q] of aggregate(containers, initContainers, (r) => r.limits)) {
      if (limits.has(name) || !isSupportedPodLevelResource(name) || !isOvercommitAllowed(name)) continue;
      if (!all.every((c) => c.resources.limits?.has(name))) continue;
      limits.set(name, q);
    }
    if (limits.size > 0) pod.limits = limits;
  }
}

/** cpu and memory values above zero, summed into `into`; returns the names seen. */
function collectQosResources(into: ResourceList, list: ResourceList | undefined): Set<string> {
  const seen = new Set<string>();
  for (const name of QOS_RESOURCES) {
    const q = list?.get(name);
    if (q === undefined || q.cmp(ZERO) <= 0) continue;
    seen.add(name);
    const current = into.get(name);
    into.set(name, current === undefined ? q : current.add(q));
  }
  return seen;
}

/**
 * The QoS class of a pod with this spec, after API defaulting (see the module comment).
 * Throws QosError when a resource value is not a valid Kubernetes quantity.
 */
export function qosClass(podSpec: PodSpecInput, options: QosOptions = {}): QOSClass {
  const podLevelResources = options.podLevelResources ?? true;
  const read = (list: ContainerInput[] | null | undefined, field: string): Container[] =>
    (list ?? []).map((c, i) => {
      const resources = readRequirements(c.resources, `spec.${field}[${i}].resources`);
      defaultContainerRequests(resources);
      return { resources, sidecar: c.restartPolicy === "Always" };
    });
  const containers = read(podSpec.containers, "containers");
  const initContainers = read(podSpec.initContainers, "initContainers");

  const requests: ResourceList = new Map();
  const limits: ResourceList = new Map();
  let isGuaranteed = true;

  if (podLevelResources && podSpec.resources !== null && podSpec.resources !== undefined) {
    // collectPodLevelResources: the pod-level block alone decides.
    const pod = readRequirements(podSpec.resources, "spec.resources");
    defaultPodLevel(pod, containers, initContainers);
    collectQosResources(requests, pod.requests);
    const limitsFound = collectQosResources(limits, pod.limits);
    if (limitsFound.size < QOS_RESOURCES.length) isGuaranteed = false;
  } else {
    // collectContainerLevelResources: containers then init containers.
    for (const c of [...containers, ...initContainers]) {
      collectQosResources(requests, c.resources.requests);
      const limitsFound = collectQosResources(limits, c.resources.limits);
      if (limitsFound.size < QOS_RESOURCES.length) isGuaranteed = false;
    }
  }

  if (requests.size === 0 && limits.size === 0) return "BestEffort";
  if (isGuaranteed) {
    for (const [name, request] of requests) {
      const limit = limits.get(name);
      if (limit === undefined || limit.cmp(request) !== 0) {
        isGuaranteed = false;
        break;
      }
    }
  }
  if (isGuaranteed && requests.size === limits.size) return "Guaranteed";
  return "Burstable";
}
