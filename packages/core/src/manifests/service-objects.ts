/**
 * Which of the user's manifest objects belong to a plan service that names its own files
 * (`service.manifests`): one rule for `check`'s cross-check and for the deploy that applies them.
 *
 * - The workload: a Deployment/StatefulSet named like the service, else one whose pods carry
 *   `app.kubernetes.io/name` or `app` = the service, looked for in the service's own files first,
 *   then in every file read; else the only workload of its own files.
 * - Its Services: those in its own files that select its pods (the headless one included).
 * - What its pods reference by name and its own files define: ConfigMaps and Secrets (env,
 *   envFrom, volumes), PersistentVolumeClaims (volumes), its ServiceAccount.
 */
import type { KubernetesObject } from "../render/workload.js";
import type { Service } from "../plan/model.js";
import type { ManifestObject } from "./parse-manifests.js";

type Data = Record<string, unknown>;

const WORKLOAD_KINDS = new Set(["Deployment", "StatefulSet"]);

export function isRecord(value: unknown): value is Data {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
/** A mapping field as data, `{}` when absent or not a mapping. */
export function record(value: unknown): Data {
  return isRecord(value) ? value : {};
}
/** A sequence field as data, `[]` when absent or not a sequence. */
export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** A path as written in the plan and a file as read name the same file. */
export function sameFile(written: string, given: string): boolean {
  const norm = (p: string) => p.replace(/\\/g, "/").replace(/^\.\//, "");
  const a = norm(written);
  const b = norm(given);
  return a === b || b.endsWith(`/${a}`) || a.endsWith(`/${b}`);
}

export function podLabels(workload: ManifestObject): Data {
  return record(record(record(record(workload.value.spec).template).metadata).labels);
}

function nameLabelMatches(labels: Data, serviceName: string): boolean {
  return labels["app.kubernetes.io/name"] === serviceName || labels.app === serviceName;
}

/** The objects of the service's own files. */
export function ownObjects(service: Service, all: readonly ManifestObject[]): ManifestObject[] {
  return all.filter((o) => service.manifests.some((m) => sameFile(m, o.file)));
}

/** The service's workload: by name, else by its name label, else the only workload in its own files. */
export function findWorkload(service: Service, own: readonly ManifestObject[], all: readonly ManifestObject[]): ManifestObject | undefined {
  for (const pool of [own, all]) {
    const workloads = pool.filter((o) => WORKLOAD_KINDS.has(o.kind));
    const found = workloads.find((o) => o.name === service.name) ?? workloads.find((o) => nameLabelMatches(podLabels(o), service.name));
    if (found) return found;
  }
  const ownWorkloads = own.filter((o) => WORKLOAD_KINDS.has(o.kind));
  return ownWorkloads.length === 1 ? ownWorkloads[0] : undefined;
}

export function selectorMatches(selector: Data, labels: Data): boolean {
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([k, v]) => labels[k] === v);
}

/** The ClusterIP Service in front of the workload (by name, else by selector). */
export function findService(service: Service, workload: ManifestObject, own: readonly ManifestObject[], all: readonly ManifestObject[]): ManifestObject | undefined {
  const labels = podLabels(workload);
  for (const pool of [own, all]) {
    const services = pool.filter((o) => o.kind === "Service");
    const found =
      services.find((o) => o.name === service.name) ??
      services.find((o) => record(o.value.spec).clusterIP !== "None" && selectorMatches(record(record(o.value.spec).selector), labels));
    if (found) return found;
  }
  return undefined;
}

/** kind → names the pod spec refers to. */
function references(workload: ManifestObject): Map<string, Set<string>> {
  const refs = new Map<string, Set<string>>([["ConfigMap", new Set()], ["Secret", new Set()], ["PersistentVolumeClaim", new Set()], ["ServiceAccount", new Set()]]);
  const add = (kind: string, name: unknown) => {
    if (typeof name === "string" && name !== "") refs.get(kind)!.add(name);
  };
  const pod = record(record(record(workload.value.spec).template).spec);
  add("ServiceAccount", pod.serviceAccountName);
  for (const volume of list(pod.volumes).map(record)) {
    add("ConfigMap", record(volume.configMap).name);
    add("Secret", record(volume.secret).secretName);
    add("PersistentVolumeClaim", record(volume.persistentVolumeClaim).claimName);
  }
  for (const container of [...list(pod.containers), ...list(pod.initContainers)].map(record)) {
    for (const from of list(container.envFrom).map(record)) {
      add("ConfigMap", record(from.configMapRef).name);
      add("Secret", record(from.secretRef).name);
    }
    for (const env of list(container.env).map(record)) {
      const valueFrom = record(env.valueFrom);
      add("ConfigMap", record(valueFrom.configMapKeyRef).name);
      add("Secret", record(valueFrom.secretKeyRef).name);
    }
  }
  return refs;
}

/**
 * The objects to apply for the service, as written (cloned), workload first; undefined when its
 * files hold no workload for it. `claimed` holds object keys other services already took, so an
 * object of a file several services share goes with the first service that needs it.
 */
export function serviceObjects(service: Service, all: readonly ManifestObject[], claimed: Set<string> = new Set()): KubernetesObject[] | undefined {
  const own = ownObjects(service, all);
  const workload = findWorkload(service, own, all);
  if (!workload) return undefined;
  const key = (o: ManifestObject) => `${o.kind}/${o.name}`;
  const labels = podLabels(workload);
  const refs = references(workload);
  const picked: ManifestObject[] = [workload];
  for (const o of own) {
    if (o === workload || claimed.has(key(o))) continue;
    const selects = o.kind === "Service" && selectorMatches(record(record(o.value.spec).selector), labels);
    if (selects || refs.get(o.kind)?.has(o.name)) picked.push(o);
  }
  for (const o of picked) claimed.add(key(o));
  return picked.map((o) => structuredClone(o.value) as KubernetesObject);
}
