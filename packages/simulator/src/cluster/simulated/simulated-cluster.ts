import type { Service } from "@openpolicy/core";
import { evictionHardMemory, mulberry32, nodeAllocatableOf, nodeTaints, schedulingRandom } from "@openpolicy/core";
import type {
  ApplyResult,
  Cluster,
  ClusterEvent,
  ClusterMetrics,
  ClusterView,
  NodeStatus,
  RemoveOptions,
  RemoveResult,
  ValidationOutcome,
  VolumeStatus,
  WaitResult,
  WorkloadResources,
  WorkloadStatus,
} from "../cluster.js";
import { ClusterError } from "../cluster.js";
import type { WorkloadSpec } from "../workload-spec.js";
import { sameWorkloadSpec, templateHash } from "../workload-spec.js";
import { SimContext } from "./context.js";
import { checkProgressDeadline, cloneSpec, createPod, newWorkload, preloadPod, reconcile, terminatePod } from "./controllers.js";
import { crashService, containerExited, nodeDown, nodeUp, podGone, readinessProbe, startContainer, startupProbeFailed } from "./kubelet.js";
import { evictionCycle, usageTick } from "./eviction.js";
import { kindSystemPods } from "./kind-overhead.js";
import { bind, pickNode, schedulePending } from "./scheduler.js";
import type { SimEvent, SimNode, SimulatedClusterOptions } from "./sim-types.js";
import { eventsSince, metrics, nodeStatuses, resourcesOf, validateSync, workloadStatusOf, workloadSummary } from "./views.js";

export {
  CONTAINER_START_SECONDS,
  DEFAULT_EVICTION_THRESHOLD_BYTES,
  EVICTION_MONITORING_SECONDS,
  OOM_AFTER_SECONDS,
  STARTUP_JITTER,
  type SimulatedClusterOptions,
  type SimulatedNodeSpec,
} from "./sim-types.js";
export { startupProbeOutcome } from "./kubelet.js";

/**
 * A discrete-event simulation of a small Kubernetes cluster: scheduler (core's scheduling cycle:
 * taints, NodeResourcesFit, LeastAllocated + BalancedAllocation; scheduler.ts), Deployment /
 * StatefulSet controllers (controllers.ts), kubelet (start-up, probes, OOM kills, restart back-off;
 * kubelet.ts), node-pressure eviction (eviction.ts) and a latency model (views.ts). Time is simulated:
 * events sit in a priority queue and `waitFor` processes them, synchronously, until its check is
 * satisfied or the timeout is reached. Runs are deterministic for a seed.
 */
export class SimulatedCluster implements Cluster {
  readonly name: string;
  private readonly ctx: SimContext;
  readonly view: ClusterView;

  constructor(options: SimulatedClusterOptions) {
    if (options.nodes.length === 0) throw new ClusterError("a simulated cluster needs at least one node");
    this.name = options.name ?? "simulated";
    const overhead = options.overhead ?? "none";
    const names = new Set<string>();
    const nodeList = options.nodes.map((n, index): SimNode => {
      if (names.has(n.name)) throw new ClusterError(`duplicate node name ${JSON.stringify(n.name)}`);
      names.add(n.name);
      const capacity = { memory: n.memory, cpu: n.cpu };
      const baseTaints = nodeTaints(index, options.nodes.length, overhead);
      return {
        index,
        name: n.name,
        baseTaints,
        taints: [...baseTaints],
        get podCount() {
          return this.pods.size;
        },
        capacity,
        // core's rule: capacity − reserved (eviction threshold included); kind: capacity.
        allocatable: nodeAllocatableOf(capacity, { memory: n.reservedMemory, cpu: n.reservedCpu }, overhead),
        allocatablePods: n.pods,
        evictionThreshold: evictionHardMemory(overhead),
        requested: { memory: 0, cpu: 0 },
        nonZeroRequested: { memory: 0, cpu: 0 },
        terminatingRequested: { memory: 0, cpu: 0 },
        usedMemory: 0,
        usedCpu: 0,
        pods: new Set(),
        spread: new Map(),
        ready: true,
        memoryPressure: false,
        pressureUntil: 0,
      };
    });
    this.ctx = new SimContext(
      options.namespace ?? "default",
      mulberry32(options.seed),
      schedulingRandom(options.seed),
      nodeList,
      options.faults ?? [],
      overhead === "kind",
      Math.max(0, ...options.nodes.map((n) => n.memory)),
    );
    for (const fault of this.ctx.faults) {
      if (fault.kind === "crash" && fault.at !== undefined) this.ctx.queue.push(fault.at, { k: "crashAt", service: fault.service });
      if (fault.kind === "node-restart") {
        const node = this.ctx.nodeList.find((n) => n.name === fault.node);
        if (!node) {
          throw new ClusterError(`fault node-restart: unknown node ${JSON.stringify(fault.node)} (nodes: ${this.ctx.nodeList.map((n) => n.name).join(", ")})`);
        }
        this.ctx.queue.push(fault.at, { k: "nodeDown", node, seconds: fault.downSeconds });
      }
    }
    if (this.ctx.kind) {
      for (const system of kindSystemPods(this.ctx.nodeList.length)) {
        const node = this.ctx.nodeList[system.nodeIndex ?? 0]!;
        preloadPod(this.ctx, system.spec, node, true);
      }
    }
    this.view = {
      now: () => this.ctx.t,
      workload: (name) => workloadSummary(this.ctx, name),
      workloadStatus: (name) => workloadStatusOf(this.ctx, name),
      workloadNames: () => [...this.ctx.workloads.values()].filter((w) => !w.system).map((w) => w.name).sort(),
      workloadResources: (name) => resourcesOf(this.ctx, name),
      nodes: () => nodeStatuses(this.ctx),
      metrics: () => metrics(this.ctx),
      events: (sinceT) => eventsSince(this.ctx, sinceT),
      changedWorkloads: (cursor) => ({ cursor: this.ctx.changes.length, names: this.ctx.changes.slice(cursor) }),
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Cluster interface

  now(): number {
    return this.ctx.t;
  }

  async apply(spec: WorkloadSpec): Promise<ApplyResult> {
    return this.applySync(spec);
  }

  async remove(name: string, options: RemoveOptions): Promise<RemoveResult> {
    return this.removeSync(name, options);
  }

  async workloadStatus(name: string): Promise<WorkloadStatus | undefined> {
    return workloadStatusOf(this.ctx, name);
  }

  async workloadResources(name: string): Promise<WorkloadResources | undefined> {
    return resourcesOf(this.ctx, name);
  }

  async nodes(): Promise<NodeStatus[]> {
    return nodeStatuses(this.ctx);
  }

  async events(sinceT: number): Promise<ClusterEvent[]> {
    return eventsSince(this.ctx, sinceT);
  }

  async volumes(): Promise<VolumeStatus[]> {
    return [...this.ctx.volumeMap.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async observe(): Promise<ClusterMetrics> {
    return metrics(this.ctx);
  }

  async validate(service: Service): Promise<ValidationOutcome> {
    return validateSync(this.ctx, service);
  }

  async waitFor<T>(check: (view: ClusterView) => T | undefined, timeoutSeconds: number): Promise<WaitResult<T>> {
    return this.waitForSync(check, timeoutSeconds);
  }

  async close(): Promise<void> {}

  // ---------------------------------------------------------------------------------------------
  // Synchronous core (also used directly by tests and benchmarks)

  applySync(spec: WorkloadSpec): ApplyResult {
    validateSpec(spec);
    const existing = this.ctx.workloads.get(spec.name);
    const revision = templateHash(spec);
    if (existing) {
      if (existing.spec.kind !== spec.kind) {
        throw new ClusterError(`${spec.name}: cannot change kind from ${existing.spec.kind} to ${spec.kind}; remove it first`);
      }
      if (existing.owner !== undefined && spec.owner !== undefined && existing.owner !== spec.owner) {
        throw new ClusterError(`apply: ${spec.name} belongs to plan ${existing.owner}; plan ${spec.owner} does not take over another plan's objects`);
      }
      if (sameWorkloadSpec(existing.spec, spec)) return { changed: false, revision };
      const newRevision = existing.revision !== revision;
      existing.spec = cloneSpec(spec);
      if (newRevision) {
        existing.revision = revision;
        existing.revisionAppliedAt = this.ctx.t;
      }
      existing.failed = false;
      this.ctx.markProgress(existing);
      this.ctx.touch(existing);
      this.ctx.queueReconcile(existing);
      return { changed: true, revision };
    }
    const workload = newWorkload(this.ctx, spec, false);
    this.ctx.markProgress(workload);
    this.ctx.queueReconcile(workload);
    return { changed: true, revision };
  }

  removeSync(name: string, options: RemoveOptions): RemoveResult {
    const workload = this.ctx.workloads.get(name);
    // Another plan's workload is never removed (rollback of one plan leaves the other's alone).
    if (workload && options.owner !== undefined && workload.owner !== undefined && workload.owner !== options.owner) return { removed: false, keptFor: workload.owner };
    if (workload) {
      this.ctx.workloads.delete(name);
      this.ctx.changes.push(name);
      // Background deletion: the object goes at once, its pods terminate with their grace period.
      for (const pod of [...workload.pods]) terminatePod(this.ctx, pod);
    }
    if (!options.keepVolumes) {
      for (const [volumeName, volume] of this.ctx.volumeMap) if (volume.workload === name) this.ctx.volumeMap.delete(volumeName);
    }
    return { removed: true };
  }

  /**
   * Puts workloads in place as already running and Ready at the current time, without events:
   * the state an upgrade (`--from`) starts from. Pods that do not fit stay Pending.
   */
  preload(specs: readonly WorkloadSpec[]): void {
    for (const spec of specs) {
      validateSpec(spec);
      if (this.ctx.workloads.has(spec.name)) throw new ClusterError(`preload: ${spec.name} already exists`);
      const workload = newWorkload(this.ctx, spec, false);
      workload.baselineRevision = workload.revision;
      for (let i = 0; i < spec.replicas; i++) {
        const pod = createPod(this.ctx, workload, false);
        const node = pickNode(this.ctx, pod);
        if (node) {
          bind(this.ctx, pod, node, false);
          startContainer(this.ctx, pod, false);
          pod.ready = true;
        } else {
          this.ctx.pending.push(pod);
          this.ctx.requestSchedule();
        }
      }
      this.ctx.touch(workload);
    }
  }

  waitForSync<T>(check: (view: ClusterView) => T | undefined, timeoutSeconds: number): WaitResult<T> {
    if (!(timeoutSeconds >= 0)) throw new ClusterError(`waitFor: invalid timeout ${timeoutSeconds}`);
    const deadline = this.ctx.t + timeoutSeconds;
    // Settle the current instant first (reconciles queued by apply/remove run "now").
    this.runInstant();
    for (;;) {
      const value = check(this.view);
      if (value !== undefined) return { done: true, value, t: this.ctx.t };
      const next = this.ctx.queue.peekTime();
      if (next > deadline) {
        this.ctx.t = deadline;
        const last = check(this.view);
        return last !== undefined ? { done: true, value: last, t: this.ctx.t } : { done: false, t: this.ctx.t };
      }
      this.ctx.t = next;
      this.runInstant();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Event loop

  /** Processes every event due at the current time (including those they schedule for now). */
  private runInstant(): void {
    while (this.ctx.queue.size > 0 && this.ctx.queue.peekTime() <= this.ctx.t) {
      const event = this.ctx.queue.pop()!;
      this.handle(event.payload);
    }
  }

  private handle(e: SimEvent): void {
    switch (e.k) {
      case "reconcile":
        e.w.reconcileQueued = false;
        if (this.ctx.workloads.get(e.w.name) === e.w) reconcile(this.ctx, e.w);
        return;
      case "schedule":
        this.ctx.scheduleQueued = false;
        schedulePending(this.ctx);
        return;
      case "start":
        if (e.pod.epoch === e.epoch && !e.pod.gone && !e.pod.terminating) startContainer(this.ctx, e.pod, true);
        return;
      case "probe":
        if (e.pod.epoch === e.epoch && !e.pod.gone) readinessProbe(this.ctx, e.pod);
        return;
      case "startupKill":
        if (e.pod.epoch === e.epoch && !e.pod.gone && e.pod.containerRunning && !e.pod.terminating) startupProbeFailed(this.ctx, e.pod);
        return;
      case "exit":
        if (e.pod.epoch === e.epoch && !e.pod.gone && e.pod.containerRunning) containerExited(this.ctx, e.pod, e.reason, e.exitCode);
        return;
      case "restart":
        if (e.pod.epoch === e.epoch && !e.pod.gone && !e.pod.terminating) {
          e.pod.inBackoff = false;
          // restartCount counts containers the kubelet recreated, not exits: it rises when the
          // back-off ends (pkg/kubelet/kuberuntime computePodActions → startContainer).
          e.pod.restarts++;
          startContainer(this.ctx, e.pod, true);
        }
        return;
      case "gone":
        if (e.pod.epoch === e.epoch && !e.pod.gone) podGone(this.ctx, e.pod);
        return;
      case "deadline":
        checkProgressDeadline(this.ctx, e.w, e.version);
        return;
      case "evictionCycle":
        this.ctx.evictionQueued = false;
        evictionCycle(this.ctx);
        return;
      case "usageTick":
        this.ctx.usageTickQueued = false;
        usageTick(this.ctx);
        return;
      case "crashAt":
        crashService(this.ctx, e.service);
        return;
      case "nodeDown":
        nodeDown(this.ctx, e.node, e.seconds);
        return;
      case "nodeUp":
        nodeUp(this.ctx, e.node);
        return;
    }
  }

  /** Number of events recorded so far (cheap; lets callers page through `events`). */
  eventCount(): number {
    return this.ctx.log.length;
  }

  /** Events from index `from` on, without copying the whole log. */
  eventsFromIndex(from: number): readonly ClusterEvent[] {
    return this.ctx.log.slice(from);
  }
}

function validateSpec(spec: WorkloadSpec): void {
  if (!spec.name) throw new ClusterError("apply: workload name is empty");
  if (!Number.isInteger(spec.replicas) || spec.replicas < 0) throw new ClusterError(`apply: ${spec.name}: replicas must be a non-negative integer`);
  if (spec.requests.memory < 0 || spec.requests.cpu < 0) throw new ClusterError(`apply: ${spec.name}: negative request`);
  if (spec.limits.memory !== undefined && spec.limits.memory < spec.requests.memory) {
    throw new ClusterError(`apply: ${spec.name}: memory request must be less than or equal to memory limit`);
  }
  if (spec.limits.cpu !== undefined && spec.limits.cpu < spec.requests.cpu) {
    throw new ClusterError(`apply: ${spec.name}: cpu request must be less than or equal to cpu limit`);
  }
  for (const [which, probe] of [["readiness", spec.readinessProbe], ["liveness", spec.livenessProbe], ["startup", spec.startupProbe]] as const) {
    if (probe && !(probe.periodSeconds > 0)) throw new ClusterError(`apply: ${spec.name}: ${which} periodSeconds must be > 0`);
    if (probe && !(probe.failureThreshold >= 1)) throw new ClusterError(`apply: ${spec.name}: ${which} failureThreshold must be >= 1`);
  }
}
