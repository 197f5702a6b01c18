/**
 * Controllers (pkg/controller/deployment, pkg/controller/statefulset): workloads, their pods,
 * rolling updates, Recreate, OrderedReady, the progress deadline, and pod deletion.
 */
import { nonZeroRequest } from "@openpolicy/core";
import type { VolumeStatus } from "../cluster.js";
import { resolveFenceposts } from "../rolling-update.js";
import type { WorkloadSpec } from "../workload-spec.js";
import { templateHash } from "../workload-spec.js";
import type { SimContext } from "./context.js";
import { podGone, startContainer } from "./kubelet.js";
import { bind, countSpread } from "./scheduler.js";
import { workloadSummary } from "./views.js";
import type { SimNode, SimPod, SimWorkload } from "./sim-types.js";

export function newWorkload(ctx: SimContext, spec: WorkloadSpec, system: boolean): SimWorkload {
  const workload: SimWorkload = {
    name: spec.name,
    spec: cloneSpec(spec),
    revision: templateHash(spec),
    revisionAppliedAt: ctx.t,
    pods: new Set(),
    failedPods: [],
    podCounter: 0,
    failed: false,
    lastProgressAt: ctx.t,
    version: 0,
    cached: undefined,
    cachedVersion: -1,
    reconcileQueued: false,
    baselineRevision: undefined,
    owner: spec.owner,
    system,
  };
  ctx.workloads.set(spec.name, workload);
  return workload;
}

export function reconcile(ctx: SimContext, w: SimWorkload): void {
  if (w.spec.kind === "StatefulSet") reconcileStatefulSet(ctx, w);
  else if (w.spec.strategy === "Recreate") reconcileRecreate(ctx, w);
  else reconcileRollingUpdate(ctx, w);
}

/**
 * pkg/controller/deployment/rolling.go rolloutRolling: one sync either scales the new ReplicaSet
 * up (reconcileNewReplicaSet) and returns, or scales old ReplicaSets down
 * (reconcileOldReplicaSets). Scaling a ReplicaSet updates it, which queues the next sync at
 * once (the controller watches its ReplicaSets), so the new ReplicaSet grows in the sync right
 * after the old one shrinks. Counts are ReplicaSet spec.replicas (deployment_util.go
 * GetReplicaCountForReplicaSets): a terminating pod no longer counts. With 4 replicas at
 * 25%/25%: +1 new, −1 old, +1 new, all at t = 0.
 */
export function reconcileRollingUpdate(ctx: SimContext, w: SimWorkload): void {
  const replicas = w.spec.replicas;
  const active: SimPod[] = [];
  const current: SimPod[] = [];
  const old: SimPod[] = [];
  for (const pod of w.pods) {
    if (pod.terminating) continue;
    active.push(pod);
    (pod.revision === w.revision ? current : old).push(pod);
  }
  const { surge, unavailable } = resolveFenceposts(w.spec.maxSurge, w.spec.maxUnavailable, replicas);
  if (scaleNewReplicaSet(ctx, w, replicas, surge, active.length, current)) {
    ctx.markProgress(w);
    ctx.queueReconcile(w);
    return;
  }
  if (old.length === 0) return;
  if (scaleDownOldReplicaSets(ctx, old, current, active, replicas - unavailable)) {
    ctx.markProgress(w);
    ctx.queueReconcile(w);
  }
}

/** reconcileNewReplicaSet / NewRSNewReplicas: never more than replicas + maxSurge pods in total. */
export function scaleNewReplicaSet(ctx: SimContext, w: SimWorkload, replicas: number, surge: number, activeCount: number, current: SimPod[]): boolean {
  if (current.length > replicas) {
    // Scale down surplus new pods, not-ready first, then newest (controller.ActivePods ordering).
    for (const pod of sortForScaleDown(current).slice(0, current.length - replicas)) terminatePod(ctx, pod);
    return true;
  }
  const allowed = Math.min(replicas + surge - activeCount, replicas - current.length);
  for (let i = 0; i < allowed; i++) createPod(ctx, w, true);
  return allowed > 0;
}

/** reconcileOldReplicaSets: cleanupUnhealthyReplicas, then scaleDownOldReplicaSetsForRollingUpdate. */
export function scaleDownOldReplicaSets(ctx: SimContext, old: SimPod[], current: SimPod[], active: SimPod[], minAvailable: number): boolean {
  const newUnavailable = current.filter((p) => !p.ready).length;
  let maxScaledDown = active.length - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return false;
  let scaled = false;
  // cleanupUnhealthyReplicas: old pods that are not Ready go first.
  for (const pod of sortForScaleDown(old)) {
    if (maxScaledDown <= 0 || pod.ready) break;
    terminatePod(ctx, pod);
    maxScaledDown--;
    scaled = true;
  }
  // scaleDownOldReplicaSetsForRollingUpdate: only while availability stays >= minAvailable.
  let available = active.filter((p) => p.ready && !p.terminating).length;
  for (const pod of sortForScaleDown(old)) {
    if (pod.terminating) continue;
    if (available <= minAvailable) break;
    terminatePod(ctx, pod);
    available--;
    scaled = true;
  }
  return scaled;
}

/** pkg/controller/deployment/recreate.go: scale old to 0, wait until no old pod runs, then scale up. */
export function reconcileRecreate(ctx: SimContext, w: SimWorkload): void {
  let oldExists = false;
  let currentCount = 0;
  for (const pod of w.pods) {
    if (pod.revision !== w.revision) {
      oldExists = true;
      if (!pod.terminating) terminatePod(ctx, pod);
    } else if (!pod.terminating) currentCount++;
  }
  if (oldExists) return;
  for (let i = currentCount; i < w.spec.replicas; i++) createPod(ctx, w, true);
  if (currentCount > w.spec.replicas) {
    const current = [...w.pods].filter((p) => !p.terminating);
    for (const pod of sortForScaleDown(current).slice(0, currentCount - w.spec.replicas)) terminatePod(ctx, pod);
  }
}

/**
 * pkg/controller/statefulset/stateful_set_control.go with podManagementPolicy OrderedReady:
 * create ordinals in order, each only once the previous is Running and Ready; scale down and
 * update from the highest ordinal, one pod at a time (an update deletes the pod, which is then
 * recreated at the new revision; the PVC stays).
 */
export function reconcileStatefulSet(ctx: SimContext, w: SimWorkload): void {
  const byOrdinal = new Map<number, SimPod>();
  for (const pod of w.pods) byOrdinal.set(pod.ordinal!, pod);
  const replicas = w.spec.replicas;
  for (let i = 0; i < replicas; i++) {
    const pod = byOrdinal.get(i);
    if (!pod) {
      createPod(ctx, w, true, i);
      return;
    }
    if (pod.terminating || pod.phase !== "Running" || !pod.ready) return;
  }
  const extra = [...byOrdinal.keys()].filter((o) => o >= replicas).sort((a, b) => b - a);
  if (extra.length > 0) {
    const pod = byOrdinal.get(extra[0]!)!;
    if (!pod.terminating) terminatePod(ctx, pod);
    return;
  }
  for (let i = replicas - 1; i >= 0; i--) {
    const pod = byOrdinal.get(i)!;
    if (pod.revision !== w.revision) {
      terminatePod(ctx, pod);
      return;
    }
  }
}

export function checkProgressDeadline(ctx: SimContext, w: SimWorkload, _version: number): void {
  if (ctx.workloads.get(w.name) !== w || w.failed) return;
  if (ctx.t < w.lastProgressAt + w.spec.progressDeadlineSeconds) return;
  const summary = workloadSummary(ctx, w.name)!;
  if (summary.status === "Current") return;
  w.failed = true;
  ctx.touch(w);
  ctx.record(
    "Warning",
    "ProgressDeadlineExceeded",
    `Deployment/${w.name}`,
    `ReplicaSet "${w.name}-${w.revision}" has timed out progressing.`,
    w.name,
  );
}

export function createPod(ctx: SimContext, w: SimWorkload, queue: boolean, ordinal?: number): SimPod {
  const spec = w.spec;
  const isSts = spec.kind === "StatefulSet";
  const ord = isSts ? (ordinal ?? w.podCounter) : undefined;
  const name = isSts ? `${w.name}-${ord}` : `${w.name}-${w.revision.slice(0, 8)}-${w.podCounter}`;
  w.podCounter++;
  const request = { memory: spec.requests.memory || spec.limits.memory || 0, cpu: spec.requests.cpu || spec.limits.cpu || 0 };
  const pod: SimPod = {
    name,
    workload: w,
    spec,
    revision: w.revision,
    ordinal: ord,
    createdAt: ctx.t,
    node: undefined,
    phase: "Pending",
    containerRunning: false,
    ready: false,
    terminating: false,
    gone: false,
    restarts: 0,
    backoffIndex: 0,
    inBackoff: false,
    startedAt: 0,
    reason: undefined,
    message: undefined,
    unschedulable: false,
    nominatedNode: undefined,
    preempted: false,
    boundAt: 0,
    epoch: 0,
    request,
    nonZero: nonZeroRequest(request),
    usageMemory: 0,
    usageCpu: 0,
    wantedCpu: 0,
    growing: false,
    system: w.system,
  };
  w.pods.add(pod);
  ctx.touch(w);
  if (spec.persistent && !w.system) {
    const volumeName = isSts ? `data-${w.name}-${ord}` : `${w.name}-data`;
    if (!ctx.volumeMap.has(volumeName)) {
      const volume: VolumeStatus = { name: volumeName, workload: w.name };
      if (spec.storage !== undefined) volume.size = spec.storage;
      ctx.volumeMap.set(volumeName, volume);
    }
  }
  if (queue) {
    ctx.pending.push(pod);
    ctx.requestSchedule();
  }
  return pod;
}

export function preloadPod(ctx: SimContext, spec: WorkloadSpec, node: SimNode, system: boolean): void {
  const w = newWorkload(ctx, spec, system);
  const pod = createPod(ctx, w, false);
  bind(ctx, pod, node, false);
  startContainer(ctx, pod, false);
  pod.ready = true;
}

export function terminatePod(ctx: SimContext, pod: SimPod): void {
  if (pod.gone || pod.terminating) return;
  const w = pod.workload;
  pod.terminating = true;
  pod.ready = false;
  pod.epoch++;
  ctx.touch(w);
  const node = pod.node;
  if (!node) {
    // Never scheduled: deleted at once.
    podGone(ctx, pod);
    return;
  }
  countSpread(node, pod, -1);
  node.terminatingRequested.memory += pod.request.memory;
  node.terminatingRequested.cpu += pod.request.cpu;
  if (!pod.containerRunning) {
    ctx.at(0, { k: "gone", pod, epoch: pod.epoch });
    return;
  }
  ctx.record("Normal", "Killing", `Pod/${pod.name}`, `Stopping container ${w.name}`, w.name, node.name);
  // The app gets SIGTERM and the full terminationGracePeriodSeconds (30 s) before SIGKILL;
  // the simulation assumes the worst case (shell-wrapped entrypoints ignore SIGTERM).
  ctx.at(pod.spec.terminationGracePeriodSeconds, { k: "gone", pod, epoch: pod.epoch });
}

/** controller.ActivePods ordering for scale-down: unscheduled, then not ready, then newest. */
export function sortForScaleDown(pods: SimPod[]): SimPod[] {
  return [...pods].sort((a, b) => {
    if (!a.node !== !b.node) return a.node ? 1 : -1;
    if (a.ready !== b.ready) return a.ready ? 1 : -1;
    return b.createdAt - a.createdAt || (a.name < b.name ? 1 : -1);
  });
}

export function cloneSpec(spec: WorkloadSpec): WorkloadSpec {
  return {
    ...spec,
    requests: { ...spec.requests },
    limits: { ...spec.limits },
    ...(spec.readinessProbe ? { readinessProbe: { ...spec.readinessProbe } } : {}),
    ...(spec.livenessProbe ? { livenessProbe: { ...spec.livenessProbe } } : {}),
    ...(spec.startupProbe ? { startupProbe: { ...spec.startupProbe } } : {}),
    dependsOn: [...spec.dependsOn],
    expected: { startupSeconds: spec.expected.startupSeconds, usage: { ...spec.expected.usage } },
  };
}
