/**
 * The simulated cluster's state: nodes, pods and workloads as plain records, the events of its
 * queue, and the timing constants. The behaviour lives beside it: scheduler.ts, controllers.ts,
 * kubelet.ts, eviction.ts and views.ts, all working on one SimContext (context.ts).
 */
import { evictionHardMemory } from "@openpolicy/core";
import type { WorkloadSummary } from "../cluster.js";
import type { WorkloadSpec } from "../workload-spec.js";
import type { Fault } from "../../faults/fault.js";

const Mi = 1024 * 1024;

/** Default hard eviction threshold memory.available<100Mi (core's DEFAULT_EVICTION_HARD_MEMORY). */
export const DEFAULT_EVICTION_THRESHOLD_BYTES = evictionHardMemory("none");
/** Kubelet eviction manager monitoring period (--housekeeping / evictionMonitoringPeriod 10 s). */
export const EVICTION_MONITORING_SECONDS = 10;
/** Kubelet evictionPressureTransitionPeriod default (pkg/kubelet/apis/config/v1beta1/defaults.go): 5 min. */
export const EVICTION_PRESSURE_TRANSITION_SECONDS = 300;
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

export interface Res {
  memory: number;
  cpu: number;
}

export interface SimNode {
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
  /** Pods per spread key (`spreadKey`), terminating ones left out: PodTopologySpread's counts. */
  spread: Map<string, number>;
  ready: boolean;
  memoryPressure: boolean;
  /** The MemoryPressure condition holds until then, at least (evictionPressureTransitionPeriod). */
  pressureUntil: number;
}

export type PodPhaseInternal = "Pending" | "Running" | "Failed";

export interface SimPod {
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
  /**
   * status.nominatedNodeName: the node this pod preempted on, where it waits for its victims to go
   * (the scheduler tries it first); cleared once bound.
   */
  nominatedNode: SimNode | undefined;
  /** Deleted by the scheduler's preemption (the DisruptionTarget condition, reason PreemptionByScheduler). */
  preempted: boolean;
  /** status.startTime: when the kubelet took the pod (binding here); MoreImportantPod reads it. */
  boundAt: number;
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

export interface SimWorkload {
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

export type SimEvent =
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

export function formatMi(bytes: number | undefined): string {
  if (bytes === undefined) return "none";
  return `${Math.round((bytes / Mi) * 10) / 10}Mi`;
}
