/**
 * Pure readings of the watched objects for KubernetesCluster (kubernetes-cluster.ts): a pod's
 * status with its most telling reason, a workload's summary from its object and its pods, the
 * plan's volumes, and the small JSON helpers the caches need. Nothing here talks to the API server.
 */
import type { PodPhase, PodStatus, VolumeStatus, WorkloadSummary } from "../cluster.js";
import { CONTAINER_START_FAILURES } from "../cluster.js";
import { quantityBytes } from "../pod-resources.js";
import { crashLoopingContainers, deploymentStatus, podReady, statefulSetStatus } from "./kstatus.js";
import type { Json } from "./kube-api.js";
import { REVISION_LABEL, WORKLOAD_LABEL } from "./render-workload.js";
import { objectKey } from "./resilient-watch.js";

export function plain(object: Json): Json {
  // Typed client objects carry Dates; the caches hold JSON as a watch delivers it.
  return JSON.parse(JSON.stringify(object)) as Json;
}

export function generation(object: Json | undefined): number | undefined {
  const g = (object?.metadata as Json | undefined)?.generation;
  return typeof g === "number" ? g : undefined;
}

export function templateLabels(object: Json): Record<string, string> {
  return ((((object.spec as Json | undefined)?.template as Json | undefined)?.metadata as Json | undefined)?.labels ?? {}) as Record<string, string>;
}

export function sortedByName(items: Iterable<Json>): Json[] {
  return [...items].sort((a, b) => {
    const x = objectKey(a);
    const y = objectKey(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

export function podStatusOf(pod: Json): PodStatus {
  const metadata = pod.metadata as Json;
  const status = (pod.status ?? {}) as Json;
  const labels = (metadata.labels ?? {}) as Record<string, string>;
  const containers = (status.containerStatuses ?? []) as Json[];
  const phase = (["Pending", "Running", "Succeeded", "Failed"].includes(String(status.phase)) ? status.phase : "Pending") as PodPhase;
  const result: PodStatus = {
    name: String(metadata.name),
    phase,
    ready: podReady(pod),
    terminating: metadata.deletionTimestamp !== undefined && metadata.deletionTimestamp !== null,
    restarts: Math.max(0, ...containers.map((c) => Number(c.restartCount ?? 0))),
    revision: labels[REVISION_LABEL] ?? "",
  };
  const node = (pod.spec as Json | undefined)?.nodeName;
  if (typeof node === "string") result.node = node;
  const index = labels["apps.kubernetes.io/pod-index"] ?? labels["statefulset.kubernetes.io/pod-name"]?.match(/-(\d+)$/)?.[1];
  if (index !== undefined && /^\d+$/.test(index)) result.ordinal = Number(index);
  // Most telling reason first.
  const scheduled = ((status.conditions ?? []) as Json[]).find((c) => c.type === "PodScheduled");
  const waiting = containers.map((c) => (c.state as Json | undefined)?.waiting as Json | undefined).find((w) => w?.reason);
  const terminated = containers.map((c) => ((c.lastState as Json | undefined)?.terminated ?? (c.state as Json | undefined)?.terminated) as Json | undefined).find((t) => t?.reason);
  if (status.reason === "Evicted") {
    result.reason = "Evicted";
    result.message = String(status.message ?? "");
  } else if (crashLoopingContainers(pod).length > 0) {
    result.reason = "CrashLoopBackOff";
    result.message = String(waiting?.message ?? "back-off restarting failed container");
    if (terminated?.reason === "OOMKilled") result.message = `OOMKilled; ${result.message}`;
  } else if (terminated?.reason === "OOMKilled") {
    result.reason = "OOMKilled";
    result.message = "container was OOM-killed";
  } else if (waiting?.reason) {
    result.reason = String(waiting.reason);
    if (waiting.message) result.message = String(waiting.message);
  } else if (scheduled?.status === "False" && scheduled.reason === "Unschedulable") {
    result.reason = "FailedScheduling";
    result.message = String(scheduled.message ?? "pod could not be scheduled");
  }
  return result;
}

/** What `workloadSummary` needs besides the object and its pods. */
export interface WorkloadSummaryContext {
  /** The plan's name of the service (the object may be named after it in Kubernetes spelling). */
  name: string;
  kind: "Deployment" | "StatefulSet";
  /** Seconds (cluster clock) when this revision was first applied; 0 when not by this connection. */
  revisionAppliedAt: number;
}

/**
 * A workload's summary from its live object (kstatus) and its pods; a container that cannot start
 * names the reason before kstatus's own.
 */
export function workloadSummary(object: Json, podObjects: readonly Json[], context: WorkloadSummaryContext): { summary: WorkloadSummary; pods: PodStatus[] } {
  const { kind } = context;
  const ks = kind === "Deployment" ? deploymentStatus(object) : statefulSetStatus(object);
  const revision = templateLabels(object)[REVISION_LABEL] ?? "";
  const replicas = typeof (object.spec as Json)?.replicas === "number" ? ((object.spec as Json).replicas as number) : 1;
  const pods = podObjects.map((p) => podStatusOf(p));
  const live = pods.filter((p) => !p.terminating);
  const updated = live.filter((p) => p.revision === revision);
  const unschedulable = live.filter((p) => p.reason === "FailedScheduling");
  let status = ks.status;
  // The controller's status can trail the pods we watch (and vice versa): Current needs both.
  if (status === "Current" && updated.filter((p) => p.ready).length < replicas) status = "InProgress";
  const summary: WorkloadSummary = {
    name: context.name,
    kind,
    status,
    revision,
    replicas,
    updatedReplicas: updated.length,
    readyReplicas: live.filter((p) => p.ready).length,
    updatedReadyReplicas: updated.filter((p) => p.ready).length,
    unschedulablePods: unschedulable.length,
    maxRestarts: Math.max(0, ...pods.map((p) => p.restarts)),
    crashLooping: pods.some((p) => p.reason === "CrashLoopBackOff"),
    revisionAppliedAt: context.revisionAppliedAt,
  };
  if (ks.reason !== undefined && status !== "Current") summary.reason = ks.reason;
  const stuck = live.find((p) => p.reason !== undefined && CONTAINER_START_FAILURES.has(p.reason));
  if (stuck && status !== "Current") {
    summary.reason = stuck.reason!;
    if (stuck.message !== undefined) summary.message = stuck.message;
  }
  const message = unschedulable[0]?.message ?? (status !== "Current" ? ks.message : undefined);
  if (message !== undefined && !(stuck && status !== "Current")) summary.message = message;
  return { summary, pods };
}

/** The plan's claims among `pvcs` (labelled with their workload), by name, with their requested size. */
export function volumeStatuses(pvcs: Iterable<Json>, specNames: ReadonlyMap<string, string>): VolumeStatus[] {
  const volumes: VolumeStatus[] = [];
  for (const pvc of sortedByName(pvcs)) {
    const metadata = pvc.metadata as Json;
    const labels = (metadata.labels ?? {}) as Record<string, string>;
    const workload = labels[WORKLOAD_LABEL];
    if (workload === undefined) continue;
    const volume: VolumeStatus = { name: String(metadata.name), workload: specNames.get(workload) ?? workload };
    const storage = (((pvc.spec as Json)?.resources as Json)?.requests as Json)?.storage;
    if (typeof storage === "string") volume.size = quantityBytes(storage);
    volumes.push(volume);
  }
  return volumes;
}
