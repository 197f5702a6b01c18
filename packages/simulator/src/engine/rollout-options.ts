/** What a rollout is told: where it starts from, what to report, its timings and phase. */
import type { Phase, Plan } from "@openpolicy/core";
import type { WorkloadSource } from "../cluster/plan-workloads.js";
import type { WorkloadSpec } from "../cluster/workload-spec.js";

/** What `onStep` reports; the real backend persists these to resume an interrupted rollout. */
export interface StepUpdate {
  phase: string;
  batch: string;
  service: string;
  status: "started" | "ready" | "succeeded" | "failed" | "rolled-back";
  t: number;
  message?: string;
}

export interface RolloutOptions {
  /** The plan currently deployed (upgrade): rollback restores its revisions instead of removing. */
  from?: Plan;
  onStep?: (update: StepUpdate) => void | Promise<void>;
  /** Services whose steps an earlier, interrupted run completed: not applied again. */
  resumeFrom?: readonly string[];
  /** Seconds to keep watching the rollback triggers at the end of each phase before the gate. */
  settleSeconds?: number;
  /** A step fails once one of its pods restarted this many times (a crash loop that will not heal). */
  crashLoopRestarts?: number;
  /** Seconds between samples in `memory[]` (doubled when the sample count would exceed `maxSamples`). */
  sampleSeconds?: number;
  maxSamples?: number;
  /** Seconds between evaluations of the latency / error-rate triggers (a metrics scrape interval). */
  metricsSeconds?: number;
  /** Recorded in the result. */
  seed?: number;
  /**
   * Run only this phase of the plan (`deploy --phase`). Every service of the earlier phases must
   * already run on the cluster (else `PhasePrerequisiteError`); the later phases are left alone
   * and, as for every gate, kept out of this phase's gate.
   */
  phase?: string;
  /**
   * Where the specs come from (default: core's renderer for each plan, in the plan's namespace).
   * Both clusters get these specs, so a rehearsal runs the objects a deploy applies.
   */
  workloads?: WorkloadSource;
  /**
   * The exact specs to restore on rollback, per service (a deploy passes the objects recorded in
   * the previous revision); services not here are restored from `from` through `workloads`.
   */
  previous?: ReadonlyMap<string, WorkloadSpec>;
  /** Called at every look at the cluster while waiting: the rollout is alive (lease progress). */
  onObserve?: () => void;
  /**
   * Seconds a phase may take; a step still waiting at the phase's deadline fails with
   * StepTimeout. `deploy` derives it from the plan's `expected:` upper bound with a margin
   * (expected-durations.ts phaseTimeoutSeconds); undefined (the rehearsal): no phase deadline.
   */
  phaseTimeoutSeconds?: (phase: Phase) => number | undefined;
}


export const DEFAULT_SETTLE_SECONDS = 30;
export const DEFAULT_CRASH_LOOP_RESTARTS = 3;

