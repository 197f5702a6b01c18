/**
 * What one rehearsal (or real rollout) produced. Everything here is plain data in a fixed key
 * order so that `JSON.stringify(result)` is byte-identical for the same plan, faults and seed.
 *
 * Times (`t`, `startedAt`, ...) are seconds since the rollout started (simulated seconds on the
 * simulated cluster). Memory is in bytes, CPU in millicores, percentages 0–100.
 */

export type Verdict = "succeeded" | "rolled-back" | "failed";

export type PhaseStatus = "succeeded" | "failed" | "rolled-back" | "skipped";

/**
 * - succeeded: applied, Ready and validated;
 * - resumed: completed by an earlier, interrupted run (`resumeFrom`), not touched again;
 * - failed: this step caused the failure;
 * - rolled-back: completed, then undone by the rollback;
 * - skipped: never started because the rollout stopped before it.
 */
export type StepStatus = "succeeded" | "resumed" | "failed" | "rolled-back" | "skipped";

export type ResultEventType =
  // Kubernetes-like events reported by the cluster.
  | "Scheduled"
  | "FailedScheduling"
  | "Started"
  | "Ready"
  | "OOMKilled"
  | "BackOff"
  | "Evicted"
  | "Killing"
  | "Unhealthy"
  | "ProgressDeadlineExceeded"
  | "NodeNotReady"
  | "NodeReady"
  // Rollout engine events.
  | "PhaseStarted"
  | "PhaseSucceeded"
  | "PhaseFailed"
  | "GatePassed"
  | "GateFailed"
  | "ValidationPassed"
  | "ValidationFailed"
  | "RollbackTriggered"
  | "RolledBack";

export interface ResultEvent {
  t: number;
  type: ResultEventType;
  service?: string;
  node?: string;
  message: string;
}

/**
 * One gate measurement. `by`: "requests" and "usage" for memory/cpu (percent of allocatable),
 * "readiness" for the healthy share (percent of services deployed so far that are Ready).
 */
export interface GateCheck {
  metric: "memory" | "cpu" | "healthy";
  threshold: number;
  actual: number;
  by: "requests" | "usage" | "readiness";
  passed: boolean;
}

export interface GateResult {
  passed: boolean;
  checks: GateCheck[];
}

export interface StepResult {
  service: string;
  /** Name of the batch the step belongs to. */
  batch: string;
  status: StepStatus;
  startedAt?: number;
  readyAt?: number;
  /** Why the step failed, when it did. */
  message?: string;
}

export interface PhaseResult {
  name: string;
  status: PhaseStatus;
  startedAt?: number;
  endedAt?: number;
  gate?: GateResult;
  steps: StepResult[];
}

export interface MemorySample {
  t: number;
  /** Sums over all nodes (system pods included). */
  requestedBytes: number;
  usedBytes: number;
  allocatableBytes: number;
}

export type FailureReason =
  | "Unschedulable"
  | "ProgressDeadlineExceeded"
  | "CrashLoopBackOff"
  | "ValidationFailed"
  | "GateFailed"
  | "RollbackTrigger"
  | "StepTimeout"
  /** ErrImagePull, ImagePullBackOff, CreateContainerConfigError...: the container cannot start. */
  | "ContainerStartFailed";

export interface Failure {
  reason: FailureReason;
  message: string;
  service?: string;
  phase?: string;
  /**
   * Seconds from the start of the failing step's wait (its batch was applied) or of the phase's
   * settle window, to detection. For a rollback trigger this includes the `rollback.for` window
   * during which its condition had to hold, and the time before the condition first held.
   */
  detectionSeconds: number;
  /** Why, from the cluster: the failing service's pods, their last events and container logs. */
  diagnosis?: PodDiagnosis[];
}

/** One pod of a failed step: its state, last events and (real clusters) the tail of its logs. */
export interface PodDiagnosis {
  pod: string;
  phase: string;
  reason?: string;
  message?: string;
  restarts: number;
  /** The pod's last events, oldest first: "<reason>: <message>". */
  events: string[];
  /** Per container: the last lines of the running and of the previous (crashed) instance, redacted. */
  logs?: { container: string; current: string[]; previous: string[] }[];
}

/** `kept`: another plan owns the workload; it was left as it was. */
export type RollbackAction = "removed" | "restored" | "unchanged" | "kept";

export interface RollbackResult {
  scope: "phase" | "all";
  startedAt: number;
  endedAt: number;
  /**
   * Services in the order they were rolled back (reverse dependency order). `restored`: the
   * previous revision was re-applied; `unchanged`: re-applying it changed nothing (the workload
   * was already at that revision); `removed`: new in this rollout, deleted with its volumes kept.
   */
  services: { service: string; action: RollbackAction; ok: boolean }[];
  /** False when the rollback ran out of `plan.rollback.timeoutSeconds` or a service did not settle. */
  completed: boolean;
}

export interface NodeSummary {
  name: string;
  allocatableMemory: number;
  allocatableCpu: number;
  requestedMemory: number;
  requestedCpu: number;
  usedMemory: number;
  usedCpu: number;
  pods: number;
}

export interface SimulationResult {
  plan: string;
  verdict: Verdict;
  seed: number;
  durationSeconds: number;
  phases: PhaseResult[];
  events: ResultEvent[];
  memory: MemorySample[];
  failure?: Failure;
  rollback?: RollbackResult;
  nodes: NodeSummary[];
}
