import type { KubernetesObject, Service } from "@openpolicy/core";

/** Probe settings; defaults from the Pod API (pkg/apis/core/v1/defaults.go, SetDefaults_Probe). */
export interface ProbeSpec {
  initialDelaySeconds: number;
  periodSeconds: number;
  timeoutSeconds: number;
  successThreshold: number;
  failureThreshold: number;
}

export const DEFAULT_PROBE: Readonly<ProbeSpec> = Object.freeze({
  initialDelaySeconds: 0,
  periodSeconds: 10,
  timeoutSeconds: 1,
  successThreshold: 1,
  failureThreshold: 3,
});

/** Deployment default (pkg/apis/apps/v1/defaults.go). */
export const DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;
/** Pod default (pkg/apis/core/v1/defaults.go). */
export const DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS = 30;

/**
 * What the engine asks a cluster to run. Built from the Kubernetes objects a deploy applies
 * (`workloadFromObjects`, with `objects`/`shared`/`revision` set): the real backend applies those
 * objects, the simulated cluster runs the figures read off them — the same probes, strategy,
 * grace period, pull policy and pod-template hash — so the rehearsal runs what the deploy applies.
 * `expected` carries the plan's expectations (start-up time, steady usage) that only the
 * simulation uses. Specs without objects (conformance tests, ad-hoc specs) are rendered minimally.
 */
export interface WorkloadSpec {
  name: string;
  kind: "Deployment" | "StatefulSet";
  replicas: number;
  image?: string;
  port?: number;
  requests: { memory: number; cpu: number };
  limits: { memory?: number; cpu?: number };
  strategy: "RollingUpdate" | "Recreate";
  maxSurge: number | string;
  maxUnavailable: number | string;
  progressDeadlineSeconds: number;
  terminationGracePeriodSeconds: number;
  /** Absent: the container is Ready as soon as it runs (no probe), as on Kubernetes. */
  readinessProbe?: ProbeSpec;
  livenessProbe?: ProbeSpec;
  /** Liveness and readiness wait for it; failing it `failureThreshold` times restarts the container. */
  startupProbe?: ProbeSpec;
  imagePullPolicy?: "Always" | "IfNotPresent" | "Never";
  /** The objects a deploy applies for this workload (stamped), and those shared with others. */
  objects?: KubernetesObject[];
  shared?: KubernetesObject[];
  /** Slug of the plan that owns the objects (label opdeploy.io/plan); clusters refuse to take over another's. */
  owner?: string;
  /** Hash of the stamped pod template of `objects` (opdeploy.io/revision): the revision both clusters use. */
  revision?: string;
  /** Keeps a PersistentVolumeClaim (per ordinal for StatefulSets). */
  persistent: boolean;
  storage?: number;
  priority: number;
  /**
   * The pod's preemptionPolicy as the Priority admission plugin sets it (from its PriorityClass, or
   * the pod spec's own): absent means PreemptLowerPriority, the API default. A plan's `priority:`
   * renders a PriorityClass with `Never`, so only a user's own manifests make pods that preempt.
   */
  preemptionPolicy?: "PreemptLowerPriority" | "Never";
  /** Plan dependencies; the simulated cluster's latency/error model uses them. */
  dependsOn: string[];
  expected: { startupSeconds: number; usage: { memory: number; cpu: number } };
}

export function workloadFromService(service: Service): WorkloadSpec {
  const spec: WorkloadSpec = {
    name: service.name,
    kind: service.kind,
    replicas: service.replicas,
    requests: { memory: service.requests.memory, cpu: service.requests.cpu },
    limits: { ...service.limits },
    strategy: service.kind === "StatefulSet" ? "RollingUpdate" : service.strategy,
    maxSurge: service.rollingUpdate.maxSurge,
    maxUnavailable: service.rollingUpdate.maxUnavailable,
    progressDeadlineSeconds: DEFAULT_PROGRESS_DEADLINE_SECONDS,
    terminationGracePeriodSeconds: DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS,
    readinessProbe: { ...DEFAULT_PROBE },
    livenessProbe: { ...DEFAULT_PROBE },
    persistent: service.persistent,
    priority: service.priority,
    dependsOn: [...service.dependsOn],
    expected: {
      startupSeconds: service.startupSeconds,
      usage: { memory: service.usage.memory, cpu: service.usage.cpu },
    },
  };
  // The rendered PriorityClass says `preemptionPolicy: Never` (core render-manifests.ts); priority
  // 0 names no class and keeps the API default.
  if (service.priority !== 0) spec.preemptionPolicy = "Never";
  if (service.image !== undefined) spec.image = service.image;
  if (service.port !== undefined) spec.port = service.port;
  if (service.storage !== undefined) spec.storage = service.storage;
  return spec;
}

/**
 * The pod-template hash: changes whenever anything that would restart pods changes (everything
 * but replicas and rollout parameters), as the Deployment controller's pod-template-hash does
 * (pkg/controller/controller_utils.go ComputeHash). FNV-1a over a canonical JSON form.
 */
export function templateHash(spec: WorkloadSpec): string {
  if (spec.revision !== undefined) return spec.revision;
  const template = {
    image: spec.image ?? "",
    port: spec.port ?? 0,
    requests: [spec.requests.memory, spec.requests.cpu],
    limits: [spec.limits.memory ?? -1, spec.limits.cpu ?? -1],
    readiness: probeKey(spec.readinessProbe),
    liveness: probeKey(spec.livenessProbe),
    startup: probeKey(spec.startupProbe),
    pull: spec.imagePullPolicy ?? "",
    grace: spec.terminationGracePeriodSeconds,
    priority: spec.priority,
    // Only when set, so specs without a policy keep the hashes they always had.
    ...(spec.preemptionPolicy === undefined ? {} : { preemption: spec.preemptionPolicy }),
    persistent: spec.persistent,
    // `expected` (usage, start-up time) is deliberately left out: it describes the software, not
    // the pod template, so changing only those figures rolls no pod — as in Kubernetes, where the
    // pod-template-hash covers the template alone (pkg/controller/deployment/util ComputeHash).
  };
  const text = JSON.stringify(template);
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}

function probeKey(p: ProbeSpec | undefined): number[] {
  if (!p) return [];
  return [p.initialDelaySeconds, p.periodSeconds, p.timeoutSeconds, p.successThreshold, p.failureThreshold];
}

/** Same desired state: apply of `b` over `a` is a no-op. */
export function sameWorkloadSpec(a: WorkloadSpec, b: WorkloadSpec): boolean {
  return (
    a.kind === b.kind &&
    a.replicas === b.replicas &&
    a.strategy === b.strategy &&
    String(a.maxSurge) === String(b.maxSurge) &&
    String(a.maxUnavailable) === String(b.maxUnavailable) &&
    a.progressDeadlineSeconds === b.progressDeadlineSeconds &&
    a.storage === b.storage &&
    a.dependsOn.join(",") === b.dependsOn.join(",") &&
    (a.preemptionPolicy ?? "PreemptLowerPriority") === (b.preemptionPolicy ?? "PreemptLowerPriority") &&
    templateHash(a) === templateHash(b)
  );
}
