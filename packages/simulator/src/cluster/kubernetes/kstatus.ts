/**
 * Readiness of Kubernetes objects as pure functions over the objects' JSON, following the rules
 * of sigs.k8s.io/cli-utils pkg/kstatus/status (core.go: deploymentConditions,
 * statefulsetConditions, podConditions; generic.go: checkGenericProperties). Only what the
 * rollout needs is kept, in kstatus's order of checks, with kstatus's messages.
 * Source read: cli-utils pkg/kstatus/status/core.go and generic.go (v0.37).
 *
 * Objects may come from a watch (timestamps as strings) or from @kubernetes/client-node's typed
 * deserializer (timestamps as Date); nothing here reads timestamps.
 */

export type KStatus = "InProgress" | "Current" | "Failed";

export interface KStatusResult {
  status: KStatus;
  reason?: string;
  message: string;
}

interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}

type Json = Record<string, unknown>;

function obj(value: unknown): Json {
  return value !== null && typeof value === "object" ? (value as Json) : {};
}

function num(value: unknown, fallback = 0): number {
  return typeof value === "number" && Number.isFinite(value) ? value : fallback;
}

function conditions(status: Json): Condition[] {
  return Array.isArray(status.conditions) ? (status.conditions as Condition[]) : [];
}

function condition(status: Json, type: string): Condition | undefined {
  return conditions(status).find((c) => c.type === type);
}

/**
 * generic.go checkGenericProperties: an object being deleted is InProgress (kstatus: Terminating);
 * an object whose controller has not yet seen the latest spec (status.observedGeneration set and
 * ≠ metadata.generation) is InProgress, whatever the rest of its status says.
 */
export function genericStatus(object: unknown): KStatusResult | undefined {
  const o = obj(object);
  const metadata = obj(o.metadata);
  if (metadata.deletionTimestamp !== undefined && metadata.deletionTimestamp !== null) {
    return { status: "InProgress", reason: "Terminating", message: "Resource scheduled for deletion" };
  }
  const generation = metadata.generation;
  const observed = obj(o.status).observedGeneration;
  if (typeof generation === "number" && typeof observed === "number" && observed !== generation) {
    return { status: "InProgress", reason: "LatestGenerationNotObserved", message: `${String(o.kind ?? "Object")} generation is ${generation}, but latest observed generation is ${observed}` };
  }
  return undefined;
}

/**
 * core.go deploymentConditions, in its order: Failed when the Progressing condition has reason
 * ProgressDeadlineExceeded; InProgress while status.replicas < spec, updated < spec, extra (old)
 * pods remain, available < updated, ready < spec, the Progressing condition is not
 * NewReplicaSetAvailable (only judged when progressDeadlineSeconds is set), or Available is not
 * True; Current otherwise. spec.replicas defaults to 1.
 */
export function deploymentStatus(deployment: unknown): KStatusResult {
  const d = obj(deployment);
  const generic = genericStatus(d);
  if (generic) return generic;
  const spec = obj(d.spec);
  const status = obj(d.status);
  // Without progressDeadlineSeconds the controller sets no Progressing condition.
  let progressing = spec.progressDeadlineSeconds === undefined || spec.progressDeadlineSeconds === 2147483647;
  let available = false;
  for (const c of conditions(status)) {
    if (c.type === "Progressing") {
      if (c.reason === "ProgressDeadlineExceeded") {
        return { status: "Failed", reason: "ProgressDeadlineExceeded", message: c.message ?? "Progress deadline exceeded" };
      }
      if (c.status === "True" && c.reason === "NewReplicaSetAvailable") progressing = true;
    } else if (c.type === "Available" && c.status === "True") {
      available = true;
    }
  }
  const replicas = num(spec.replicas, 1);
  const statusReplicas = num(status.replicas);
  const updated = num(status.updatedReplicas);
  const ready = num(status.readyReplicas);
  const availableReplicas = num(status.availableReplicas);
  if (replicas > statusReplicas) return inProgress("LessReplicas", `Replicas: ${statusReplicas}/${replicas}`);
  if (replicas > updated) return inProgress("LessUpdated", `Updated: ${updated}/${replicas}`);
  if (statusReplicas > replicas) return inProgress("ExtraPods", `Pending termination: ${statusReplicas - replicas}`);
  if (updated > availableReplicas) return inProgress("LessAvailable", `Available: ${availableReplicas}/${updated}`);
  if (replicas > ready) return inProgress("LessReady", `Ready: ${ready}/${replicas}`);
  if (!progressing) return inProgress("ReplicaSetNotAvailable", "ReplicaSet not Available");
  if (!available) return inProgress("DeploymentNotAvailable", "Deployment not Available");
  return { status: "Current", message: `Deployment is available. Replicas: ${statusReplicas}` };
}

/**
 * core.go stsConditions, in its order: OnDelete is Current (user-managed updates); InProgress
 * while status.replicas < spec, ready < spec, or extra pods remain; with a partition, Current once
 * updated ≥ replicas − partition; else InProgress while current < spec or
 * currentRevision ≠ updateRevision; Current otherwise.
 */
export function statefulSetStatus(statefulSet: unknown): KStatusResult {
  const s = obj(statefulSet);
  const generic = genericStatus(s);
  if (generic) return generic;
  const spec = obj(s.spec);
  const status = obj(s.status);
  const strategy = obj(spec.updateStrategy);
  if (strategy.type === "OnDelete") return { status: "Current", message: "StatefulSet is using the ondelete update strategy" };
  const replicas = num(spec.replicas, 1);
  const statusReplicas = num(status.replicas);
  const ready = num(status.readyReplicas);
  const current = num(status.currentReplicas);
  const updated = num(status.updatedReplicas);
  const rollingUpdate = obj(strategy.rollingUpdate);
  const partition = typeof rollingUpdate.partition === "number" ? rollingUpdate.partition : -1;
  if (replicas > statusReplicas) return inProgress("LessReplicas", `Replicas: ${statusReplicas}/${replicas}`);
  if (replicas > ready) return inProgress("LessReady", `Ready: ${ready}/${replicas}`);
  if (statusReplicas > replicas) return inProgress("ExtraPods", `Pending termination: ${statusReplicas - replicas}`);
  if (partition !== -1) {
    if (updated < replicas - partition) return inProgress("PartitionRollout", `updated: ${updated}/${replicas - partition}`);
    return { status: "Current", message: `Partition rollout complete. updated: ${updated}` };
  }
  if (replicas > current) return inProgress("LessCurrent", `current: ${current}/${replicas}`);
  if ((status.currentRevision ?? "") !== (status.updateRevision ?? "")) {
    return inProgress("RevisionMismatch", "Waiting for updated revision to match current");
  }
  return { status: "Current", message: `All replicas scheduled as expected. Replicas: ${statusReplicas}` };
}

/** kstatus gives a pod this long to be scheduled before calling it Failed (core.go ScheduleWindow). */
export const SCHEDULE_WINDOW_MS = 15_000;

/**
 * core.go podConditions: Succeeded is Current, Failed is Failed; Running is Current when Ready,
 * Failed when a container waits in CrashLoopBackOff, else InProgress; Pending with
 * PodScheduled=False/Unschedulable is Failed once the pod is older than the 15 s schedule window.
 */
export function podStatus(pod: unknown, nowMs: number = Date.now()): KStatusResult {
  const p = obj(pod);
  const status = obj(p.status);
  switch (status.phase) {
    case "Succeeded":
      return { status: "Current", message: "Pod completed" };
    case "Failed":
      return { status: "Failed", reason: typeof status.reason === "string" ? status.reason : "PodFailed", message: "Pod failed" };
    case "Running": {
      if (podReady(p)) return { status: "Current", message: "Pod ready" };
      const looping = crashLoopingContainers(p);
      if (looping.length > 0) return { status: "Failed", reason: "CrashLoopBackOff", message: `Containers in CrashLoop state: ${looping.join(",")}` };
      return inProgress("PodRunningNotReady", "Pod is running but is not Ready");
    }
    case "Pending": {
      const scheduled = condition(status, "PodScheduled");
      if (scheduled?.status === "False" && scheduled.reason === "Unschedulable") {
        const created = timestampMs(obj(p.metadata).creationTimestamp);
        if (created !== undefined && nowMs - SCHEDULE_WINDOW_MS < created) return inProgress("PodNotScheduled", "Pod has not been scheduled");
        return { status: "Failed", reason: "Unschedulable", message: "Pod could not be scheduled" };
      }
      return inProgress("PodPending", "Pod is in the Pending phase");
    }
    default:
      return inProgress("PodPhaseUnknown", "Pod phase not available");
  }
}

/** The pod's Ready condition (kubernetes pkg/api/v1/pod/util.go IsPodReady). */
export function podReady(pod: unknown): boolean {
  return condition(obj(obj(pod).status), "Ready")?.status === "True";
}

/** Names of containers waiting in CrashLoopBackOff (core.go getCrashLoopingContainers). */
export function crashLoopingContainers(pod: unknown): string[] {
  const statuses = obj(obj(pod).status).containerStatuses;
  if (!Array.isArray(statuses)) return [];
  return statuses
    .filter((cs) => obj(obj(obj(cs).state).waiting).reason === "CrashLoopBackOff")
    .map((cs) => String(obj(cs).name));
}

/** A timestamp from a watch (RFC 3339 string) or from the typed client (Date), in ms. */
export function timestampMs(value: unknown): number | undefined {
  if (value instanceof Date) return value.getTime();
  if (typeof value === "string" && value !== "") {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

function inProgress(reason: string, message: string): KStatusResult {
  return { status: "InProgress", reason, message };
}
