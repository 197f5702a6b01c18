/**
 * The kubelet (pkg/kubelet): container start, startup and readiness probes, OOM kills, restart
 * back-off, pod deletion, node restarts, and the faults that act on containers.
 */
import { restartDelaySeconds, BACKOFF_RESET_SECONDS } from "./backoff.js";
import type { WorkloadSpec } from "../workload-spec.js";
import type { SimContext } from "./context.js";
import { hostMemoryUsed } from "./eviction.js";
import { countSpread, refreshTaints } from "./scheduler.js";
import { CONTAINER_START_SECONDS, formatMi, OOM_AFTER_SECONDS, STARTUP_JITTER, type SimNode, type SimPod } from "./sim-types.js";

export function startContainer(ctx: SimContext, pod: SimPod, withEvents: boolean): void {
  const node = pod.node!;
  if (!node.ready) return;
  if (cannotStart(ctx, pod)) return;
  pod.phase = "Running";
  pod.containerRunning = true;
  pod.startedAt = ctx.t;
  pod.epoch++;
  const spec = pod.spec;
  const w = pod.workload;
  // Usage: the plan's expected steady usage, reached at start (documented simplification).
  let memory = spec.expected.usage.memory;
  if (ctx.faultFor(w.name, "oom", pod)) memory = spec.limits.memory !== undefined ? spec.limits.memory * 2 : node.capacity.memory;
  pod.wantedCpu = spec.expected.usage.cpu;
  const cpu = spec.limits.cpu !== undefined ? Math.min(pod.wantedCpu, spec.limits.cpu) : pod.wantedCpu;
  setUsage(ctx, pod, memory, cpu);
  if (ctx.faultFor(w.name, "memory-growth", pod)) {
    pod.growing = true;
    ctx.growingPods.add(pod);
    ctx.requestUsageTick();
  }
  ctx.touch(w);
  if (withEvents) {
    ctx.record("Normal", "Started", `Pod/${pod.name}`, `Started container ${w.name}`, w.name, node.name);
  }
  // Memory over the limit: the kernel OOM-kills the container (exit 137); CPU over the limit
  // is only throttled (CFS quota), never killed.
  if (spec.limits.memory !== undefined && memory > spec.limits.memory) {
    ctx.at(OOM_AFTER_SECONDS, { k: "exit", pod, epoch: pod.epoch, reason: "OOMKilled", exitCode: 137 });
    return;
  }
  const crash = ctx.faultFor(w.name, "crash", pod) as { at?: number } | undefined;
  if (crash && crash.at === undefined) {
    const crashAfter = Math.max(1, Math.round(ctx.startupFor(w.name, spec, pod) / 2));
    ctx.at(crashAfter, { k: "exit", pod, epoch: pod.epoch, reason: "Error", exitCode: 1 });
  }
  if (!withEvents) return;
  // The app is up after its start-up time (startup × (1 ± 20 %), seeded jitter).
  const jitter = 1 + (ctx.random() * 2 - 1) * STARTUP_JITTER;
  const upAfter = ctx.startupFor(w.name, spec, pod) * jitter;
  const started = startupProbeOutcome(spec.startupProbe, upAfter);
  if (started.killAt !== undefined) {
    ctx.at(started.killAt, { k: "startupKill", pod, epoch: pod.epoch });
    return;
  }
  // Readiness: probes run at start + initialDelay + k·period and count only once the startup
  // probe has succeeded (pkg/kubelet/prober/worker.go skips them until the container is
  // Started); readiness fails until the first probe after that; successThreshold 1.
  const probe = spec.readinessProbe;
  if (!probe) {
    // No readiness probe: Ready once the container runs and has started (kubelet prober_manager).
    ctx.at(started.startedAt, { k: "probe", pod, epoch: pod.epoch });
    return;
  }
  const from = Math.max(upAfter, started.startedAt);
  const k = Math.max(0, Math.ceil((from - probe.initialDelaySeconds) / probe.periodSeconds));
  ctx.at(probe.initialDelaySeconds + k * probe.periodSeconds, { k: "probe", pod, epoch: pod.epoch });
}

/**
 * The startup probe failed `failureThreshold` times in a row: the kubelet kills the container
 * and restarts it under the pod's restart policy (pkg/kubelet/kuberuntime/kuberuntime_manager.go
 * computePodActions: "failed startup probe, will be restarted"). The container gets the pod's
 * grace period to stop, the same worst case as every termination here.
 */
export function startupProbeFailed(ctx: SimContext, pod: SimPod): void {
  const w = pod.workload;
  const node = pod.node!;
  const probe = pod.spec.startupProbe!;
  ctx.record("Warning", "Unhealthy", `Pod/${pod.name}`, `Startup probe failed: ${probe.failureThreshold} consecutive failures, ${probe.periodSeconds}s apart`, w.name, node.name);
  ctx.record("Normal", "Killing", `Pod/${pod.name}`, `Container ${w.name} failed startup probe, will be restarted`, w.name, node.name);
  ctx.at(pod.spec.terminationGracePeriodSeconds, { k: "exit", pod, epoch: pod.epoch, reason: "Error", exitCode: 137 });
}

export function readinessProbe(ctx: SimContext, pod: SimPod): void {
  if (!pod.containerRunning || pod.terminating) return;
  if (ctx.faultFor(pod.workload.name, "unready", pod)) {
    const port = pod.spec.port ?? 8080;
    ctx.record("Warning", "Unhealthy", `Pod/${pod.name}`, `Readiness probe failed: dial tcp ${pod.node!.name}:${port}: connect: connection refused`, pod.workload.name, pod.node!.name);
    return;
  }
  if (pod.ready) return;
  pod.ready = true;
  ctx.touch(pod.workload);
  ctx.record("Normal", "Ready", `Pod/${pod.name}`, `Container ${pod.workload.name} is Ready`, pod.workload.name, pod.node!.name);
  ctx.markProgress(pod.workload);
  ctx.queueReconcile(pod.workload);
}

export function setUsage(ctx: SimContext, pod: SimPod, memory: number, cpu: number): void {
  const node = pod.node;
  if (node) {
    node.usedMemory += memory - pod.usageMemory;
    node.usedCpu += cpu - pod.usageCpu;
  }
  pod.usageMemory = memory;
  pod.usageCpu = cpu;
  if (node && (ctx.kind ? hostMemoryUsed(ctx) > ctx.hostMemory : node.usedMemory > node.allocatable.memory)) ctx.requestEvictionCycle();
}

export function containerExited(ctx: SimContext, pod: SimPod, reason: "OOMKilled" | "Error", exitCode: number): void {
  const w = pod.workload;
  const node = pod.node!;
  const ranFor = ctx.t - pod.startedAt;
  pod.containerRunning = false;
  pod.ready = false;
  pod.epoch++;
  pod.reason = reason;
  pod.growing = false;
  ctx.growingPods.delete(pod);
  setUsage(ctx, pod, 0, 0);
  ctx.touch(w);
  if (reason === "OOMKilled") {
    ctx.record("Warning", "OOMKilled", `Pod/${pod.name}`, `Container ${w.name} was OOMKilled (exit code ${exitCode}): memory limit ${formatMi(pod.spec.limits.memory)}`, w.name, node.name);
  } else {
    ctx.record("Warning", "BackOff", `Pod/${pod.name}`, `Container ${w.name} exited with code ${exitCode} (Error)`, w.name, node.name);
  }
  if (pod.terminating) return;
  // restartPolicy Always with back-off: immediate first restart, then 10 s doubling to 300 s,
  // reset after 600 s of running.
  if (ranFor >= BACKOFF_RESET_SECONDS) pod.backoffIndex = 0;
  const delay = restartDelaySeconds(pod.backoffIndex);
  pod.backoffIndex++;
  if (delay > 0) {
    pod.inBackoff = true;
    pod.reason = "CrashLoopBackOff";
    ctx.record("Warning", "BackOff", `Pod/${pod.name}`, `Back-off ${delay}s restarting failed container ${w.name} in pod ${pod.name}`, w.name, node.name);
  }
  ctx.at(delay, { k: "restart", pod, epoch: pod.epoch });
  ctx.queueReconcile(w);
}

/** The pod object is deleted: its requests leave the node and pending pods are retried. */
export function podGone(ctx: SimContext, pod: SimPod): void {
  pod.gone = true;
  pod.containerRunning = false;
  pod.nominatedNode = undefined;
  ctx.nominated.delete(pod);
  pod.ready = false;
  ctx.growingPods.delete(pod);
  const node = pod.node;
  if (node) {
    setUsage(ctx, pod, 0, 0);
    node.pods.delete(pod);
    if (!pod.terminating) countSpread(node, pod, -1);
    node.requested.memory -= pod.request.memory;
    node.requested.cpu -= pod.request.cpu;
    node.nonZeroRequested.memory -= pod.nonZero.memory;
    node.nonZeroRequested.cpu -= pod.nonZero.cpu;
    if (pod.terminating) {
      node.terminatingRequested.memory -= pod.request.memory;
      node.terminatingRequested.cpu -= pod.request.cpu;
    }
  }
  const w = pod.workload;
  w.pods.delete(pod);
  ctx.touch(w);
  if (ctx.workloads.get(w.name) === w) ctx.queueReconcile(w);
  if (ctx.pending.length > 0) ctx.requestSchedule();
}

export function crashService(ctx: SimContext, service: string): void {
  const w = ctx.workloads.get(service);
  if (!w) return;
  for (const pod of w.pods) {
    if (pod.revision === w.baselineRevision) continue; // the release before the rollout keeps running
    if (pod.containerRunning && !pod.terminating) ctx.at(0, { k: "exit", pod, epoch: pod.epoch, reason: "Error", exitCode: 1 });
  }
}

export function nodeDown(ctx: SimContext, node: SimNode, seconds: number): void {
  node.ready = false;
  refreshTaints(node);
  ctx.record("Warning", "NodeNotReady", `Node/${node.name}`, `Node ${node.name} status is now: NodeNotReady (restarting)`, undefined, node.name);
  for (const pod of node.pods) {
    pod.containerRunning = false;
    pod.ready = false;
    pod.epoch++;
    ctx.growingPods.delete(pod);
    setUsage(ctx, pod, 0, 0);
    ctx.touch(pod.workload);
  }
  ctx.at(seconds, { k: "nodeUp", node });
}

export function nodeUp(ctx: SimContext, node: SimNode): void {
  node.ready = true;
  refreshTaints(node);
  ctx.record("Normal", "NodeReady", `Node/${node.name}`, `Node ${node.name} status is now: NodeReady`, undefined, node.name);
  for (const pod of node.pods) {
    if (pod.terminating) {
      ctx.at(0, { k: "gone", pod, epoch: pod.epoch });
      continue;
    }
    // The kubelet recreates the container: restartCount rises then, not when the node comes back.
    ctx.at(CONTAINER_START_SECONDS, { k: "restart", pod, epoch: pod.epoch });
  }
  if (ctx.pending.length > 0) ctx.requestSchedule();
}

/**
 * When the startup probe first succeeds for an app that is up after `upAfter` seconds, or when
 * the kubelet kills the container because it failed `failureThreshold` probes first. Probes run at
 * initialDelay + i·period (pkg/kubelet/prober/worker.go); no startup probe: started at once.
 */
export function startupProbeOutcome(probe: WorkloadSpec["startupProbe"], upAfter: number): { startedAt: number; killAt?: number } {
  if (!probe) return { startedAt: 0 };
  const failures = Math.max(0, Math.ceil((upAfter - probe.initialDelaySeconds) / probe.periodSeconds));
  if (failures >= probe.failureThreshold) return { startedAt: Infinity, killAt: probe.initialDelaySeconds + (probe.failureThreshold - 1) * probe.periodSeconds };
  return { startedAt: probe.initialDelaySeconds + failures * probe.periodSeconds };
}

/**
 * Faults that keep the container from being created at all: the image cannot be pulled (the
 * kubelet reports ErrImagePull, then ImagePullBackOff while it retries — pkg/kubelet/images) or
 * a Secret the pod references is missing (CreateContainerConfigError — kuberuntime). The pod
 * stays Pending/waiting with that reason; the engine fails the step at once on it.
 */
function cannotStart(ctx: SimContext, pod: SimPod): boolean {
  const w = pod.workload;
  const node = pod.node!;
  if (ctx.faultFor(w.name, "image-pull", pod)) {
    const first = pod.reason !== "ErrImagePull" && pod.reason !== "ImagePullBackOff";
    pod.reason = first ? "ErrImagePull" : "ImagePullBackOff";
    pod.message = first ? `failed to pull image "${pod.spec.image ?? w.name}": not found` : `Back-off pulling image "${pod.spec.image ?? w.name}"`;
    ctx.record("Warning", first ? "Failed" : "BackOff", `Pod/${pod.name}`, pod.message, w.name, node.name);
  } else if (ctx.faultFor(w.name, "missing-secret", pod)) {
    pod.reason = "CreateContainerConfigError";
    pod.message = `secret referenced by ${w.name} not found`;
    ctx.record("Warning", "Failed", `Pod/${pod.name}`, `Error: ${pod.message}`, w.name, node.name);
  } else return false;
  ctx.touch(w);
  // The kubelet retries with back-off; one retry is enough to show the reason change.
  ctx.at(10, { k: "start", pod, epoch: pod.epoch });
  return true;
}
