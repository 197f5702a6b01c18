/**
 * Minimal Kubernetes objects for a `WorkloadSpec` that carries none (conformance tests, ad-hoc
 * specs, services whose manifest files were not given): a plan's services get the objects
 * `opdeploy render` writes through plan-workloads.ts instead.
 *
 * Every object is stamped with `opdeploy.io/workload` (pods, claims and Services find their
 * workload by it) and the pod template with `opdeploy.io/revision`, a hash of the rendered pod
 * template: it changes exactly when the pods would be replaced, is known at apply time (unlike
 * the pod-template-hash the Deployment controller computes later), and is the same for a
 * Deployment and a StatefulSet.
 */
import type { KubernetesObject } from "@openpolicy/core";
import { dnsLabel, quantityFromBytes, quantityFromMillis } from "@openpolicy/core";
import type { WorkloadSpec } from "../workload-spec.js";

export const WORKLOAD_LABEL = "opdeploy.io/workload";
export const REVISION_LABEL = "opdeploy.io/revision";
/** The plan (its slug) that owns an object: deploy never takes over, rollback never deletes, another plan's objects. */
export const PLAN_LABEL = "opdeploy.io/plan";
export const DEFAULT_TEST_IMAGE = "registry.k8s.io/pause:3.9";
/** core's renderer file holding the shared connections ConfigMap. */
export const CONNECTIONS_FILE_NAME = "connections-configmap.yaml";

export interface RenderedWorkload {
  /** The workload's own objects: PVC (Deployments), Deployment/StatefulSet, Service(s). */
  objects: KubernetesObject[];
  /** Objects shared by every service (the connections ConfigMap): applied once. */
  shared: KubernetesObject[];
}

export type WorkloadRenderer = (spec: WorkloadSpec, namespace: string) => RenderedWorkload;

/**
 * Kubernetes object name for a service name: core's renderer folding (dnsLabel), so a deploy
 * names objects exactly as `opdeploy render` does; "workload" when nothing is left to fold.
 */
export function kubeName(name: string): string {
  return /[a-z0-9]/i.test(name) ? dnsLabel(name) : "workload";
}

/** Minimal objects from the spec alone. */
export function renderWorkloadSpec(spec: WorkloadSpec, namespace: string): RenderedWorkload {
  const name = kubeName(spec.name);
  const labels = { "app.kubernetes.io/name": name, "app.kubernetes.io/managed-by": "opdeploy" };
  const selector = { "app.kubernetes.io/name": name };
  const resources: Record<string, Record<string, string>> = {
    requests: { memory: quantityFromBytes(spec.requests.memory).toString(), cpu: quantityFromMillis(spec.requests.cpu).toString() },
  };
  const limits: Record<string, string> = {};
  if (spec.limits.memory !== undefined) limits.memory = quantityFromBytes(spec.limits.memory).toString();
  if (spec.limits.cpu !== undefined) limits.cpu = quantityFromMillis(spec.limits.cpu).toString();
  if (Object.keys(limits).length > 0) resources.limits = limits;
  const probe = (p: WorkloadSpec["readinessProbe"]) => ({ tcpSocket: { port: spec.port }, ...p });
  const container: Record<string, unknown> = {
    name,
    image: spec.image ?? DEFAULT_TEST_IMAGE,
    resources,
    ...(spec.port !== undefined
      ? { ports: [{ name: "main", containerPort: spec.port, protocol: "TCP" }], readinessProbe: probe(spec.readinessProbe), livenessProbe: probe(spec.livenessProbe) }
      : {}),
  };
  const volumes: unknown[] = [];
  if (spec.persistent) {
    container.volumeMounts = [{ name: "data", mountPath: "/data" }];
    if (spec.kind === "Deployment") volumes.push({ name: "data", persistentVolumeClaim: { claimName: `${name}-data` } });
  }
  const template = {
    metadata: { labels: { ...labels } },
    spec: { terminationGracePeriodSeconds: spec.terminationGracePeriodSeconds, containers: [container], ...(volumes.length ? { volumes } : {}) },
  };
  const storage = quantityFromBytes(spec.storage ?? 1024 ** 3).toString();
  const objects: KubernetesObject[] = [];
  if (spec.kind === "StatefulSet") {
    objects.push({
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: { name, namespace, labels: { ...labels } },
      spec: {
        serviceName: `${name}-headless`,
        replicas: spec.replicas,
        selector: { matchLabels: selector },
        podManagementPolicy: "OrderedReady",
        updateStrategy: { type: "RollingUpdate" },
        persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
        template,
        ...(spec.persistent
          ? { volumeClaimTemplates: [{ apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: "data", labels: { ...labels } }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage } } } }] }
          : {}),
      },
    });
    objects.push({ apiVersion: "v1", kind: "Service", metadata: { name: `${name}-headless`, namespace, labels: { ...labels } }, spec: { clusterIP: "None", selector } });
  } else {
    if (spec.persistent) {
      objects.push({ apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: `${name}-data`, namespace, labels: { ...labels } }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage } } } });
    }
    objects.push({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name, namespace, labels: { ...labels } },
      spec: {
        replicas: spec.replicas,
        selector: { matchLabels: selector },
        progressDeadlineSeconds: spec.progressDeadlineSeconds,
        strategy: spec.strategy === "Recreate" ? { type: "Recreate" } : { type: "RollingUpdate", rollingUpdate: { maxSurge: spec.maxSurge, maxUnavailable: spec.maxUnavailable } },
        template,
      },
    });
  }
  if (spec.port !== undefined) {
    objects.push({ apiVersion: "v1", kind: "Service", metadata: { name, namespace, labels: { ...labels } }, spec: { type: "ClusterIP", selector, ports: [{ name: "main", port: spec.port, targetPort: "main", protocol: "TCP" }] } });
  }
  return { objects, shared: [] };
}

/** Adds the workload label everywhere and the revision label to the pod template; returns the revision. */
export function stampWorkload(objects: KubernetesObject[], workload: string): string {
  let revision = "";
  for (const object of objects) {
    object.metadata.labels = { ...(object.metadata.labels ?? {}), [WORKLOAD_LABEL]: workload };
    if (object.kind !== "Deployment" && object.kind !== "StatefulSet") continue;
    const spec = object.spec as Record<string, unknown>;
    const template = spec.template as { metadata?: { labels?: Record<string, string> } };
    template.metadata ??= {};
    const labels = { ...(template.metadata.labels ?? {}) };
    delete labels[REVISION_LABEL];
    template.metadata.labels = { ...labels, [WORKLOAD_LABEL]: workload };
    revision = fnv1a(canonicalJson(template));
    template.metadata.labels[REVISION_LABEL] = revision;
    const claims = spec.volumeClaimTemplates as Array<{ metadata?: { labels?: Record<string, string> } }> | undefined;
    for (const claim of claims ?? []) {
      claim.metadata ??= {};
      claim.metadata.labels = { ...(claim.metadata.labels ?? {}), [WORKLOAD_LABEL]: workload };
    }
  }
  return revision;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}
