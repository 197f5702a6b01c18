/**
 * One set of objects: the engine's `WorkloadSpec` read off the Kubernetes objects a deploy applies,
 * so the simulated cluster runs what the real one is given. Every figure that changes how pods run
 * comes from the workload object: replicas, strategy, progress deadline, grace period, the main
 * container's probes (with the Pod API defaults), pull policy, effective pod requests and limits,
 * and the pod-template hash. Only the plan's expectations (start-up time, usage) come from the plan:
 * they describe the software, not the objects.
 */
import type { KubernetesObject } from "@openpolicy/core";
import { DEPENDS_ON_ANNOTATION } from "@openpolicy/core";
import { ClusterError } from "./cluster.js";
import { podLimits, podRequests, quantityBytes } from "./pod-resources.js";
import type { ProbeSpec, WorkloadSpec } from "./workload-spec.js";
import { DEFAULT_PROBE, DEFAULT_PROGRESS_DEADLINE_SECONDS, DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS } from "./workload-spec.js";
import { PLAN_LABEL, kubeName, stampWorkload } from "./kubernetes/render-workload.js";

type Json = Record<string, unknown>;

export interface WorkloadObjects {
  /** The plan's service name. */
  name: string;
  /** The service's own objects (workload, Services, claims); cloned and stamped here. */
  objects: readonly KubernetesObject[];
  /** Objects shared with other services (the connections ConfigMap, PriorityClasses). */
  shared: readonly KubernetesObject[];
  expected: WorkloadSpec["expected"];
  dependsOn: readonly string[];
  /**
   * The dependencies as the plan wrote them, for the annotation: `"*"` stays `"*"` (n services on
   * "*" would otherwise write n names on each workload, past Kubernetes' 256 KiB annotation limit
   * at a few tens of thousands of services). `dependsOn` when absent.
   */
  dependsOnWritten?: readonly string[];
  /** Plan slug stamped on every object as opdeploy.io/plan (not on the pod template: no pod rolls for it). */
  owner?: string;
}

/** Pod API probe defaults (pkg/apis/core/v1/defaults.go SetDefaults_Probe). */
function probeFrom(probe: unknown): ProbeSpec | undefined {
  if (probe === undefined || probe === null || typeof probe !== "object") return undefined;
  const p = probe as Json;
  const num = (key: keyof ProbeSpec): number => (typeof p[key] === "number" ? (p[key] as number) : DEFAULT_PROBE[key]);
  return {
    initialDelaySeconds: num("initialDelaySeconds"),
    periodSeconds: num("periodSeconds"),
    timeoutSeconds: num("timeoutSeconds"),
    successThreshold: num("successThreshold"),
    failureThreshold: num("failureThreshold"),
  };
}

/**
 * The container's pull policy as the API server defaults it (pkg/apis/core/v1/defaults.go
 * SetDefaults_Container): Always for `:latest` or no tag (and no digest), else IfNotPresent.
 */
export function defaultPullPolicy(image: string): "Always" | "IfNotPresent" {
  if (image.includes("@")) return "IfNotPresent";
  const lastSegment = image.slice(image.lastIndexOf("/") + 1);
  const colon = lastSegment.lastIndexOf(":");
  const tag = colon < 0 ? "" : lastSegment.slice(colon + 1);
  return tag === "" || tag === "latest" ? "Always" : "IfNotPresent";
}

/** Value of the PriorityClass the pod names, from the shared objects; 0 without one (the global default). */
function priorityOf(podSpec: Json, shared: readonly KubernetesObject[]): number {
  if (typeof podSpec.priority === "number") return podSpec.priority;
  const name = podSpec.priorityClassName;
  if (typeof name !== "string") return 0;
  const found = shared.find((o) => o.kind === "PriorityClass" && o.metadata.name === name) as Json | undefined;
  return typeof found?.value === "number" ? found.value : 0;
}

/**
 * The pod's preemptionPolicy: the pod spec's own, else its PriorityClass's (the Priority admission
 * plugin copies it onto the pod, plugin/pkg/admission/priority/admission.go), else the API default.
 */
function preemptionPolicyOf(podSpec: Json, shared: readonly KubernetesObject[]): "PreemptLowerPriority" | "Never" {
  const own = podSpec.preemptionPolicy;
  if (own === "Never" || own === "PreemptLowerPriority") return own;
  const name = podSpec.priorityClassName;
  if (typeof name !== "string") return "PreemptLowerPriority";
  const found = shared.find((o) => o.kind === "PriorityClass" && o.metadata.name === name) as Json | undefined;
  return found?.preemptionPolicy === "Never" ? "Never" : "PreemptLowerPriority";
}

export function workloadFromObjects(input: WorkloadObjects): WorkloadSpec {
  const objects = structuredClone(input.objects) as KubernetesObject[];
  const shared = structuredClone(input.shared) as KubernetesObject[];
  const revision = stampWorkload(objects, kubeName(input.name));
  if (input.owner !== undefined) {
    // Cluster-scoped shared objects (PriorityClasses) serve every plan: no owner.
    for (const object of [...objects, ...shared.filter((o) => o.kind !== "PriorityClass")]) object.metadata.labels = { ...(object.metadata.labels ?? {}), [PLAN_LABEL]: input.owner };
  }
  const workload = objects.find((o) => o.kind === "Deployment" || o.kind === "StatefulSet");
  if (!workload) throw new ClusterError(`${input.name}: its objects hold no Deployment or StatefulSet`);
  // The plan's dependencies travel with the workload (not its pod template: no pod rolls for
  // them), so `opdeploy snapshot`/`import` of a deployed namespace gives them back.
  const written = input.dependsOnWritten ?? input.dependsOn;
  if (written.length > 0) workload.metadata.annotations = { ...(workload.metadata.annotations ?? {}), [DEPENDS_ON_ANNOTATION]: written.join(",") };
  const spec = (workload.spec ?? {}) as Json;
  const template = (spec.template ?? {}) as Json;
  const podSpec = (template.spec ?? {}) as Json;
  const containers = (podSpec.containers ?? []) as Json[];
  const main = containers.find((c) => c.name === kubeName(input.name)) ?? containers[0] ?? {};
  const kind = workload.kind as WorkloadSpec["kind"];
  const strategy = (kind === "Deployment" ? (spec.strategy as Json | undefined) : (spec.updateStrategy as Json | undefined)) ?? {};
  const rolling = (strategy.rollingUpdate ?? {}) as Json;
  const claims = (spec.volumeClaimTemplates ?? []) as Json[];
  const claimObject = objects.find((o) => o.kind === "PersistentVolumeClaim") as Json | undefined;
  const claim = (claims[0] ?? claimObject) as Json | undefined;
  const storage = claim ? quantityBytes((((claim.spec as Json | undefined)?.resources as Json | undefined)?.requests as Json | undefined)?.storage) : undefined;
  const ports = (main.ports ?? []) as Json[];
  const image = typeof main.image === "string" ? main.image : undefined;
  const out: WorkloadSpec = {
    name: input.name,
    kind,
    // Deployment and StatefulSet default to 1 replica (apps/v1 defaults.go).
    replicas: typeof spec.replicas === "number" ? spec.replicas : 1,
    requests: podRequests({ spec: podSpec }),
    limits: podLimits({ spec: podSpec }),
    // StatefulSets update one ordinal at a time (OnDelete aside), modelled as RollingUpdate.
    strategy: kind === "Deployment" && strategy.type === "Recreate" ? "Recreate" : "RollingUpdate",
    // apps/v1 defaults.go SetDefaults_Deployment: 25 % / 25 %.
    maxSurge: (rolling.maxSurge as number | string | undefined) ?? "25%",
    maxUnavailable: (rolling.maxUnavailable as number | string | undefined) ?? "25%",
    progressDeadlineSeconds: typeof spec.progressDeadlineSeconds === "number" ? spec.progressDeadlineSeconds : DEFAULT_PROGRESS_DEADLINE_SECONDS,
    terminationGracePeriodSeconds:
      typeof podSpec.terminationGracePeriodSeconds === "number" ? podSpec.terminationGracePeriodSeconds : DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS,
    persistent: claim !== undefined,
    priority: priorityOf(podSpec, shared),
    preemptionPolicy: preemptionPolicyOf(podSpec, shared),
    dependsOn: [...input.dependsOn],
    expected: { startupSeconds: input.expected.startupSeconds, usage: { ...input.expected.usage } },
    objects,
    shared,
    revision,
  };
  if (input.owner !== undefined) out.owner = input.owner;
  const readiness = probeFrom(main.readinessProbe);
  const liveness = probeFrom(main.livenessProbe);
  const startup = probeFrom(main.startupProbe);
  if (readiness) out.readinessProbe = readiness;
  if (liveness) out.livenessProbe = liveness;
  if (startup) out.startupProbe = startup;
  if (image !== undefined) {
    out.image = image;
    const policy = main.imagePullPolicy;
    out.imagePullPolicy = policy === "Always" || policy === "IfNotPresent" || policy === "Never" ? policy : defaultPullPolicy(image);
  }
  const port = ports[0]?.containerPort;
  if (typeof port === "number") out.port = port;
  if (storage !== undefined && storage > 0) out.storage = storage;
  return out;
}
