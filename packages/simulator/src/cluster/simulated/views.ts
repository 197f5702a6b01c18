/**
 * The read side: kstatus-style summaries, pod and node statuses, metrics and validation, computed
 * from the simulation's state without changing it.
 */
import type { Service } from "@openpolicy/core";
import type { ClusterEvent, ClusterMetrics, NodeStatus, PodStatus, ServiceMetrics, ValidationOutcome, WorkloadResources, WorkloadStatus, WorkloadSummary } from "../cluster.js";
import { CONTAINER_START_FAILURES, ClusterError } from "../cluster.js";
import { serviceErrorRate, serviceLatencyMs } from "../../model/latency.js";
import type { SimContext } from "./context.js";

export function workloadSummary(ctx: SimContext, name: string): WorkloadSummary | undefined {
  const w = ctx.workloads.get(name);
  if (!w) return undefined;
  if (w.cached && w.cachedVersion === w.version) return w.cached;
  let updated = 0;
  let ready = 0;
  let updatedReady = 0;
  let active = 0;
  let unschedulable = 0;
  let maxRestarts = 0;
  let crashLooping = false;
  for (const pod of w.pods) {
    if (pod.restarts > maxRestarts) maxRestarts = pod.restarts;
    if (pod.inBackoff) crashLooping = true;
    if (pod.terminating) continue;
    active++;
    if (pod.unschedulable) unschedulable++;
    if (pod.ready) ready++;
    if (pod.revision === w.revision) {
      updated++;
      if (pod.ready) updatedReady++;
    }
  }
  const replicas = w.spec.replicas;
  let status: WorkloadSummary["status"];
  const summary: WorkloadSummary = {
    name: w.name,
    kind: w.spec.kind,
    status: "InProgress",
    revision: w.revision,
    replicas,
    updatedReplicas: updated,
    readyReplicas: ready,
    updatedReadyReplicas: updatedReady,
    unschedulablePods: unschedulable,
    maxRestarts,
    crashLooping,
    revisionAppliedAt: w.revisionAppliedAt,
  };
  // kstatus (cli-utils pkg/kstatus/status/core.go): Current when every replica is updated,
  // ready and available, and no old replica remains; Failed on ProgressDeadlineExceeded.
  if (updated === replicas && updatedReady === replicas && active === replicas) status = "Current";
  else if (w.failed) {
    status = "Failed";
    summary.reason = "ProgressDeadlineExceeded";
    summary.message = `Deployment "${w.name}" exceeded its progress deadline`;
  } else {
    status = "InProgress";
    if (unschedulable > 0) {
      summary.reason = "Unschedulable";
      const stuck = [...w.pods].find((p) => p.unschedulable);
      if (stuck?.message) summary.message = stuck.message;
    } else if (crashLooping) summary.reason = "CrashLoopBackOff";
    else {
      // A container that cannot be created says why (the real backend reads the same waiting reason).
      const stuck = [...w.pods].find((p) => !p.terminating && p.reason !== undefined && CONTAINER_START_FAILURES.has(p.reason));
      if (stuck) {
        summary.reason = stuck.reason!;
        if (stuck.message) summary.message = stuck.message;
      }
    }
  }
  summary.status = status;
  w.cached = summary;
  w.cachedVersion = w.version;
  return summary;
}

export function resourcesOf(ctx: SimContext, name: string): WorkloadResources | undefined {
  const w = ctx.workloads.get(name);
  if (!w) return undefined;
  const out: WorkloadResources = { requested: { memory: 0, cpu: 0 }, used: { memory: 0, cpu: 0 } };
  for (const pod of w.pods) {
    if (!pod.node) continue;
    out.requested.memory += pod.request.memory;
    out.requested.cpu += pod.request.cpu;
    out.used.memory += pod.usageMemory;
    out.used.cpu += pod.usageCpu;
  }
  return out;
}

export function workloadStatusOf(ctx: SimContext, name: string): WorkloadStatus | undefined {
  const summary = workloadSummary(ctx, name);
  if (!summary) return undefined;
  const w = ctx.workloads.get(name)!;
  const pods: PodStatus[] = [];
  for (const pod of [...w.failedPods, ...w.pods]) {
    const status: PodStatus = {
      name: pod.name,
      phase: pod.phase,
      ready: pod.ready,
      terminating: pod.terminating,
      restarts: pod.restarts,
      revision: pod.revision,
    };
    if (pod.node && pod.phase !== "Failed") status.node = pod.node.name;
    if (pod.reason !== undefined) status.reason = pod.reason;
    if (pod.message !== undefined) status.message = pod.message;
    if (pod.ordinal !== undefined) status.ordinal = pod.ordinal;
    pods.push(status);
  }
  pods.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { ...summary, pods };
}

export function nodeStatuses(ctx: SimContext): NodeStatus[] {
  return ctx.nodeList.map((n) => ({
    name: n.name,
    capacity: { ...n.capacity },
    allocatable: { ...n.allocatable },
    requested: { ...n.requested },
    terminatingRequested: { ...n.terminatingRequested },
    used: { memory: n.usedMemory, cpu: n.usedCpu },
    pods: n.pods.size,
    ready: n.ready,
    memoryPressure: n.memoryPressure,
  }));
}

export function eventsSince(ctx: SimContext, sinceT: number): ClusterEvent[] {
  // Binary search: the log is in time order.
  let lo = 0;
  let hi = ctx.log.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ctx.log[mid]!.t < sinceT) lo = mid + 1;
    else hi = mid;
  }
  return ctx.log.slice(lo);
}

export function metrics(ctx: SimContext): ClusterMetrics {
  const services: ServiceMetrics[] = [];
  let latencySum = 0;
  let errorSum = 0;
  let serving = 0;
  const names = [...ctx.workloads.keys()].filter((n) => !ctx.workloads.get(n)!.system).sort();
  for (const name of names) {
    const w = ctx.workloads.get(name)!;
    let readyPods = 0;
    let pods = 0;
    let restarting = 0;
    let saturation = 0;
    let throttle = 1;
    for (const pod of w.pods) {
      if (pod.terminating) continue;
      pods++;
      if (pod.restarts > 0 && !pod.ready) restarting++;
      if (!pod.ready || !pod.node) continue;
      readyPods++;
      saturation += pod.node.allocatable.cpu > 0 ? pod.node.usedCpu / pod.node.allocatable.cpu : 1;
      const limit = pod.spec.limits.cpu;
      if (limit !== undefined && limit > 0 && pod.wantedCpu > limit) throttle = Math.max(throttle, pod.wantedCpu / limit);
    }
    let depsDown = 0;
    for (const dep of w.spec.dependsOn) {
      const d = workloadSummary(ctx, dep);
      if (!d || d.readyReplicas === 0) depsDown++;
    }
    const load = {
      nodeSaturation: readyPods > 0 ? saturation / readyPods : 0,
      throttleFactor: throttle,
      dependencies: w.spec.dependsOn.length,
      dependenciesDown: depsDown,
      pods,
      restartingPods: restarting,
    };
    const latencyMs = readyPods > 0 ? serviceLatencyMs(load) : 0;
    const errorRate = readyPods > 0 ? serviceErrorRate(load) : 100;
    services.push({ name, readyPods, latencyMs, errorRate });
    if (readyPods > 0) {
      serving++;
      latencySum += latencyMs;
      errorSum += errorRate;
    }
  }
  return {
    t: ctx.t,
    services,
    averageLatencyMs: serving > 0 ? Math.round((latencySum / serving) * 10) / 10 : 0,
    errorRate: serving > 0 ? Math.round((errorSum / serving) * 10) / 10 : 0,
  };
}

export function validateSync(ctx: SimContext, service: Service): ValidationOutcome {
  const summary = workloadSummary(ctx, service.name);
  if (!summary) throw new ClusterError(`validate: ${service.name} is not deployed`);
  if (summary.readyReplicas === 0) return { service: service.name, ok: false, message: `${service.name}: no Ready pod to validate` };
  const w = ctx.workloads.get(service.name)!;
  if (w.revision !== w.baselineRevision && ctx.faultFor(service.name, "validation-fail")) {
    return { service: service.name, ok: false, message: `${service.name}: ${validationLabel(service)} failed (injected fault validation-fail)` };
  }
  return { service: service.name, ok: true, message: `${service.name}: ${validationLabel(service)} ok (simulated)` };
}

function validationLabel(service: Service): string {
  const v = service.validate;
  switch (v.kind) {
    case "postgres":
      return "pg_isready / SELECT 1";
    case "redis":
      return "redis PING";
    case "rabbitmq":
      return "AMQP connect";
    case "http":
      return `GET ${v.path} → ${v.expectStatus ?? 200}`;
    case "tcp":
      return `TCP connect :${v.port}`;
    case "none":
      return "no validation";
  }
}
