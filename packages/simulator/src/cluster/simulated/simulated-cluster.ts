import type { Service } from "@openpolicy/core";
import type {
  ApplyResult,
  Cluster,
  ClusterEvent,
  ClusterMetrics,
  ClusterView,
  NodeStatus,
  PodStatus,
  RemoveOptions,
  RemoveResult,
  ServiceMetrics,
  ValidationOutcome,
  VolumeStatus,
  WaitResult,
  WorkloadResources,
  WorkloadStatus,
  WorkloadSummary,
} from "../cluster.js";
import { ClusterError } from "../cluster.js";
import type { WorkloadSpec } from "../workload-spec.js";
import { sameWorkloadSpec, templateHash } from "../workload-spec.js";
import { resolveFenceposts } from "../rolling-update.js";
import type { Fault } from "../../faults/fault.js";
import { serviceErrorRate, serviceLatencyMs } from "../../model/latency.js";
import { EventQueue } from "./event-queue.js";
import { mulberry32 } from "./prng.js";
import {
  evictionHardMemory,
  lowerPriorityPods,
  MEMORY_PRESSURE_TAINT,
  nodeAllocatableOf,
  nodeTaints,
  nonZeroRequest,
  scheduleOne,
  schedulingRandom,
  UNREACHABLE_TAINT,
  type SchedulingPod,
} from "@openpolicy/core";
import { restartDelaySeconds, BACKOFF_RESET_SECONDS } from "./backoff.js";
import { kindSystemPods } from "./kind-overhead.js";

const Mi = 1024 * 1024;

/** Default hard eviction threshold memory.available<100Mi (core's DEFAULT_EVICTION_HARD_MEMORY). */
export const DEFAULT_EVICTION_THRESHOLD_BYTES = evictionHardMemory("none");
/** Kubelet eviction manager monitoring period (--housekeeping / evictionMonitoringPeriod 10 s). */
export const EVICTION_MONITORING_SECONDS = 10;
/**
 * Seconds from binding to container start. The user's images are preloaded with `kind load` and
 * `imagePullPolicy: Never`, so there is no pull; 1 s stands for sandbox + container creation.
 */
export const CONTAINER_START_SECONDS = 1;
/** Seconds a container with usage over its limit runs before the kernel OOM-kills it. */
export const OOM_AFTER_SECONDS = 1;
/** Start-up jitter: the time to Ready is the plan's startupSeconds × (1 ± 20 %), seeded. */
export const STARTUP_JITTER = 0.2;

export interface SimulatedNodeSpec {
  name: string;
  /** Capacity: bytes / millicores / pods. */
  memory: number;
  cpu: number;
  pods: number;
  /** kube-reserved + system-reserved + hard eviction threshold (bytes / millicores). */
  reservedMemory: number;
  reservedCpu: number;
}

export interface SimulatedClusterOptions {
  nodes: SimulatedNodeSpec[];
  seed: number;
  faults?: Fault[];
  /** "kind": add kube-system pods and drop the memory eviction threshold, as kind does. */
  overhead?: "none" | "kind";
  name?: string;
  /** Namespace the plan deploys into; only shown in event messages, as Kubernetes words them. */
  namespace?: string;
}

interface Res {
  memory: number;
  cpu: number;
}

interface SimNode {
  index: number;
  name: string;
  /** NoSchedule taints the node always has (kind's control plane when there are workers). */
  baseTaints: readonly string[];
  /** Base taints plus the condition taints (unreachable, memory-pressure), kept current. */
  taints: string[];
  readonly podCount: number;
  capacity: Res;
  allocatable: Res;
  allocatablePods: number;
  evictionThreshold: number;
  requested: Res;
  nonZeroRequested: Res;
  terminatingRequested: Res;
  usedMemory: number;
  usedCpu: number;
  pods: Set<SimPod>;
  ready: boolean;
  memoryPressure: boolean;
}

type PodPhaseInternal = "Pending" | "Running" | "Failed";

interface SimPod {
  name: string;
  workload: SimWorkload;
  spec: WorkloadSpec;
  revision: string;
  ordinal: number | undefined;
  createdAt: number;
  node: SimNode | undefined;
  phase: PodPhaseInternal;
  containerRunning: boolean;
  ready: boolean;
  terminating: boolean;
  gone: boolean;
  restarts: number;
  /** Restarts since the back-off was last reset. */
  backoffIndex: number;
  inBackoff: boolean;
  startedAt: number;
  reason: string | undefined;
  message: string | undefined;
  unschedulable: boolean;
  epoch: number;
  request: Res;
  nonZero: Res;
  usageMemory: number;
  usageCpu: number;
  /** CPU wanted by the app (may exceed the limit: throttled). */
  wantedCpu: number;
  growing: boolean;
  system: boolean;
}

interface SimWorkload {
  name: string;
  spec: WorkloadSpec;
  revision: string;
  revisionAppliedAt: number;
  pods: Set<SimPod>;
  failedPods: SimPod[];
  podCounter: number;
  failed: boolean;
  lastProgressAt: number;
  version: number;
  cached: WorkloadSummary | undefined;
  cachedVersion: number;
  reconcileQueued: boolean;
  system: boolean;
  /**
   * Revision the workload ran before the rollout (`preload`, the `--from` state). Faults target
   * the software the rollout brings: pods of this revision keep running as they would on
   * Kubernetes, where a bad release leaves the old ReplicaSet's pods alone.
   */
  baselineRevision: string | undefined;
  /** Plan that owns the workload (spec.owner), if any. */
  owner: string | undefined;
}

type SimEvent =
  | { k: "reconcile"; w: SimWorkload }
  | { k: "schedule" }
  | { k: "start"; pod: SimPod; epoch: number }
  | { k: "probe"; pod: SimPod; epoch: number }
  | { k: "startupKill"; pod: SimPod; epoch: number }
  | { k: "exit"; pod: SimPod; epoch: number; reason: "OOMKilled" | "Error"; exitCode: number }
  | { k: "restart"; pod: SimPod; epoch: number }
  | { k: "gone"; pod: SimPod; epoch: number }
  | { k: "deadline"; w: SimWorkload; version: number }
  | { k: "evictionCycle" }
  | { k: "usageTick" }
  | { k: "crashAt"; service: string }
  | { k: "nodeDown"; node: SimNode; seconds: number }
  | { k: "nodeUp"; node: SimNode };

/**
 * A discrete-event simulation of a small Kubernetes cluster: scheduler (NodeResourcesFit +
 * LeastAllocated), Deployment / StatefulSet controllers, kubelet (start-up, readiness probes,
 * OOM kills, restart back-off, memory-pressure eviction) and a latency model. Time is simulated:
 * events sit in a priority queue and `waitFor` processes them, synchronously, until its check is
 * satisfied or the timeout is reached. Runs are deterministic for a seed.
 */
export class SimulatedCluster implements Cluster {
  readonly name: string;
  private readonly namespace: string;
  private t = 0;
  private readonly queue = new EventQueue<SimEvent>();
  private readonly random: () => number;
  /** selectHost's tie-break, a stream of its own so kubelet jitter does not shift placements. */
  private readonly tieBreak: () => number;
  private readonly nodeList: SimNode[];
  private readonly workloads = new Map<string, SimWorkload>();
  /** Pods waiting for the scheduler, in creation order. */
  private pending: SimPod[] = [];
  private scheduleQueued = false;
  private evictionQueued = false;
  private usageTickQueued = false;
  private readonly growingPods = new Set<SimPod>();
  private readonly log: ClusterEvent[] = [];
  private readonly volumeMap = new Map<string, VolumeStatus>();
  private readonly faults: Fault[];
  private readonly kind: boolean;
  /** kind: the Docker host's memory, which every node reports as its own and all share. */
  private readonly hostMemory: number;
  readonly view: ClusterView;

  constructor(options: SimulatedClusterOptions) {
    if (options.nodes.length === 0) throw new ClusterError("a simulated cluster needs at least one node");
    this.name = options.name ?? "simulated";
    this.namespace = options.namespace ?? "default";
    this.random = mulberry32(options.seed);
    this.tieBreak = schedulingRandom(options.seed);
    this.faults = options.faults ?? [];
    this.kind = options.overhead === "kind";
    this.hostMemory = Math.max(0, ...options.nodes.map((n) => n.memory));
    const names = new Set<string>();
    this.nodeList = options.nodes.map((n, index) => {
      if (names.has(n.name)) throw new ClusterError(`duplicate node name ${JSON.stringify(n.name)}`);
      names.add(n.name);
      const capacity = { memory: n.memory, cpu: n.cpu };
      const baseTaints = nodeTaints(index, options.nodes.length, options.overhead ?? "none");
      return {
        index,
        name: n.name,
        baseTaints,
        taints: [...baseTaints],
        get podCount() {
          return this.pods.size;
        },
        capacity,
        // core's rule: capacity − reserved (threshold included); kind: capacity.
        allocatable: nodeAllocatableOf(capacity, { memory: n.reservedMemory, cpu: n.reservedCpu }, options.overhead ?? "none"),
        allocatablePods: n.pods,
        evictionThreshold: evictionHardMemory(options.overhead ?? "none"),
        requested: { memory: 0, cpu: 0 },
        nonZeroRequested: { memory: 0, cpu: 0 },
        terminatingRequested: { memory: 0, cpu: 0 },
        usedMemory: 0,
        usedCpu: 0,
        pods: new Set(),
        ready: true,
        memoryPressure: false,
      };
    });
    for (const fault of this.faults) {
      if (fault.kind === "crash" && fault.at !== undefined) this.queue.push(fault.at, { k: "crashAt", service: fault.service });
      if (fault.kind === "node-restart") {
        const node = this.nodeList.find((n) => n.name === fault.node);
        if (!node) {
          throw new ClusterError(`fault node-restart: unknown node ${JSON.stringify(fault.node)} (nodes: ${this.nodeList.map((n) => n.name).join(", ")})`);
        }
        this.queue.push(fault.at, { k: "nodeDown", node, seconds: fault.downSeconds });
      }
    }
    if (this.kind) {
      for (const system of kindSystemPods(this.nodeList.length)) {
        const node = this.nodeList[system.nodeIndex ?? 0]!;
        this.preloadPod(system.spec, node, true);
      }
    }
    this.view = {
      now: () => this.t,
      workload: (name) => this.summary(name),
      workloadStatus: (name) => this.status(name),
      workloadNames: () => [...this.workloads.values()].filter((w) => !w.system).map((w) => w.name).sort(),
      workloadResources: (name) => this.resourcesOf(name),
      nodes: () => this.nodeStatuses(),
      metrics: () => this.metrics(),
      events: (sinceT) => this.eventsSince(sinceT),
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Cluster interface

  now(): number {
    return this.t;
  }

  async apply(spec: WorkloadSpec): Promise<ApplyResult> {
    return this.applySync(spec);
  }

  async remove(name: string, options: RemoveOptions): Promise<RemoveResult> {
    return this.removeSync(name, options);
  }

  async workloadStatus(name: string): Promise<WorkloadStatus | undefined> {
    return this.status(name);
  }

  async workloadResources(name: string): Promise<WorkloadResources | undefined> {
    return this.resourcesOf(name);
  }

  async nodes(): Promise<NodeStatus[]> {
    return this.nodeStatuses();
  }

  async events(sinceT: number): Promise<ClusterEvent[]> {
    return this.eventsSince(sinceT);
  }

  async volumes(): Promise<VolumeStatus[]> {
    return [...this.volumeMap.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async observe(): Promise<ClusterMetrics> {
    return this.metrics();
  }

  async validate(service: Service): Promise<ValidationOutcome> {
    return this.validateSync(service);
  }

  async waitFor<T>(check: (view: ClusterView) => T | undefined, timeoutSeconds: number): Promise<WaitResult<T>> {
    return this.waitForSync(check, timeoutSeconds);
  }

  async close(): Promise<void> {}

  // ---------------------------------------------------------------------------------------------
  // Synchronous core (also used directly by tests and benchmarks)

  applySync(spec: WorkloadSpec): ApplyResult {
    validateSpec(spec);
    const existing = this.workloads.get(spec.name);
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
        existing.revisionAppliedAt = this.t;
      }
      existing.failed = false;
      this.markProgress(existing);
      this.touch(existing);
      this.queueReconcile(existing);
      return { changed: true, revision };
    }
    const workload = this.newWorkload(spec, false);
    this.markProgress(workload);
    this.queueReconcile(workload);
    return { changed: true, revision };
  }

  removeSync(name: string, options: RemoveOptions): RemoveResult {
    const workload = this.workloads.get(name);
    // Another plan's workload is never removed (rollback of one plan leaves the other's alone).
    if (workload && options.owner !== undefined && workload.owner !== undefined && workload.owner !== options.owner) return { removed: false, keptFor: workload.owner };
    if (workload) {
      this.workloads.delete(name);
      // Background deletion: the object goes at once, its pods terminate with their grace period.
      for (const pod of [...workload.pods]) this.terminatePod(pod);
    }
    if (!options.keepVolumes) {
      for (const [volumeName, volume] of this.volumeMap) if (volume.workload === name) this.volumeMap.delete(volumeName);
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
      if (this.workloads.has(spec.name)) throw new ClusterError(`preload: ${spec.name} already exists`);
      const workload = this.newWorkload(spec, false);
      workload.baselineRevision = workload.revision;
      for (let i = 0; i < spec.replicas; i++) {
        const pod = this.createPod(workload, false);
        const node = this.pickNode(pod);
        if (node) {
          this.bind(pod, node, false);
          this.startContainer(pod, false);
          pod.ready = true;
        } else {
          this.pending.push(pod);
          this.requestSchedule();
        }
      }
      this.touch(workload);
    }
  }

  waitForSync<T>(check: (view: ClusterView) => T | undefined, timeoutSeconds: number): WaitResult<T> {
    if (!(timeoutSeconds >= 0)) throw new ClusterError(`waitFor: invalid timeout ${timeoutSeconds}`);
    const deadline = this.t + timeoutSeconds;
    // Settle the current instant first (reconciles queued by apply/remove run "now").
    this.runInstant();
    for (;;) {
      const value = check(this.view);
      if (value !== undefined) return { done: true, value, t: this.t };
      const next = this.queue.peekTime();
      if (next > deadline) {
        this.t = deadline;
        const last = check(this.view);
        return last !== undefined ? { done: true, value: last, t: this.t } : { done: false, t: this.t };
      }
      this.t = next;
      this.runInstant();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Event loop

  /** Processes every event due at the current time (including those they schedule for now). */
  private runInstant(): void {
    while (this.queue.size > 0 && this.queue.peekTime() <= this.t) {
      const event = this.queue.pop()!;
      this.handle(event.payload);
    }
  }

  private at(delaySeconds: number, event: SimEvent): void {
    this.queue.push(this.t + delaySeconds, event);
  }

  private handle(e: SimEvent): void {
    switch (e.k) {
      case "reconcile":
        e.w.reconcileQueued = false;
        if (this.workloads.get(e.w.name) === e.w) this.reconcile(e.w);
        return;
      case "schedule":
        this.scheduleQueued = false;
        this.schedulePending();
        return;
      case "start":
        if (e.pod.epoch === e.epoch && !e.pod.gone && !e.pod.terminating) this.startContainer(e.pod, true);
        return;
      case "probe":
        if (e.pod.epoch === e.epoch && !e.pod.gone) this.readinessProbe(e.pod);
        return;
      case "startupKill":
        if (e.pod.epoch === e.epoch && !e.pod.gone && e.pod.containerRunning && !e.pod.terminating) this.startupProbeFailed(e.pod);
        return;
      case "exit":
        if (e.pod.epoch === e.epoch && !e.pod.gone && e.pod.containerRunning) this.containerExited(e.pod, e.reason, e.exitCode);
        return;
      case "restart":
        if (e.pod.epoch === e.epoch && !e.pod.gone && !e.pod.terminating) {
          e.pod.inBackoff = false;
          // restartCount counts containers the kubelet recreated, not exits: it rises when the
          // back-off ends (pkg/kubelet/kuberuntime computePodActions → startContainer).
          e.pod.restarts++;
          this.startContainer(e.pod, true);
        }
        return;
      case "gone":
        if (e.pod.epoch === e.epoch && !e.pod.gone) this.podGone(e.pod);
        return;
      case "deadline":
        this.checkProgressDeadline(e.w, e.version);
        return;
      case "evictionCycle":
        this.evictionQueued = false;
        this.evictionCycle();
        return;
      case "usageTick":
        this.usageTickQueued = false;
        this.usageTick();
        return;
      case "crashAt":
        this.crashService(e.service);
        return;
      case "nodeDown":
        this.nodeDown(e.node, e.seconds);
        return;
      case "nodeUp":
        this.nodeUp(e.node);
        return;
    }
  }

  private record(type: "Normal" | "Warning", reason: string, object: string, message: string, workload?: string, node?: string): void {
    const event: ClusterEvent = { t: this.t, type, reason, object, message };
    if (workload !== undefined) event.workload = workload;
    if (node !== undefined) event.node = node;
    this.log.push(event);
  }

  // ---------------------------------------------------------------------------------------------
  // Controllers (pkg/controller/deployment, pkg/controller/statefulset)

  private newWorkload(spec: WorkloadSpec, system: boolean): SimWorkload {
    const workload: SimWorkload = {
      name: spec.name,
      spec: cloneSpec(spec),
      revision: templateHash(spec),
      revisionAppliedAt: this.t,
      pods: new Set(),
      failedPods: [],
      podCounter: 0,
      failed: false,
      lastProgressAt: this.t,
      version: 0,
      cached: undefined,
      cachedVersion: -1,
      reconcileQueued: false,
      baselineRevision: undefined,
      owner: spec.owner,
      system,
    };
    this.workloads.set(spec.name, workload);
    return workload;
  }

  private queueReconcile(w: SimWorkload): void {
    if (w.reconcileQueued) return;
    w.reconcileQueued = true;
    this.at(0, { k: "reconcile", w });
  }

  private touch(w: SimWorkload): void {
    w.version++;
  }

  private markProgress(w: SimWorkload): void {
    w.lastProgressAt = this.t;
    if (w.spec.kind === "Deployment" && !w.system) {
      // progressDeadlineSeconds (pkg/controller/deployment/progress.go): Failed when no progress
      // was made for that long.
      this.at(w.spec.progressDeadlineSeconds, { k: "deadline", w, version: w.version });
    }
  }

  private reconcile(w: SimWorkload): void {
    if (w.spec.kind === "StatefulSet") this.reconcileStatefulSet(w);
    else if (w.spec.strategy === "Recreate") this.reconcileRecreate(w);
    else this.reconcileRollingUpdate(w);
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
  private reconcileRollingUpdate(w: SimWorkload): void {
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
    if (this.scaleNewReplicaSet(w, replicas, surge, active.length, current)) {
      this.markProgress(w);
      this.queueReconcile(w);
      return;
    }
    if (old.length === 0) return;
    if (this.scaleDownOldReplicaSets(old, current, active, replicas - unavailable)) {
      this.markProgress(w);
      this.queueReconcile(w);
    }
  }

  /** reconcileNewReplicaSet / NewRSNewReplicas: never more than replicas + maxSurge pods in total. */
  private scaleNewReplicaSet(w: SimWorkload, replicas: number, surge: number, activeCount: number, current: SimPod[]): boolean {
    if (current.length > replicas) {
      // Scale down surplus new pods, not-ready first, then newest (controller.ActivePods ordering).
      for (const pod of sortForScaleDown(current).slice(0, current.length - replicas)) this.terminatePod(pod);
      return true;
    }
    const allowed = Math.min(replicas + surge - activeCount, replicas - current.length);
    for (let i = 0; i < allowed; i++) this.createPod(w, true);
    return allowed > 0;
  }

  /** reconcileOldReplicaSets: cleanupUnhealthyReplicas, then scaleDownOldReplicaSetsForRollingUpdate. */
  private scaleDownOldReplicaSets(old: SimPod[], current: SimPod[], active: SimPod[], minAvailable: number): boolean {
    const newUnavailable = current.filter((p) => !p.ready).length;
    let maxScaledDown = active.length - minAvailable - newUnavailable;
    if (maxScaledDown <= 0) return false;
    let scaled = false;
    // cleanupUnhealthyReplicas: old pods that are not Ready go first.
    for (const pod of sortForScaleDown(old)) {
      if (maxScaledDown <= 0 || pod.ready) break;
      this.terminatePod(pod);
      maxScaledDown--;
      scaled = true;
    }
    // scaleDownOldReplicaSetsForRollingUpdate: only while availability stays >= minAvailable.
    let available = active.filter((p) => p.ready && !p.terminating).length;
    for (const pod of sortForScaleDown(old)) {
      if (pod.terminating) continue;
      if (available <= minAvailable) break;
      this.terminatePod(pod);
      available--;
      scaled = true;
    }
    return scaled;
  }

  /** pkg/controller/deployment/recreate.go: scale old to 0, wait until no old pod runs, then scale up. */
  private reconcileRecreate(w: SimWorkload): void {
    let oldExists = false;
    let currentCount = 0;
    for (const pod of w.pods) {
      if (pod.revision !== w.revision) {
        oldExists = true;
        if (!pod.terminating) this.terminatePod(pod);
      } else if (!pod.terminating) currentCount++;
    }
    if (oldExists) return;
    for (let i = currentCount; i < w.spec.replicas; i++) this.createPod(w, true);
    if (currentCount > w.spec.replicas) {
      const current = [...w.pods].filter((p) => !p.terminating);
      for (const pod of sortForScaleDown(current).slice(0, currentCount - w.spec.replicas)) this.terminatePod(pod);
    }
  }

  /**
   * pkg/controller/statefulset/stateful_set_control.go with podManagementPolicy OrderedReady:
   * create ordinals in order, each only once the previous is Running and Ready; scale down and
   * update from the highest ordinal, one pod at a time (an update deletes the pod, which is then
   * recreated at the new revision; the PVC stays).
   */
  private reconcileStatefulSet(w: SimWorkload): void {
    const byOrdinal = new Map<number, SimPod>();
    for (const pod of w.pods) byOrdinal.set(pod.ordinal!, pod);
    const replicas = w.spec.replicas;
    for (let i = 0; i < replicas; i++) {
      const pod = byOrdinal.get(i);
      if (!pod) {
        this.createPod(w, true, i);
        return;
      }
      if (pod.terminating || pod.phase !== "Running" || !pod.ready) return;
    }
    const extra = [...byOrdinal.keys()].filter((o) => o >= replicas).sort((a, b) => b - a);
    if (extra.length > 0) {
      const pod = byOrdinal.get(extra[0]!)!;
      if (!pod.terminating) this.terminatePod(pod);
      return;
    }
    for (let i = replicas - 1; i >= 0; i--) {
      const pod = byOrdinal.get(i)!;
      if (pod.revision !== w.revision) {
        this.terminatePod(pod);
        return;
      }
    }
  }

  private checkProgressDeadline(w: SimWorkload, _version: number): void {
    if (this.workloads.get(w.name) !== w || w.failed) return;
    if (this.t < w.lastProgressAt + w.spec.progressDeadlineSeconds) return;
    const summary = this.summary(w.name)!;
    if (summary.status === "Current") return;
    w.failed = true;
    this.touch(w);
    this.record(
      "Warning",
      "ProgressDeadlineExceeded",
      `Deployment/${w.name}`,
      `ReplicaSet "${w.name}-${w.revision}" has timed out progressing.`,
      w.name,
    );
  }

  // ---------------------------------------------------------------------------------------------
  // Pods

  private createPod(w: SimWorkload, queue: boolean, ordinal?: number): SimPod {
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
      createdAt: this.t,
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
    this.touch(w);
    if (spec.persistent && !w.system) {
      const volumeName = isSts ? `data-${w.name}-${ord}` : `${w.name}-data`;
      if (!this.volumeMap.has(volumeName)) {
        const volume: VolumeStatus = { name: volumeName, workload: w.name };
        if (spec.storage !== undefined) volume.size = spec.storage;
        this.volumeMap.set(volumeName, volume);
      }
    }
    if (queue) {
      this.pending.push(pod);
      this.requestSchedule();
    }
    return pod;
  }

  private preloadPod(spec: WorkloadSpec, node: SimNode, system: boolean): void {
    const w = this.newWorkload(spec, system);
    const pod = this.createPod(w, false);
    this.bind(pod, node, false);
    this.startContainer(pod, false);
    pod.ready = true;
  }

  private requestSchedule(): void {
    if (this.scheduleQueued) return;
    this.scheduleQueued = true;
    this.at(0, { k: "schedule" });
  }

  /** core's scheduling cycle (filter, score, selectHost) for the pod over the simulated nodes. */
  private scheduleCycle(pod: SimPod): { node?: SimNode; message?: string } {
    const schedulingPod: SchedulingPod = { request: pod.request, priority: pod.spec.priority };
    return scheduleOne(schedulingPod, this.nodeList, this.tieBreak, (node, priority) =>
      lowerPriorityPods([...node.pods].map((p) => ({ priority: p.spec.priority, request: p.request })), priority),
    );
  }

  private pickNode(pod: SimPod): SimNode | undefined {
    return this.scheduleCycle(pod).node;
  }

  /**
   * Condition taints (pkg/controller/nodelifecycle): a NotReady node gets
   * node.kubernetes.io/unreachable, a node under MemoryPressure node.kubernetes.io/memory-pressure
   * (TaintNodesByCondition), both NoSchedule. App pods tolerate neither: the toleration for the
   * memory-pressure taint comes from the PodTolerationRestriction admission plugin, off by default.
   */
  private refreshTaints(node: SimNode): void {
    node.taints = [...node.baseTaints];
    if (!node.ready) node.taints.push(UNREACHABLE_TAINT);
    if (node.memoryPressure) node.taints.push(MEMORY_PRESSURE_TAINT);
  }

  /**
   * One scheduling pass over the pending pods, higher priority first, then oldest first (the
   * active queue's ordering, pkg/scheduler/framework/plugins/queuesort). Pods that do not fit
   * stay Pending with a FailedScheduling event (recorded again only when the message changes)
   * and are retried whenever resources are freed.
   */
  private schedulePending(): void {
    if (this.pending.length === 0) return;
    const queue = this.pending;
    this.pending = [];
    queue.sort((a, b) => b.spec.priority - a.spec.priority || a.createdAt - b.createdAt);
    for (const pod of queue) {
      if (pod.gone || pod.terminating || pod.node) continue;
      const { node, message } = this.scheduleCycle(pod);
      if (node) {
        this.bind(pod, node, true);
        continue;
      }
      if (!pod.unschedulable || pod.message !== message) {
        this.record("Warning", "FailedScheduling", `Pod/${pod.name}`, message!, pod.workload.name);
      }
      pod.unschedulable = true;
      pod.reason = "Unschedulable";
      pod.message = message;
      this.touch(pod.workload);
      this.pending.push(pod);
    }
  }

  private bind(pod: SimPod, node: SimNode, withEvents: boolean): void {
    pod.node = node;
    pod.unschedulable = false;
    pod.reason = undefined;
    pod.message = undefined;
    node.pods.add(pod);
    node.requested.memory += pod.request.memory;
    node.requested.cpu += pod.request.cpu;
    node.nonZeroRequested.memory += pod.nonZero.memory;
    node.nonZeroRequested.cpu += pod.nonZero.cpu;
    this.touch(pod.workload);
    if (withEvents) {
      this.record("Normal", "Scheduled", `Pod/${pod.name}`, `Successfully assigned ${this.namespace}/${pod.name} to ${node.name}`, pod.workload.name, node.name);
      this.at(CONTAINER_START_SECONDS, { k: "start", pod, epoch: pod.epoch });
    }
  }

  /** The fault of this kind on `service`; with `pod`, only when the pod runs what the rollout applied. */
  private faultFor(service: string, kind: Fault["kind"], pod?: SimPod): Fault | undefined {
    if (pod && pod.revision === pod.workload.baselineRevision) return undefined;
    for (const f of this.faults) if (f.kind === kind && "service" in f && f.service === service) return f;
    return undefined;
  }

  private startContainer(pod: SimPod, withEvents: boolean): void {
    const node = pod.node!;
    if (!node.ready) return;
    pod.phase = "Running";
    pod.containerRunning = true;
    pod.startedAt = this.t;
    pod.epoch++;
    const spec = pod.spec;
    const w = pod.workload;
    // Usage: the plan's expected steady usage, reached at start (documented simplification).
    let memory = spec.expected.usage.memory;
    if (this.faultFor(w.name, "oom", pod)) memory = spec.limits.memory !== undefined ? spec.limits.memory * 2 : node.capacity.memory;
    pod.wantedCpu = spec.expected.usage.cpu;
    const cpu = spec.limits.cpu !== undefined ? Math.min(pod.wantedCpu, spec.limits.cpu) : pod.wantedCpu;
    this.setUsage(pod, memory, cpu);
    if (this.faultFor(w.name, "memory-growth", pod)) {
      pod.growing = true;
      this.growingPods.add(pod);
      this.requestUsageTick();
    }
    this.touch(w);
    if (withEvents) {
      this.record("Normal", "Started", `Pod/${pod.name}`, `Started container ${w.name}`, w.name, node.name);
    }
    // Memory over the limit: the kernel OOM-kills the container (exit 137); CPU over the limit
    // is only throttled (CFS quota), never killed.
    if (spec.limits.memory !== undefined && memory > spec.limits.memory) {
      this.at(OOM_AFTER_SECONDS, { k: "exit", pod, epoch: pod.epoch, reason: "OOMKilled", exitCode: 137 });
      return;
    }
    const crash = this.faultFor(w.name, "crash", pod) as { at?: number } | undefined;
    if (crash && crash.at === undefined) {
      const crashAfter = Math.max(1, Math.round(this.startupFor(w.name, spec, pod) / 2));
      this.at(crashAfter, { k: "exit", pod, epoch: pod.epoch, reason: "Error", exitCode: 1 });
    }
    if (!withEvents) return;
    // The app is up after its start-up time (startup × (1 ± 20 %), seeded jitter).
    const jitter = 1 + (this.random() * 2 - 1) * STARTUP_JITTER;
    const upAfter = this.startupFor(w.name, spec, pod) * jitter;
    const started = startupProbeOutcome(spec.startupProbe, upAfter);
    if (started.killAt !== undefined) {
      this.at(started.killAt, { k: "startupKill", pod, epoch: pod.epoch });
      return;
    }
    // Readiness: probes run at start + initialDelay + k·period and count only once the startup
    // probe has succeeded (pkg/kubelet/prober/worker.go skips them until the container is
    // Started); readiness fails until the first probe after that; successThreshold 1.
    const probe = spec.readinessProbe;
    if (!probe) {
      // No readiness probe: Ready once the container runs and has started (kubelet prober_manager).
      this.at(started.startedAt, { k: "probe", pod, epoch: pod.epoch });
      return;
    }
    const from = Math.max(upAfter, started.startedAt);
    const k = Math.max(0, Math.ceil((from - probe.initialDelaySeconds) / probe.periodSeconds));
    this.at(probe.initialDelaySeconds + k * probe.periodSeconds, { k: "probe", pod, epoch: pod.epoch });
  }

  /**
   * The startup probe failed `failureThreshold` times in a row: the kubelet kills the container
   * and restarts it under the pod's restart policy (pkg/kubelet/kuberuntime/kuberuntime_manager.go
   * computePodActions: "failed startup probe, will be restarted"). The container gets the pod's
   * grace period to stop, the same worst case as every termination here.
   */
  private startupProbeFailed(pod: SimPod): void {
    const w = pod.workload;
    const node = pod.node!;
    const probe = pod.spec.startupProbe!;
    this.record("Warning", "Unhealthy", `Pod/${pod.name}`, `Startup probe failed: ${probe.failureThreshold} consecutive failures, ${probe.periodSeconds}s apart`, w.name, node.name);
    this.record("Normal", "Killing", `Pod/${pod.name}`, `Container ${w.name} failed startup probe, will be restarted`, w.name, node.name);
    this.at(pod.spec.terminationGracePeriodSeconds, { k: "exit", pod, epoch: pod.epoch, reason: "Error", exitCode: 137 });
  }

  /** @internal start-up time including a slow-start fault (on pods the rollout applied). */
  startupFor(service: string, spec: WorkloadSpec, pod?: SimPod): number {
    const slow = this.faultFor(service, "slow-start", pod) as { seconds: number } | undefined;
    return slow ? slow.seconds : spec.expected.startupSeconds;
  }

  private readinessProbe(pod: SimPod): void {
    if (!pod.containerRunning || pod.terminating) return;
    if (this.faultFor(pod.workload.name, "unready", pod)) {
      const port = pod.spec.port ?? 8080;
      this.record("Warning", "Unhealthy", `Pod/${pod.name}`, `Readiness probe failed: dial tcp ${pod.node!.name}:${port}: connect: connection refused`, pod.workload.name, pod.node!.name);
      return;
    }
    if (pod.ready) return;
    pod.ready = true;
    this.touch(pod.workload);
    this.record("Normal", "Ready", `Pod/${pod.name}`, `Container ${pod.workload.name} is Ready`, pod.workload.name, pod.node!.name);
    this.markProgress(pod.workload);
    this.queueReconcile(pod.workload);
  }

  private setUsage(pod: SimPod, memory: number, cpu: number): void {
    const node = pod.node;
    if (node) {
      node.usedMemory += memory - pod.usageMemory;
      node.usedCpu += cpu - pod.usageCpu;
    }
    pod.usageMemory = memory;
    pod.usageCpu = cpu;
    if (node && (this.kind ? this.hostMemoryUsed() > this.hostMemory : node.usedMemory > node.allocatable.memory)) this.requestEvictionCycle();
  }

  private containerExited(pod: SimPod, reason: "OOMKilled" | "Error", exitCode: number): void {
    const w = pod.workload;
    const node = pod.node!;
    const ranFor = this.t - pod.startedAt;
    pod.containerRunning = false;
    pod.ready = false;
    pod.epoch++;
    pod.reason = reason;
    pod.growing = false;
    this.growingPods.delete(pod);
    this.setUsage(pod, 0, 0);
    this.touch(w);
    if (reason === "OOMKilled") {
      this.record("Warning", "OOMKilled", `Pod/${pod.name}`, `Container ${w.name} was OOMKilled (exit code ${exitCode}): memory limit ${formatMi(pod.spec.limits.memory)}`, w.name, node.name);
    } else {
      this.record("Warning", "BackOff", `Pod/${pod.name}`, `Container ${w.name} exited with code ${exitCode} (Error)`, w.name, node.name);
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
      this.record("Warning", "BackOff", `Pod/${pod.name}`, `Back-off ${delay}s restarting failed container ${w.name} in pod ${pod.name}`, w.name, node.name);
    }
    this.at(delay, { k: "restart", pod, epoch: pod.epoch });
    this.queueReconcile(w);
  }

  private terminatePod(pod: SimPod): void {
    if (pod.gone || pod.terminating) return;
    const w = pod.workload;
    pod.terminating = true;
    pod.ready = false;
    pod.epoch++;
    this.touch(w);
    const node = pod.node;
    if (!node) {
      // Never scheduled: deleted at once.
      this.podGone(pod);
      return;
    }
    node.terminatingRequested.memory += pod.request.memory;
    node.terminatingRequested.cpu += pod.request.cpu;
    if (!pod.containerRunning) {
      this.at(0, { k: "gone", pod, epoch: pod.epoch });
      return;
    }
    this.record("Normal", "Killing", `Pod/${pod.name}`, `Stopping container ${w.name}`, w.name, node.name);
    // The app gets SIGTERM and the full terminationGracePeriodSeconds (30 s) before SIGKILL;
    // the simulation assumes the worst case (shell-wrapped entrypoints ignore SIGTERM).
    this.at(pod.spec.terminationGracePeriodSeconds, { k: "gone", pod, epoch: pod.epoch });
  }

  /** The pod object is deleted: its requests leave the node and pending pods are retried. */
  private podGone(pod: SimPod): void {
    pod.gone = true;
    pod.containerRunning = false;
    pod.ready = false;
    this.growingPods.delete(pod);
    const node = pod.node;
    if (node) {
      this.setUsage(pod, 0, 0);
      node.pods.delete(pod);
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
    this.touch(w);
    if (this.workloads.get(w.name) === w) this.queueReconcile(w);
    if (this.pending.length > 0) this.requestSchedule();
  }

  // ---------------------------------------------------------------------------------------------
  // Node pressure (pkg/kubelet/eviction)

  private requestEvictionCycle(): void {
    if (this.evictionQueued) return;
    this.evictionQueued = true;
    const next = Math.floor(this.t / EVICTION_MONITORING_SECONDS + 1) * EVICTION_MONITORING_SECONDS;
    this.queue.push(next, { k: "evictionCycle" });
  }

  /**
   * memory.available = capacity − reserved(kube+system) − pods' usage; the signal fires when it
   * drops below the hard threshold (100Mi), i.e. when pods use more than allocatable. The kubelet
   * then evicts one pod per monitoring cycle, ranked (eviction/helpers.go rankMemoryPressure):
   * usage above request first, then lower priority, then larger usage − request.
   */
  private evictionCycle(): void {
    if (this.kind) return this.hostOomCycle();
    let again = false;
    for (const node of this.nodeList) {
      const pressure = node.ready && node.usedMemory > node.allocatable.memory;
      if (pressure !== node.memoryPressure) {
        node.memoryPressure = pressure;
        this.refreshTaints(node);
      }
      if (!pressure) continue;
      const victim = this.rankForEviction([node]);
      if (!victim) continue;
      again = true;
      this.evict(victim, node);
    }
    if (again) this.requestEvictionCycle();
  }

  /**
   * kind: every node is a container on one Docker host and reports the host's memory (kind#2805),
   * and the kubelet has no memory threshold, so no node reports MemoryPressure. When the pods of all
   * nodes together use more than the host has, the kernel OOM killer kills a container — chosen here
   * with the eviction ranking over every node (an approximation of oom_score).
   */
  private hostOomCycle(): void {
    if (this.hostMemoryUsed() <= this.hostMemory) return;
    const victim = this.rankForEviction(this.nodeList.filter((n) => n.ready));
    if (!victim) return;
    this.at(0, { k: "exit", pod: victim, epoch: victim.epoch, reason: "OOMKilled", exitCode: 137 });
    this.requestEvictionCycle();
  }

  private hostMemoryUsed(): number {
    let used = 0;
    for (const node of this.nodeList) used += node.usedMemory;
    return used;
  }

  private rankForEviction(nodes: readonly SimNode[]): SimPod | undefined {
    let best: SimPod | undefined;
    for (const node of nodes) {
      for (const pod of node.pods) {
        if (pod.terminating || !pod.containerRunning || pod.system) continue;
        if (!best || evictionBefore(pod, best)) best = pod;
      }
    }
    return best;
  }

  private evict(pod: SimPod, node: SimNode): void {
    const w = pod.workload;
    this.record(
      "Warning",
      "Evicted",
      `Pod/${pod.name}`,
      `The node was low on resource: memory. Threshold quantity: ${formatMi(node.evictionThreshold)}, available: ${formatMi(Math.max(0, node.allocatable.memory + node.evictionThreshold - node.usedMemory))}. Container ${w.name} was using ${formatMi(pod.usageMemory)}, request is ${formatMi(pod.request.memory)}.`,
      w.name,
      node.name,
    );
    // Hard eviction kills at once (grace period 0); the pod ends Failed/Evicted and its
    // controller creates a replacement.
    pod.phase = "Failed";
    pod.reason = "Evicted";
    pod.message = "The node was low on resource: memory.";
    w.failedPods.push(pod);
    if (w.failedPods.length > 20) w.failedPods.shift();
    pod.epoch++;
    this.podGone(pod);
  }

  private requestUsageTick(): void {
    if (this.usageTickQueued) return;
    this.usageTickQueued = true;
    this.at(EVICTION_MONITORING_SECONDS, { k: "usageTick" });
  }

  /** Memory-growth faults: usage rises linearly from container start; checked every 10 s. */
  private usageTick(): void {
    for (const pod of this.growingPods) {
      const fault = this.faultFor(pod.workload.name, "memory-growth", pod) as { bytesPerSecond: number } | undefined;
      if (!fault || !pod.containerRunning) continue;
      const memory = Math.round(pod.spec.expected.usage.memory + fault.bytesPerSecond * (this.t - pod.startedAt));
      this.setUsage(pod, memory, pod.usageCpu);
      const limit = pod.spec.limits.memory;
      if (limit !== undefined && memory > limit) this.at(0, { k: "exit", pod, epoch: pod.epoch, reason: "OOMKilled", exitCode: 137 });
    }
    if (this.growingPods.size > 0) this.requestUsageTick();
  }

  private crashService(service: string): void {
    const w = this.workloads.get(service);
    if (!w) return;
    for (const pod of w.pods) {
      if (pod.revision === w.baselineRevision) continue; // the release before the rollout keeps running
      if (pod.containerRunning && !pod.terminating) this.at(0, { k: "exit", pod, epoch: pod.epoch, reason: "Error", exitCode: 1 });
    }
  }

  private nodeDown(node: SimNode, seconds: number): void {
    node.ready = false;
    this.refreshTaints(node);
    this.record("Warning", "NodeNotReady", `Node/${node.name}`, `Node ${node.name} status is now: NodeNotReady (restarting)`, undefined, node.name);
    for (const pod of node.pods) {
      pod.containerRunning = false;
      pod.ready = false;
      pod.epoch++;
      this.growingPods.delete(pod);
      this.setUsage(pod, 0, 0);
      this.touch(pod.workload);
    }
    this.at(seconds, { k: "nodeUp", node });
  }

  private nodeUp(node: SimNode): void {
    node.ready = true;
    this.refreshTaints(node);
    this.record("Normal", "NodeReady", `Node/${node.name}`, `Node ${node.name} status is now: NodeReady`, undefined, node.name);
    for (const pod of node.pods) {
      if (pod.terminating) {
        this.at(0, { k: "gone", pod, epoch: pod.epoch });
        continue;
      }
      pod.restarts++;
      this.at(CONTAINER_START_SECONDS, { k: "start", pod, epoch: pod.epoch });
    }
    if (this.pending.length > 0) this.requestSchedule();
  }

  // ---------------------------------------------------------------------------------------------
  // Read side

  private summary(name: string): WorkloadSummary | undefined {
    const w = this.workloads.get(name);
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
    }
    summary.status = status;
    w.cached = summary;
    w.cachedVersion = w.version;
    return summary;
  }

  private resourcesOf(name: string): WorkloadResources | undefined {
    const w = this.workloads.get(name);
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

  private status(name: string): WorkloadStatus | undefined {
    const summary = this.summary(name);
    if (!summary) return undefined;
    const w = this.workloads.get(name)!;
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

  private nodeStatuses(): NodeStatus[] {
    return this.nodeList.map((n) => ({
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

  private eventsSince(sinceT: number): ClusterEvent[] {
    // Binary search: the log is in time order.
    let lo = 0;
    let hi = this.log.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.log[mid]!.t < sinceT) lo = mid + 1;
      else hi = mid;
    }
    return this.log.slice(lo);
  }

  /** Number of events recorded so far (cheap; lets callers page through `events`). */
  eventCount(): number {
    return this.log.length;
  }

  /** Events from index `from` on, without copying the whole log. */
  eventsFromIndex(from: number): readonly ClusterEvent[] {
    return this.log.slice(from);
  }

  private metrics(): ClusterMetrics {
    const services: ServiceMetrics[] = [];
    let latencySum = 0;
    let errorSum = 0;
    let serving = 0;
    const names = [...this.workloads.keys()].filter((n) => !this.workloads.get(n)!.system).sort();
    for (const name of names) {
      const w = this.workloads.get(name)!;
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
        const d = this.summary(dep);
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
      t: this.t,
      services,
      averageLatencyMs: serving > 0 ? Math.round((latencySum / serving) * 10) / 10 : 0,
      errorRate: serving > 0 ? Math.round((errorSum / serving) * 10) / 10 : 0,
    };
  }

  private validateSync(service: Service): ValidationOutcome {
    const summary = this.summary(service.name);
    if (!summary) throw new ClusterError(`validate: ${service.name} is not deployed`);
    if (summary.readyReplicas === 0) return { service: service.name, ok: false, message: `${service.name}: no Ready pod to validate` };
    const w = this.workloads.get(service.name)!;
    if (w.revision !== w.baselineRevision && this.faultFor(service.name, "validation-fail")) {
      return { service: service.name, ok: false, message: `${service.name}: ${validationLabel(service)} failed (injected fault validation-fail)` };
    }
    return { service: service.name, ok: true, message: `${service.name}: ${validationLabel(service)} ok (simulated)` };
  }
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

/** rankMemoryPressure order: exceeds-request first, then lower priority, then larger usage − request. */
function evictionBefore(a: SimPod, b: SimPod): boolean {
  const aOver = a.usageMemory > a.request.memory;
  const bOver = b.usageMemory > b.request.memory;
  if (aOver !== bOver) return aOver;
  if (a.spec.priority !== b.spec.priority) return a.spec.priority < b.spec.priority;
  const da = a.usageMemory - a.request.memory;
  const db = b.usageMemory - b.request.memory;
  if (da !== db) return da > db;
  return a.name < b.name;
}

/** controller.ActivePods ordering for scale-down: unscheduled, then not ready, then newest. */
function sortForScaleDown(pods: SimPod[]): SimPod[] {
  return [...pods].sort((a, b) => {
    if (!a.node !== !b.node) return a.node ? 1 : -1;
    if (a.ready !== b.ready) return a.ready ? 1 : -1;
    return b.createdAt - a.createdAt || (a.name < b.name ? 1 : -1);
  });
}

function formatMi(bytes: number | undefined): string {
  if (bytes === undefined) return "none";
  return `${Math.round((bytes / Mi) * 10) / 10}Mi`;
}

function cloneSpec(spec: WorkloadSpec): WorkloadSpec {
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
