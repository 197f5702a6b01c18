/**
 * Sustained rollback triggers (`rollback.for`) and the accuracy of the rollback report.
 *
 * A trigger fires only once its condition has held without interruption for `forSeconds`, like
 * a Prometheus alerting rule's `for:` — so the seconds while a StatefulSet pod is replaced do not
 * roll back a whole phase, while a node that stays down does.
 */
import { describe, expect, it } from "vitest";
import { parsePlanText, PlanLoadError } from "@openpolicy/core";
import type { ClusterView, WaitResult } from "../../src/cluster/cluster.js";
import type { SimulatedClusterOptions } from "../../src/cluster/simulated/simulated-cluster.js";
import { SimulatedCluster, simulate, simulatedNodes } from "../../src/index.js";
import type { Fault, SimulationResult } from "../../src/index.js";
import { Gi, Mi, makePlan, makeService, openPolicyPlan, openPolicyServices, OPENPOLICY_PHASES, OPENPOLICY_ROLLBACK } from "../helpers/plan-builder.js";

const withFor = (forSeconds: number) => openPolicyPlan({ rollback: { ...OPENPOLICY_ROLLBACK, forSeconds } });
const eventAt = (result: SimulationResult, type: string, service?: string) =>
  result.events.find((e) => e.type === type && (service === undefined || e.service === service));

/** A postgresql container exits once at t=300 (during phase 2's settle window) and restarts. */
const POSTGRES_BLIP: Fault[] = [{ kind: "crash", service: "postgresql", at: 300 }];
/** The only node goes down at t=300 for two minutes: every deployed service stays unhealthy. */
const NODE_DOWN: Fault[] = [{ kind: "node-restart", node: "node-1", at: 300, downSeconds: 120 }];

/**
 * A simulated cluster whose scraped error rate follows a script (cluster time → percent, or
 * undefined for the simulated value), recording every scrape the engine makes.
 */
class ScriptedErrorRateCluster extends SimulatedCluster {
  readonly scrapes: { t: number; errorRate: number }[] = [];

  constructor(
    options: SimulatedClusterOptions,
    private readonly errorRateAt: (t: number) => number | undefined,
  ) {
    super(options);
  }

  override async waitFor<T>(check: (view: ClusterView) => T | undefined, timeoutSeconds: number): Promise<WaitResult<T>> {
    return super.waitFor((view) => {
      const metrics = () => {
        const simulated = view.metrics();
        const scripted = this.errorRateAt(view.now());
        const observed = scripted === undefined ? simulated : { ...simulated, errorRate: scripted };
        this.scrapes.push({ t: view.now(), errorRate: observed.errorRate });
        return observed;
      };
      return check({ ...view, metrics });
    }, timeoutSeconds);
  }
}

function scriptedCluster(forSeconds: number, errorRateAt: (t: number) => number | undefined, faults: Fault[] = []) {
  const plan = withFor(forSeconds);
  const cluster = new ScriptedErrorRateCluster({ seed: 1, nodes: simulatedNodes(plan), faults }, errorRateAt);
  return { plan, cluster };
}
/** Records the engine's scrapes without changing what they read. */
const recordingCluster = (forSeconds: number, faults: Fault[]) => scriptedCluster(forSeconds, () => undefined, faults);

describe("rollback.for: a trigger fires only once its condition has held that long", () => {
  it("a blip shorter than `for` does not roll back: postgresql restarting for 20 s with for 30s", async () => {
    const { plan, cluster } = recordingCluster(30, POSTGRES_BLIP);
    const result = await simulate(plan, { seed: 1, cluster });
    // The blip happened: the container exited at 300 and was Ready again at the first readiness
    // probe (every 5 s, as rendered) after its ~20 s start.
    expect(eventAt(result, "BackOff", "postgresql")?.t).toBe(300);
    const readyAgain = result.events.filter((e) => e.type === "Ready" && e.service === "postgresql").map((e) => e.t);
    expect(readyAgain[readyAgain.length - 1]).toBe(315);
    expect(result.verdict).toBe("succeeded");
    expect(result.failure).toBeUndefined();
    expect(result.events.some((e) => e.type === "RollbackTriggered")).toBe(false);
    // The error rate breached (postgresql serves nothing while it restarts)...
    const breached = cluster.scrapes.filter((s) => s.errorRate > 5).map((s) => s.t);
    expect(breached.length).toBeGreaterThan(0);
    expect(Math.min(...breached)).toBeGreaterThanOrEqual(300);
    // ...and the settle window (277–307) was extended while the breach was pending, ending at the
    // first scrape that saw it cleared.
    const cleared = cluster.scrapes.find((s) => s.t >= 320 && s.errorRate <= 5)!;
    expect(result.phases[1]!.endedAt).toBe(cleared.t);
  });

  it("for: 0 keeps the old behaviour: the same blip rolls back at the first sample", async () => {
    const { plan, cluster } = recordingCluster(0, POSTGRES_BLIP);
    const result = await simulate(plan, { seed: 1, cluster });
    expect(result.verdict).toBe("rolled-back");
    expect(result.failure?.reason).toBe("RollbackTrigger");
    expect(result.failure?.phase).toBe("core-business");
    expect(result.failure?.message).toMatch(/^rollback trigger: error rate \d+(\.\d)?% > 5%$/);
    // At the first scrape after the crash.
    const firstBreach = cluster.scrapes.find((s) => s.errorRate > 5)!;
    expect(firstBreach.t).toBeGreaterThanOrEqual(300);
    expect(firstBreach.t).toBeLessThan(310);
    expect(eventAt(result, "RollbackTriggered")?.t).toBe(firstBreach.t);
  });

  it.each([10, 30, 45])("a sustained breach (node down) rolls back exactly `for` = %i s after it began", async (forSeconds) => {
    const result = await simulate(withFor(forSeconds), { seed: 1, faults: NODE_DOWN });
    const down = eventAt(result, "NodeNotReady")!;
    expect(down.t).toBe(300);
    expect(result.verdict).toBe("rolled-back");
    expect(result.failure).toMatchObject({ reason: "RollbackTrigger", phase: "core-business" });
    expect(result.failure!.message).toBe(`rollback trigger: 13 of 13 deployed services unhealthy (100% > 20%) for ${forSeconds}s`);
    // Nothing happens on the dead node, so the engine must wake itself at the deadline.
    expect(eventAt(result, "RollbackTriggered")!.t).toBe(down.t + forSeconds);
    // detectionSeconds keeps its meaning: from the start of the watch that fired (here the settle
    // window, which opens when the phase's last batch is Ready and validated).
    const settleStart = Math.max(...result.phases[1]!.steps.map((s) => s.readyAt!));
    expect(result.failure!.detectionSeconds).toBe(down.t + forSeconds - settleStart);
  });

  it("an interruption resets the timer: 56.2% errors for 20 s, a pause, then for good", async () => {
    const { plan, cluster } = scriptedCluster(30, (t) => ((t >= 200 && t < 220) || t >= 240 ? 56.2 : undefined));
    const t0 = cluster.now();
    const result = await simulate(plan, { seed: 1, cluster });
    const breached = cluster.scrapes.filter((s) => s.errorRate === 56.2);
    // The first breach was seen (so the test is not vacuous) but lasted less than 30 s.
    expect(breached.some((s) => s.t < t0 + 220)).toBe(true);
    const resumed = breached.find((s) => s.t >= t0 + 240)!;
    expect(result.failure?.reason).toBe("RollbackTrigger");
    expect(result.failure?.message).toBe("rollback trigger: error rate 56.2% > 5% for 30s");
    expect(eventAt(result, "RollbackTriggered")!.t).toBe(resumed.t - t0 + 30);
  });

  it("a breach still holding when the last phase's settle window ends is followed until it fires", async () => {
    const baseline = await simulate(withFor(30), { seed: 1 });
    expect(baseline.verdict).toBe("succeeded");
    const last = baseline.phases[baseline.phases.length - 1]!;
    const settleStart = Math.max(...last.steps.map((s) => s.readyAt!));
    const { plan, cluster } = scriptedCluster(30, (t) => (t >= settleStart + 20 ? 56.2 : undefined));
    const result = await simulate(plan, { seed: 1, cluster });
    const firstSeen = cluster.scrapes.find((s) => s.errorRate === 56.2)!;
    const firedAt = eventAt(result, "RollbackTriggered")!.t;
    expect(result.verdict).toBe("rolled-back");
    expect(result.failure).toMatchObject({ reason: "RollbackTrigger", phase: last.name });
    expect(firedAt).toBe(firstSeen.t + 30);
    // Past the 30 s settle window, which alone would have let the rollout succeed.
    expect(firedAt).toBeGreaterThan(settleStart + 30);
  });

  it("is deterministic with sustained triggers", async () => {
    const run = async () => JSON.stringify(await simulate(withFor(30), { seed: 7, faults: [...NODE_DOWN, ...POSTGRES_BLIP] }));
    expect(await run()).toBe(await run());
  });
});

describe("rollback.for in the plan file", () => {
  const planText = (rollback: string) => `name: p
cluster:
  nodes: [{memory: 8Gi, cpu: 4}]
rollback:
  errorRate: 5%
${rollback}
phases:
  - name: all
    services: [a]
services:
  a: {memory: 128Mi, cpu: 100m}
`;

  it("defaults to 30 s and accepts durations, numbers of seconds and 0", () => {
    expect(parsePlanText(planText(""), "plan.yaml").rollback.forSeconds).toBe(30);
    expect(parsePlanText(planText("  for: 2m"), "plan.yaml").rollback.forSeconds).toBe(120);
    expect(parsePlanText(planText("  for: 45"), "plan.yaml").rollback.forSeconds).toBe(45);
    expect(parsePlanText(planText("  for: 0"), "plan.yaml").rollback.forSeconds).toBe(0);
  });

  it("rejects what is not a duration, at rollback.for", () => {
    try {
      parsePlanText(planText("  for: soon"), "plan.yaml");
      expect.unreachable("expected a PlanLoadError");
    } catch (error) {
      expect(error).toBeInstanceOf(PlanLoadError);
      const problems = (error as PlanLoadError).problems;
      expect(problems.map((p) => p.path)).toContain("rollback.for");
      expect(problems.find((p) => p.path === "rollback.for")?.message).toContain("not a duration");
    }
  });
});

describe("rollback report", () => {
  it("reports a re-applied revision that changed nothing as unchanged, and one that did as restored", async () => {
    // Without gates: every service of the deployed plan already runs, so phase 1's memory gate
    // (40%, meant for a first install) would fail before the utility phase is reached.
    const phases = OPENPOLICY_PHASES.map(({ gate: _gate, ...phase }) => phase);
    // Same plan name: the name is in every object's labels, so a renamed plan would roll every pod.
    const from = makePlan({ name: "openpolicy", services: openPolicyServices(), phases });
    // Only web differs between the deployed plan and the new one; its validation fails.
    const plan = makePlan({
      name: "openpolicy",
      services: openPolicyServices({ web: { memory: 192 * Mi } }),
      phases,
      rollback: OPENPOLICY_ROLLBACK,
    });
    const result = await simulate(plan, { seed: 1, from, faults: [{ kind: "validation-fail", service: "web" }] });
    expect(result.failure).toMatchObject({ reason: "ValidationFailed", service: "web", phase: "utility" });
    expect(result.verdict).toBe("rolled-back");
    const actions = Object.fromEntries(result.rollback!.services.map((s) => [s.service, s.action]));
    expect(actions).toEqual({ "cache-service": "unchanged", web: "restored", admin: "unchanged", "mobile-api": "unchanged" });
    expect(result.rollback!.services.every((s) => s.ok)).toBe(true);
    const rolledBack = new Map(result.events.filter((e) => e.type === "RolledBack").map((e) => [e.service, e.message]));
    expect(rolledBack.get("web")).toBe("web restored to the previous revision");
    expect(rolledBack.get("admin")).toBe("admin already at the previous revision (nothing to restore)");
    expect([...rolledBack.values()].filter((m) => m.includes("restored"))).toHaveLength(1);
  });
});

describe("messages", () => {
  it("the Unschedulable failure keeps the scheduler's message verbatim without doubled punctuation", async () => {
    // ml-service (3Gi) does not fit in what the 26 services leave of the 8Gi node.
    const services = [...openPolicyServices(), makeService("ml-service", { memory: 3 * Gi, cpu: 1000, dependsOn: ["postgresql"] })];
    const plan = makePlan({ name: "openpolicy+ml", services, phases: [...OPENPOLICY_PHASES, { name: "ml", batches: [["ml-service"]] }], rollback: OPENPOLICY_ROLLBACK });
    const result = await simulate(plan, { seed: 2 });
    expect(result.failure?.reason).toBe("Unschedulable");
    expect(eventAt(result, "FailedScheduling")?.message).toBe("0/1 nodes are available: 1 Insufficient memory. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod..");
    expect(result.failure?.message).toBe("ml-service: pod Pending: 0/1 nodes are available: 1 Insufficient memory. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.. Nothing in flight frees enough resources.");
  });
});
