/**
 * The mutable state of one simulated cluster and the small services every part uses: the clock
 * and event queue, the event log, dirty-marking and the "queue once" requests.
 */
import type { ClusterEvent, VolumeStatus } from "../cluster.js";
import type { WorkloadSpec } from "../workload-spec.js";
import type { Fault } from "../../faults/fault.js";
import { EventQueue } from "./event-queue.js";
import { EVICTION_MONITORING_SECONDS, type SimEvent, type SimNode, type SimPod, type SimWorkload } from "./sim-types.js";

export class SimContext {
  t = 0;
  readonly queue = new EventQueue<SimEvent>();
  readonly workloads = new Map<string, SimWorkload>();
  /** Pods waiting for the scheduler, in creation order. */
  pending: SimPod[] = [];
  /** Pending pods with a nominated node: the scheduler's nominator (pkg/scheduler/backend/queue nominator.go). */
  readonly nominated = new Set<SimPod>();
  scheduleQueued = false;
  evictionQueued = false;
  usageTickQueued = false;
  readonly growingPods = new Set<SimPod>();
  readonly log: ClusterEvent[] = [];
  readonly volumeMap = new Map<string, VolumeStatus>();
  /** The scheduler's nextStartNodeIndex (core's numFeasibleNodesToFind, clusters of 100+ nodes). */
  readonly rotation = { nextStartNodeIndex: 0 };

  constructor(
    readonly namespace: string,
    /** Kubelet jitter. */
    readonly random: () => number,
    /** selectHost's tie-break, a stream of its own so kubelet jitter does not shift placements. */
    readonly tieBreak: () => number,
    readonly nodeList: SimNode[],
    readonly faults: readonly Fault[],
    readonly kind: boolean,
    /** kind: the Docker host's memory, which every node reports as its own and all share. */
    readonly hostMemory: number,
  ) {}

  at(delaySeconds: number, event: SimEvent): void {
    this.queue.push(this.t + delaySeconds, event);
  }

  record(type: "Normal" | "Warning", reason: string, object: string, message: string, workload?: string, node?: string): void {
    const event: ClusterEvent = { t: this.t, type, reason, object, message };
    if (workload !== undefined) event.workload = workload;
    if (node !== undefined) event.node = node;
    this.log.push(event);
  }

  queueReconcile(w: SimWorkload): void {
    if (w.reconcileQueued) return;
    w.reconcileQueued = true;
    this.at(0, { k: "reconcile", w });
  }

  /**
   * Names of the workloads that changed, in order (with repeats): lets a watcher re-read only
   * those (ClusterView.changedWorkloads) instead of every workload at every look.
   */
  readonly changes: string[] = [];

  touch(w: SimWorkload): void {
    w.version++;
    if (!w.system) this.changes.push(w.name);
  }

  markProgress(w: SimWorkload): void {
    w.lastProgressAt = this.t;
    if (w.spec.kind === "Deployment" && !w.system) {
      // progressDeadlineSeconds (pkg/controller/deployment/progress.go): Failed when no progress
      // was made for that long.
      this.at(w.spec.progressDeadlineSeconds, { k: "deadline", w, version: w.version });
    }
  }

  requestSchedule(): void {
    if (this.scheduleQueued) return;
    this.scheduleQueued = true;
    this.at(0, { k: "schedule" });
  }

  requestEvictionCycle(): void {
    if (this.evictionQueued) return;
    this.evictionQueued = true;
    const next = Math.floor(this.t / EVICTION_MONITORING_SECONDS + 1) * EVICTION_MONITORING_SECONDS;
    this.queue.push(next, { k: "evictionCycle" });
  }

  requestUsageTick(): void {
    if (this.usageTickQueued) return;
    this.usageTickQueued = true;
    this.at(EVICTION_MONITORING_SECONDS, { k: "usageTick" });
  }

  /** The fault of this kind on `service`; with `pod`, only when the pod runs what the rollout applied. */
  faultFor(service: string, kind: Fault["kind"], pod?: SimPod): Fault | undefined {
    if (pod && pod.revision === pod.workload.baselineRevision) return undefined;
    for (const f of this.faults) if (f.kind === kind && "service" in f && f.service === service) return f;
    return undefined;
  }

  /** @internal start-up time including a slow-start fault (on pods the rollout applied). */
  startupFor(service: string, spec: WorkloadSpec, pod?: SimPod): number {
    const slow = this.faultFor(service, "slow-start", pod) as { seconds: number } | undefined;
    return slow ? slow.seconds : spec.expected.startupSeconds;
  }
}
