/**
 * The one interface the rollout engine drives. Two implementations: the discrete-event
 * `SimulatedCluster` (./simulated) and, later, a real Kubernetes backend. Written in the style of
 * kind's provider and restic's backend interfaces: a small set of operations with a precise
 * contract, checked by the shared conformance suite (test/conformance/cluster-conformance.ts).
 *
 * Contract
 * --------
 * Idempotency
 *   - `apply(spec)` is declarative: applying the same spec twice is a no-op (`changed: false`, no
 *     new revision, no pod restarted). A spec that differs only in `replicas` scales without a
 *     new revision; any other pod-template change starts a rollout of a new revision. Applying an
 *     older spec again rolls back to it (the old revision's pods are reused when still present,
 *     as a Deployment reuses the ReplicaSet whose pod-template-hash matches).
 *   - `remove(name, opts)` deletes the workload and its pods; removing something absent succeeds.
 *     With `keepVolumes: true` (the only value the engine ever passes) PersistentVolumeClaims
 *     survive, so rollback never loses data.
 *
 * Time and timeouts
 *   - `now()` is seconds since the cluster was created. On the simulated cluster these are
 *     simulated seconds: the clock advances only by processing events inside `waitFor`; nothing
 *     sleeps and no other method moves time. On a real cluster it is wall-clock time.
 *   - Every wait takes a timeout in seconds (`waitFor(check, timeoutSeconds)`). A timeout is an
 *     expected outcome and is *returned* (`{ done: false }`), never thrown.
 *
 * Errors
 *   - Outcomes of the rollout (Pending pods, crash loops, failed validation, timeouts) are data
 *     in the returned values and in `events()`.
 *   - Thrown (`ClusterError`): the request itself is wrong or could not be carried out (invalid
 *     spec, unknown service in `validate`, lost connection to a real API server). Messages start
 *     with `cluster: `.
 *
 * Observation
 *   - `waitFor(check)` calls `check(view)` with a synchronous, read-only snapshot after every
 *     change (simulated: after all events of one instant; real: after each watch event or poll)
 *     and resolves with the first value other than `undefined`. The check must not mutate the
 *     cluster. The same `ClusterView` is what the async accessors below read from.
 *   - All lists are in a stable order (nodes by name, pods by name, events by time then arrival),
 *     so results built from them are deterministic.
 */
import type { Service } from "@openpolicy/core";
import type { WorkloadSpec } from "./workload-spec.js";

export type { WorkloadSpec } from "./workload-spec.js";

export class ClusterError extends Error {
  constructor(message: string) {
    super(message.startsWith("cluster: ") ? message : `cluster: ${message}`);
    this.name = "ClusterError";
  }
}

/**
 * Container waiting reasons that do not heal by waiting (kubelet images/pull.go, kuberuntime
 * container start): the image cannot be pulled, or a referenced Secret/ConfigMap is missing. A
 * step fails at once with the reason rather than waiting out its deadline.
 */
export const CONTAINER_START_FAILURES: ReadonlySet<string> = new Set(["ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull", "CreateContainerConfigError"]);

export type PodPhase = "Pending" | "Running" | "Succeeded" | "Failed";

export interface PodStatus {
  name: string;
  node?: string;
  phase: PodPhase;
  ready: boolean;
  /** Being deleted: still holds its requests on the node until it is gone. */
  terminating: boolean;
  restarts: number;
  /** Last reason seen: FailedScheduling, OOMKilled, CrashLoopBackOff, Error, Evicted, ... */
  reason?: string;
  message?: string;
  /** Pod-template revision this pod runs (the pod-template-hash). */
  revision: string;
  ordinal?: number;
}

/**
 * kstatus-like summary (sigs.k8s.io/cli-utils pkg/kstatus/status): InProgress while the rollout
 * is under way, Current when every replica runs the current revision and is Ready, Failed when
 * the Deployment exceeded progressDeadlineSeconds (reason ProgressDeadlineExceeded).
 */
export type WorkloadPhase = "InProgress" | "Current" | "Failed";

export interface WorkloadSummary {
  name: string;
  kind: "Deployment" | "StatefulSet";
  status: WorkloadPhase;
  reason?: string;
  message?: string;
  revision: string;
  replicas: number;
  /** Pods (not terminating) of the current revision. */
  updatedReplicas: number;
  /** Ready pods of any revision (not terminating). */
  readyReplicas: number;
  /** Ready pods of the current revision. */
  updatedReadyReplicas: number;
  /** Pods that are Pending because the scheduler found no node (reason FailedScheduling). */
  unschedulablePods: number;
  /** Highest restart count among the workload's pods, and whether one is waiting in back-off. */
  maxRestarts: number;
  crashLooping: boolean;
  /** When the current revision was applied (seconds, cluster clock). */
  revisionAppliedAt: number;
}

export interface WorkloadStatus extends WorkloadSummary {
  pods: PodStatus[];
}

export interface Resources {
  /** bytes */
  memory: number;
  /** millicores */
  cpu: number;
}

export interface NodeStatus {
  name: string;
  capacity: Resources;
  allocatable: Resources;
  /** Sum of requests of pods bound to the node (terminating ones included, until gone). */
  requested: Resources;
  /** Of `requested`, what pods being terminated hold (freed within their grace period). */
  terminatingRequested: Resources;
  /** Current usage of the pods on the node. */
  used: Resources;
  pods: number;
  ready: boolean;
  memoryPressure: boolean;
}

export interface ClusterEvent {
  t: number;
  /** Kubernetes event type. */
  type: "Normal" | "Warning";
  reason: string;
  /** "Pod/<name>", "Deployment/<name>", "StatefulSet/<name>", "Node/<name>". */
  object: string;
  workload?: string;
  node?: string;
  message: string;
}

export interface ServiceMetrics {
  name: string;
  readyPods: number;
  /** Average request latency in milliseconds (0 when nothing serves). */
  latencyMs: number;
  /** Percent of requests failing, 0–100. */
  errorRate: number;
}

export interface ClusterMetrics {
  t: number;
  services: ServiceMetrics[];
  /** Mean over services with at least one Ready pod. */
  averageLatencyMs: number;
  /** Mean over the same services. */
  errorRate: number;
}

/**
 * What one workload's pods hold on the nodes: requests of the pods bound to a node (terminating
 * ones included, as in `NodeStatus.requested`) and their usage (metrics; the requests where the
 * cluster has none, as `NodeStatus.used` falls back). Gates subtract the later phases' share.
 */
export interface WorkloadResources {
  requested: Resources;
  used: Resources;
}

export interface VolumeStatus {
  name: string;
  workload: string;
  /** bytes, when the spec gave a size */
  size?: number;
}

export interface ValidationOutcome {
  service: string;
  ok: boolean;
  message: string;
}

export interface ApplyResult {
  /** False when the spec was already in place (idempotent no-op). */
  changed: boolean;
  revision: string;
}

export interface RemoveResult {
  /** Gone (or never there) — false only when another plan owns it. */
  removed: boolean;
  /** The plan that owns the workload, when it was left alone. */
  keptFor?: string;
}

export interface RemoveOptions {
  keepVolumes: boolean;
  /** Remove only if this plan owns the workload (label opdeploy.io/plan); another plan's is left alone. */
  owner?: string;
}

export type WaitResult<T> = { done: true; value: T; t: number } | { done: false; t: number };

/** Synchronous read-only snapshot handed to `waitFor` checks. */
export interface ClusterView {
  now(): number;
  /** Cheap (no pod list); undefined when the workload does not exist. */
  workload(name: string): WorkloadSummary | undefined;
  workloadStatus(name: string): WorkloadStatus | undefined;
  workloadNames(): string[];
  /** Undefined when the workload does not exist. */
  workloadResources(name: string): WorkloadResources | undefined;
  nodes(): NodeStatus[];
  metrics(): ClusterMetrics;
  /** Events with `t >= sinceT`. */
  events(sinceT: number): ClusterEvent[];
  /**
   * Optional: the workloads that changed (summary, pods, existence) since `cursor` (start with 0),
   * and the cursor to pass next time. Lets a watcher of many workloads re-read only those that
   * changed; without it, watchers re-read every workload at each look.
   */
  changedWorkloads?(cursor: number): { cursor: number; names: string[] };
}

export interface Cluster {
  readonly name: string;
  now(): number;
  apply(spec: WorkloadSpec): Promise<ApplyResult>;
  /** `kept` names the owner when `options.owner` differs from the workload's plan: nothing was removed. */
  remove(name: string, options: RemoveOptions): Promise<RemoveResult>;
  workloadStatus(name: string): Promise<WorkloadStatus | undefined>;
  /** What the workload's pods request and use on the nodes; undefined when it does not exist. */
  workloadResources(name: string): Promise<WorkloadResources | undefined>;
  nodes(): Promise<NodeStatus[]>;
  events(sinceT: number): Promise<ClusterEvent[]>;
  volumes(): Promise<VolumeStatus[]>;
  observe(): Promise<ClusterMetrics>;
  /** Runs the service's own validation (postgres query, redis PING, HTTP GET ...). */
  validate(service: Service): Promise<ValidationOutcome>;
  waitFor<T>(check: (view: ClusterView) => T | undefined, timeoutSeconds: number): Promise<WaitResult<T>>;
  /**
   * Optional: the last `tailLines` lines of a pod's container log, of the running instance or of
   * the previous one (`previous`: the instance that crashed). Real clusters only; secrets are the
   * caller's to redact. Undefined when the log cannot be read (no such pod, no permission).
   */
  podLogs?(pod: string, options: { container?: string; previous?: boolean; tailLines: number }): Promise<{ container: string; lines: string[] }[] | undefined>;
  /** Releases connections (real) or nothing (simulated). */
  close(): Promise<void>;
}
