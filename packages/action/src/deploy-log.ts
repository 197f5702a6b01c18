/**
 * The deploy as the job log shows it while it runs: one collapsible group per phase
 * (`::group::` / `::endgroup::`), a line per step as it is applied, becomes Ready, is validated
 * or fails, and — once the rollout ends — each phase's gate checks and the verdict.
 *
 * deployPlan reports a step as `<service>: <status>` (deploy-plan.ts, onStep); which phase a
 * service belongs to comes from the plan, so the groups follow the plan's own phases.
 */
import * as core from "@actions/core";
import type { Plan } from "@openpolicy/core";
import type { PhaseResult, SimulationResult } from "@openpolicy/simulator";
import { describeGateOutcome } from "@openpolicy/simulator";
import type { DeployProgress } from "@openpolicy/simulator/kubernetes";

/** What each engine step status means to a person reading the log. */
export const STEP_WORDS: Record<string, string> = {
  started: "applied",
  ready: "Ready",
  succeeded: "validated",
  failed: "FAILED",
  "rolled-back": "rolled back",
};

const STEP_LINE = /^(.+): (started|ready|succeeded|failed|rolled-back)$/;

export interface LogSink {
  info(line: string): void;
  startGroup(name: string): void;
  endGroup(): void;
}

const ACTIONS_LOG: LogSink = { info: core.info, startGroup: core.startGroup, endGroup: core.endGroup };


export class DeployLog {
  private openGroup: string | undefined;
  private readonly phaseOf = new Map<string, string>();

  constructor(
    plan: Plan,
    private readonly sink: LogSink = ACTIONS_LOG,
  ) {
    for (const phase of plan.phases) for (const batch of phase.batches) for (const service of batch.services) this.phaseOf.set(service, phase.name);
  }

  /** deployPlan's `onProgress`. */
  readonly onProgress = (progress: DeployProgress): void => {
    if (progress.kind === "step") {
      const step = STEP_LINE.exec(progress.message);
      const phase = step ? this.phaseOf.get(step[1]!) : undefined;
      if (step && phase) {
        this.enter(`phase ${phase}`);
        this.sink.info(`${step[1]}: ${STEP_WORDS[step[2]!]}`);
        return;
      }
    }
    if (progress.kind === "dry-run") {
      this.enter("server-side dry run (dryRun=All)");
      this.sink.info(progress.message);
      return;
    }
    this.close();
    this.sink.info(`opdeploy: ${progress.message}`);
  };

  /** rollbackPlan's `onProgress` (one line per service). */
  readonly onRollbackProgress = (message: string): void => {
    this.enter("rollback");
    this.sink.info(message);
  };

  /** After the rollout: each phase's status and gate, the failure, the automatic rollback. */
  result(result: SimulationResult): void {
    this.close();
    this.sink.startGroup(`gates and verdict: ${result.verdict}`);
    for (const phase of result.phases) this.sink.info(phaseLine(phase));
    if (result.failure) this.sink.info(`failure (${result.failure.reason}${result.failure.service ? `, ${result.failure.service}` : ""}): ${result.failure.message}`);
    if (result.rollback) {
      const services = result.rollback.services.map((s) => `${s.action} ${s.service}${s.ok ? "" : " (did not settle)"}`).join(", ");
      this.sink.info(`automatic rollback (scope ${result.rollback.scope}): ${services || "nothing to undo"}; ${result.rollback.completed ? "completed" : "NOT completed"}`);
    }
    this.sink.endGroup();
  }

  close(): void {
    if (this.openGroup === undefined) return;
    this.sink.endGroup();
    this.openGroup = undefined;
  }

  private enter(group: string): void {
    if (this.openGroup === group) return;
    this.close();
    this.sink.startGroup(group);
    this.openGroup = group;
  }
}

function phaseLine(phase: PhaseResult): string {
  const gate = phase.gate ? `gate ${phase.gate.passed ? "passed" : "FAILED"}${phase.gate.checks.length ? `: ${phase.gate.checks.map(describeGateOutcome).join(" · ")}` : ""}` : "no gate";
  return `phase ${phase.name}: ${phase.status}, ${gate}`;
}
