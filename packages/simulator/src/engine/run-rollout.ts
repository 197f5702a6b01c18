import type { Plan, Service, Batch } from "@openpolicy/core";
import { laterPhaseServices, measureGate } from "./gates.js";
import { checkPhasePrerequisites } from "./phase-prerequisites.js";
import { restoreServices } from "./restore.js";
import { describeGateOutcome } from "../report/timeline.js";
import { diagnoseService } from "./diagnose.js";
import { EventLog } from "./event-log.js";
import { MemorySampler } from "./memory-sampler.js";
import type { Outcome } from "./outcome.js";
import { RollbackTriggers } from "./rollback-triggers.js";
import { stepFailure } from "./step-failure.js";
import type { Cluster, ClusterView, NodeStatus, WaitResult } from "../cluster/cluster.js";
import type { WorkloadSpec } from "../cluster/workload-spec.js";
import type { WorkloadSource } from "../cluster/plan-workloads.js";
import { defaultPlanWorkloads } from "../cluster/plan-workloads.js";
import { planSlug } from "../deploy/plan-slug.js";
import type {
  Failure,
  FailureReason,
  GateResult,
  NodeSummary,
  PhaseResult,
  ResultEventType,
  RollbackResult,
  SimulationResult,
  StepResult,
} from "./result.js";

export type { RolloutOptions, StepUpdate } from "./rollout-options.js";
export { DEFAULT_CRASH_LOOP_RESTARTS, DEFAULT_SETTLE_SECONDS } from "./rollout-options.js";
import type { RolloutOptions, StepUpdate } from "./rollout-options.js";
import { DEFAULT_CRASH_LOOP_RESTARTS, DEFAULT_SETTLE_SECONDS } from "./rollout-options.js";

/**
 * Runs a plan against any `Cluster`: phases in order; inside a phase, batches in order and the
 * services of a batch in parallel. Each step: apply, wait for Ready (progress deadline, crash
 * loop and fail-fast scheduling checks), validate. At the end of a phase: settle, then the gate.
 * Rollback triggers are watched during every wait. On failure: rollback per `plan.rollback`.
 */
export async function runRollout(cluster: Cluster, plan: Plan, options: RolloutOptions = {}): Promise<SimulationResult> {
  const engine = new RolloutEngine(cluster, plan, options);
  return engine.run();
}

class RolloutEngine {
  private readonly startT: number;
  private readonly log: EventLog;
  private readonly memory: MemorySampler;
  private readonly triggers: RollbackTriggers;
  private readonly settleSeconds: number;
  private readonly crashLoopRestarts: number;
  /** The running phase's deadline (options.phaseTimeoutSeconds), in cluster time. */
  private phaseDeadline: { at: number; seconds: number } | undefined;
  /**
   * Services on the cluster that the unhealthy trigger and the healthy gate watch: those of the
   * plan (or of `from`) that already ran when the rollout started, then each one whose step
   * completed (this run or a resumed one), in order.
   */
  private readonly deployed = new Set<string>();
  /** Services applied by this rollout, with the batch they belonged to, in order. */
  private readonly applied: { service: string; phase: number; batch: number }[] = [];
  private readonly resumed: Set<string>;
  private failure: Failure | undefined;
  private readonly phaseResults: PhaseResult[];
  private readonly workloads: WorkloadSource;

  constructor(
    private readonly cluster: Cluster,
    private readonly plan: Plan,
    private readonly options: RolloutOptions,
  ) {
    this.startT = cluster.now();
    this.log = new EventLog(cluster, this.startT);
    this.memory = new MemorySampler(this.startT, options.sampleSeconds ?? 30, options.maxSamples ?? 1000);
    this.triggers = new RollbackTriggers(plan, this.startT, options.metricsSeconds ?? 10);
    this.settleSeconds = options.settleSeconds ?? DEFAULT_SETTLE_SECONDS;
    this.crashLoopRestarts = options.crashLoopRestarts ?? DEFAULT_CRASH_LOOP_RESTARTS;
    this.resumed = new Set(options.resumeFrom ?? []);
    this.workloads = options.workloads ?? defaultPlanWorkloads();
    this.phaseResults = plan.phases.map((phase) => ({
      name: phase.name,
      status: "skipped",
      steps: phase.batches.flatMap((batch) => batch.services.map((service): StepResult => ({ service, batch: batch.name, status: "skipped" }))),
    }));
  }

  private rel(t: number): number {
    return t - this.startT;
  }

  private emit(type: ResultEventType, message: string, service?: string): Promise<void> {
    return this.log.emit(type, message, service);
  }

  private service(name: string): Service {
    const service = this.plan.services.get(name);
    if (!service) throw new Error(`engine: plan names service ${JSON.stringify(name)} but does not define it`);
    return service;
  }

  async run(): Promise<SimulationResult> {
    const plan = this.plan;
    const [first, last] = await this.phaseRange();
    await this.recordBaseline();
    let failedPhase = -1;
    for (let p = first; p <= last; p++) {
      const ok = await this.runPhase(p);
      if (!ok) {
        failedPhase = p;
        break;
      }
    }
    let rollback: RollbackResult | undefined;
    if (failedPhase >= 0) rollback = await this.rollback(failedPhase);
    this.sample(await this.cluster.nodes(), this.cluster.now(), true);
    const nodes = await this.cluster.nodes();
    const verdict = this.failure === undefined ? "succeeded" : rollback?.completed ? "rolled-back" : "failed";
    const result: SimulationResult = {
      plan: plan.name,
      verdict,
      seed: this.options.seed ?? 0,
      durationSeconds: this.rel(this.cluster.now()),
      phases: this.phaseResults,
      events: await this.log.merged(),
      memory: this.memory.samples,
      nodes: [],
    };
    // Optional keys before nodes, so the JSON reads in the interface's order.
    delete (result as Partial<SimulationResult>).nodes;
    if (this.failure) result.failure = this.failure;
    if (rollback) result.rollback = rollback;
    result.nodes = nodes.map(nodeSummary);
    return result;
  }

  /** The phases to run: all, or the one `options.phase` names once the earlier ones are in place. */
  private async phaseRange(): Promise<[number, number]> {
    if (this.options.phase === undefined) return [0, this.plan.phases.length - 1];
    const index = await checkPhasePrerequisites(this.cluster, this.plan, this.options.phase);
    return [index, index];
  }

  /** The services (of the plan or of `from`) already running when the rollout starts. */
  private async recordBaseline(): Promise<void> {
    const names = new Set([...(this.options.from?.services.keys() ?? []), ...this.plan.services.keys()]);
    for (const name of names) {
      if (this.resumed.has(name)) continue; // added when its step is passed over
      if (await this.cluster.workloadStatus(name)) this.deployed.add(name);
    }
  }

  private async runPhase(p: number): Promise<boolean> {
    const phase = this.plan.phases[p]!;
    const result = this.phaseResults[p]!;
    result.startedAt = this.rel(this.cluster.now());
    const limit = this.options.phaseTimeoutSeconds?.(phase);
    this.phaseDeadline = limit !== undefined ? { at: this.cluster.now() + limit, seconds: limit } : undefined;
    await this.emit("PhaseStarted", `Phase ${phase.name} started`);
    this.sample(await this.cluster.nodes(), this.cluster.now(), true);
    for (let b = 0; b < phase.batches.length; b++) {
      const ok = await this.runBatch(p, b);
      if (!ok) return this.endPhase(p, false, `step failed: ${this.failure?.message ?? "unknown"}`);
    }
    // Settle: keep watching the triggers for a while before measuring the gate.
    const settleStart = this.cluster.now();
    // A breach still holding when the window ends is followed until it clears or lasts `for`.
    const settled = await this.waitWatching((view) => this.watch(view), this.settleSeconds, true);
    if (settled.done) {
      const outcome = settled.value;
      if (outcome.kind === "fail") {
        this.fail(outcome.reason, outcome.message, settleStart, phase.name, outcome.service);
        return this.endPhase(p, false, outcome.message);
      }
    }
    const gate = await this.evaluateGate(p);
    if (gate) {
      result.gate = gate;
      if (!gate.passed) {
        const failed = gate.checks.filter((c) => !c.passed).map(describeGateOutcome).join("; ");
        await this.emit("GateFailed", `Gate of phase ${phase.name} failed: ${failed}`);
        this.fail("GateFailed", `gate of phase ${phase.name} failed: ${failed}`, this.cluster.now(), phase.name);
        return this.endPhase(p, false, failed);
      }
      await this.emit("GatePassed", `Gate of phase ${phase.name} passed: ${gate.checks.map(describeGateOutcome).join("; ")}`);
    }
    return this.endPhase(p, true, "");
  }

  private async endPhase(p: number, ok: boolean, why: string): Promise<boolean> {
    const phase = this.plan.phases[p]!;
    const result = this.phaseResults[p]!;
    result.status = ok ? "succeeded" : "failed";
    result.endedAt = this.rel(this.cluster.now());
    await this.emit(ok ? "PhaseSucceeded" : "PhaseFailed", ok ? `Phase ${phase.name} succeeded` : `Phase ${phase.name} failed: ${why}`);
    return ok;
  }

  private stepOf(p: number, service: string): StepResult {
    return this.phaseResults[p]!.steps.find((s) => s.service === service)!;
  }

  private async report(update: StepUpdate): Promise<void> {
    if (this.options.onStep) await this.options.onStep(update);
  }

  private async runBatch(p: number, b: number): Promise<boolean> {
    const phase = this.plan.phases[p]!;
    const batch = phase.batches[b]!;
    const batchStart = this.cluster.now();
    const todo: Service[] = [];
    for (const name of batch.services) {
      const step = this.stepOf(p, name);
      if (this.resumed.has(name)) {
        step.status = "resumed";
        this.deployed.add(name);
        this.applied.push({ service: name, phase: p, batch: b });
        continue;
      }
      const service = this.service(name);
      step.startedAt = this.rel(batchStart);
      await this.cluster.apply(this.workloads(this.plan, service));
      this.applied.push({ service: name, phase: p, batch: b });
      todo.push(service);
      await this.report({ phase: phase.name, batch: batch.name, service: name, status: "started", t: step.startedAt });
    }
    if (todo.length === 0) return true;
    // Sample memory at the first look after this batch is applied, so the chart steps up when
    // the pods are scheduled rather than at the next periodic sample.
    this.memory.nextAt = Math.min(this.memory.nextAt, batchStart);
    const specs = new Map<string, WorkloadSpec>(todo.map((s) => [s.name, this.workloads(this.plan, s)]));
    const readyAt = new Map<string, number>();
    const stepTimeout = Math.max(...[...specs.values()].map((s) => s.progressDeadlineSeconds)) + 60;
    const timeout = this.phaseDeadline ? Math.min(stepTimeout, Math.max(0, this.phaseDeadline.at - this.cluster.now())) : stepTimeout;
    const waited = await this.waitWatching((view) => {
      const watched = this.watch(view);
      if (watched) return watched;
      let allReady = true;
      for (const [name, spec] of specs) {
        const w = view.workload(name);
        if (!w) return { kind: "fail", reason: "StepTimeout", service: name, message: `${name} disappeared during its rollout` } as Outcome;
        if (w.status === "Current") {
          if (!readyAt.has(name)) readyAt.set(name, view.now());
          continue;
        }
        allReady = false;
        const failed = stepFailure(view, w, spec, this.crashLoopRestarts);
        if (failed) return failed;
      }
      return allReady ? ({ kind: "ready" } as Outcome) : undefined;
    }, timeout);
    for (const [name, t] of readyAt) this.stepOf(p, name).readyAt = this.rel(t);
    if (!waited.done) {
      const slow = todo.find((s) => !readyAt.has(s.name));
      const late = timeout < stepTimeout ? ` when phase ${phase.name} reached its deadline of ${this.phaseDeadline!.seconds}s (its expected: upper bound with a margin)` : ` after ${timeout}s`;
      return this.stepFailed(p, b, "StepTimeout", `${slow?.name ?? batch.name} not Ready${late}`, batchStart, slow?.name);
    }
    const outcome = waited.value;
    if (outcome.kind === "fail") return this.stepFailed(p, b, outcome.reason, outcome.message, batchStart, outcome.service);
    for (const service of todo) {
      const step = this.stepOf(p, service.name);
      await this.report({ phase: phase.name, batch: batch.name, service: service.name, status: "ready", t: step.readyAt ?? this.rel(this.cluster.now()) });
    }
    // Validation of each service of the batch.
    for (const service of todo) {
      const validation = await this.cluster.validate(service);
      if (!validation.ok) {
        await this.emit("ValidationFailed", validation.message, service.name);
        return this.stepFailed(p, b, "ValidationFailed", validation.message, batchStart, service.name);
      }
      await this.emit("ValidationPassed", validation.message, service.name);
    }
    for (const service of todo) {
      const step = this.stepOf(p, service.name);
      step.status = "succeeded";
      this.deployed.add(service.name);
      await this.report({ phase: phase.name, batch: batch.name, service: service.name, status: "succeeded", t: this.rel(this.cluster.now()) });
    }
    return true;
  }

  private async stepFailed(p: number, b: number, reason: FailureReason, message: string, since: number, service?: string): Promise<boolean> {
    const phase = this.plan.phases[p]!;
    const batch = phase.batches[b]!;
    this.fail(reason, message, since, phase.name, service);
    if (service !== undefined && this.failure?.service === service) {
      const diagnosis = await diagnoseService(this.cluster, service, since).catch(() => []);
      if (diagnosis.length > 0) this.failure.diagnosis = diagnosis;
    }
    for (const name of batch.services) {
      const step = this.stepOf(p, name);
      if (step.status === "resumed") continue;
      step.status = "failed";
      // Each failed step says why: its own failure, or that its batch stopped for another's.
      step.message = name === service || service === undefined ? message : `stopped: ${service} failed in the same batch`;
      await this.report({ phase: phase.name, batch: batch.name, service: name, status: "failed", t: this.rel(this.cluster.now()), message });
    }
    return false;
  }

  private fail(reason: FailureReason, message: string, since: number, phase?: string, service?: string): void {
    if (this.failure) return;
    const failure: Failure = { reason, message, detectionSeconds: this.cluster.now() - since };
    if (service !== undefined) failure.service = service;
    if (phase !== undefined) failure.phase = phase;
    this.failure = failure;
  }

  /**
   * `cluster.waitFor(check, timeoutSeconds)`, woken up at each metrics scrape and at the moment a
   * pending trigger breach has lasted `forSeconds` — the cluster calls `check` only after changes,
   * and on a quiet cluster a breach must still be seen when it begins and fire on time. With
   * `followBreaches`, a breach still holding when the timeout is reached is followed until it
   * clears or fires.
   */
  private async waitWatching<T>(check: (view: ClusterView) => T | undefined, timeoutSeconds: number, followBreaches = false): Promise<WaitResult<T>> {
    const end = this.cluster.now() + timeoutSeconds;
    // Past the timeout (followBreaches only), stop as soon as no breach is pending any more.
    const STOP = Symbol("stop");
    const watched = (view: ClusterView): T | typeof STOP | undefined => {
      this.options.onObserve?.();
      const value = check(view);
      if (value !== undefined) return value;
      return followBreaches && view.now() >= end && !this.triggers.pending ? STOP : undefined;
    };
    for (;;) {
      const now = this.cluster.now();
      const due = this.triggers.nextDue(now);
      const limit = followBreaches && due !== undefined ? Math.max(end, due) : end;
      let wakeAt = due !== undefined ? Math.min(due, limit) : limit;
      if (this.triggers.scrapesMetrics && this.triggers.nextMetricsAt > now) wakeAt = Math.min(wakeAt, this.triggers.nextMetricsAt);
      const waited = await this.cluster.waitFor(watched, Math.max(0, wakeAt - now));
      if (waited.done) return waited.value === STOP ? { done: false, t: waited.t } : { done: true, value: waited.value, t: waited.t };
      const after = this.cluster.now();
      const dueAfter = this.triggers.nextDue(after);
      const limitAfter = followBreaches && dueAfter !== undefined ? Math.max(end, dueAfter) : end;
      // Stop at the limit, and when time did not move (nothing left to wait for) rather than spin.
      if (after >= limitAfter || after <= now) return waited;
    }
  }

  /** Samples memory when due and evaluates the rollback triggers (rollback-triggers.ts). */
  private watch(view: ClusterView): Outcome | undefined {
    const now = view.now();
    let nodes: NodeStatus[] | undefined;
    if (now >= this.memory.nextAt) {
      nodes = view.nodes();
      this.memory.sample(nodes, now, false);
    }
    return this.triggers.evaluate(view, this.deployed, nodes);
  }

  private sample(nodes: NodeStatus[], now: number, force: boolean): void {
    this.memory.sample(nodes, now, force);
  }

  /** The gate of phase `p`, measured apart from the plan's later phases (gates.ts). */
  private async evaluateGate(p: number): Promise<GateResult | undefined> {
    const gate = this.plan.phases[p]!.gate;
    if (!gate) return undefined;
    const nodes = await this.cluster.nodes();
    this.sample(nodes, this.cluster.now(), true);
    const later = laterPhaseServices(this.plan, p);
    const laterShares = [];
    for (const name of later) {
      const share = await this.cluster.workloadResources(name);
      if (share) laterShares.push(share);
    }
    const healthy: { name: string; ready: boolean }[] = [];
    if (gate.healthy !== undefined) {
      for (const name of this.deployed) {
        if (later.has(name)) continue;
        const w = await this.cluster.workloadStatus(name);
        healthy.push({ name, ready: w !== undefined && w.readyReplicas >= w.replicas });
      }
    }
    return measureGate(gate, nodes, laterShares, healthy);
  }

  /**
   * Undo in reverse dependency order (the reverse of the order steps were applied; batches
   * reversed, services of a batch in parallel): restore the `from` revision when there is one,
   * otherwise remove the workload, keeping its volumes. Bounded by `plan.rollback.timeoutSeconds`.
   */
  private async rollback(failedPhase: number): Promise<RollbackResult> {
    const scope = this.plan.rollback.scope;
    const startedAt = this.cluster.now();
    const deadline = startedAt + this.plan.rollback.timeoutSeconds;
    const message = this.failure?.message ?? "failure";
    await this.emit("RollbackTriggered", `Rolling back (scope ${scope}): ${message}`);
    const entries = this.applied.filter((a) => scope === "all" || a.phase === failedPhase);
    // Group by (phase, batch), reversed.
    const groups: { phase: number; services: string[] }[] = [];
    for (const entry of entries) {
      const last = groups[groups.length - 1];
      const key = entry.phase * 1_000_000 + entry.batch;
      if (last && (last as { key?: number }).key === key) last.services.push(entry.service);
      else groups.push(Object.assign({ phase: entry.phase, services: [entry.service] }, { key }));
    }
    groups.reverse();
    const culprit = this.failure?.service;
    const restore = await restoreServices(this.cluster, groups.map((g) => g.services), {
      previous: (name) => this.previousSpec(name),
      owner: planSlug(this.plan),
      deadline,
      onService: async ({ service: name, action, ok, keptFor }) => {
        const group = groups.find((g) => g.services.includes(name))!;
        const step = this.phaseResults[group.phase]!.steps.find((s) => s.service === name);
        // A step that succeeded (or was stopped because its batch failed) and is now undone is
        // "rolled-back"; only the step that failed stays "failed", with its own reason.
        if (step && ok && step.status !== "skipped" && !(step.status === "failed" && name === culprit)) step.status = "rolled-back";
        const what = {
          removed: "removed (volumes kept)",
          restored: "restored to the previous revision",
          unchanged: "already at the previous revision (nothing to restore)",
          kept: `left alone: it belongs to plan ${keptFor ?? "another plan"}`,
        }[action];
        await this.emit("RolledBack", `${name} ${what}${ok ? "" : " — did not settle before the rollback timeout"}`, name);
        await this.report({ phase: this.plan.phases[group.phase]!.name, batch: "", service: name, status: "rolled-back", t: this.rel(this.cluster.now()) });
      },
    });
    const done: RollbackResult["services"] = restore.services.map(({ service, action, ok }) => ({ service, action, ok }));
    const completed = restore.completed;
    // Phase statuses after the rollback.
    for (let p = 0; p <= failedPhase; p++) {
      const result = this.phaseResults[p]!;
      if (p === failedPhase) result.status = completed ? "rolled-back" : "failed";
      else if (scope === "all" && completed) result.status = "rolled-back";
    }
    return { scope, startedAt: this.rel(startedAt), endedAt: this.rel(this.cluster.now()), services: done, completed };
  }

  /**
   * What a rollback restores `name` to: with recorded specs (a deploy), exactly those — a service
   * the previous revision did not have is removed; otherwise the `from` plan's; none: remove it.
   */
  private previousSpec(name: string): WorkloadSpec | undefined {
    if (this.options.previous) return this.options.previous.get(name);
    const from = this.options.from;
    const service = from?.services.get(name);
    return from && service ? this.workloads(from, service) : undefined;
  }

}

function nodeSummary(n: NodeStatus): NodeSummary {
  return {
    name: n.name,
    allocatableMemory: n.allocatable.memory,
    allocatableCpu: n.allocatable.cpu,
    requestedMemory: n.requested.memory,
    requestedCpu: n.requested.cpu,
    usedMemory: n.used.memory,
    usedCpu: n.used.cpu,
    pods: n.pods,
  };
}

export type { Batch };
