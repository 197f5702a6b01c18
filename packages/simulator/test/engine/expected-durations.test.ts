/**
 * The plan's `expected:` durations against the rehearsal, on the example plans: the seed's
 * expectations (15–25 min per phase) against rehearsals of a few minutes, with the cause named.
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { DEFAULT_STARTUP_SECONDS, loadPlanFile } from "@openpolicy/core";
import { simulate, simulatedNodes } from "../../src/simulate.js";
import { SimulatedCluster } from "../../src/cluster/simulated/simulated-cluster.js";
import { runRollout } from "../../src/engine/run-rollout.js";
import { expectedDurationFindings, formatDurationSeconds, formatPhaseDurations, phaseDurations, phaseTimeoutSeconds } from "../../src/engine/expected-durations.js";

const durations = phaseDurations;
import { makePlan, makeService, Mi } from "../helpers/plan-builder.js";

const example = (name: string) => fileURLToPath(new URL(`../../../../examples/openpolicy/${name}`, import.meta.url));

describe("expected durations", () => {
  it("the seed plan: every phase rehearses far below its expectation; the start-up figures are core's defaults", async () => {
    const plan = await loadPlanFile(example("plan.yaml"));
    const result = await simulate(plan, { seed: 1 });
    const durations = phaseDurations(plan, result);
    expect(durations.map((d) => [d.phase, d.expected])).toEqual([
      ["infrastructure", [900, 1200]],
      ["business", [1200, 1500]],
      ["operational", [900, 1200]],
      ["interface", [600, 900]],
      ["utility", [600, 900]],
    ]);
    for (const d of durations) {
      expect(d.verdict).toBe("faster");
      expect(d.rehearsed).toBe(result.phases.find((p) => p.name === d.phase)!.endedAt! - result.phases.find((p) => p.name === d.phase)!.startedAt!);
      expect(d.rehearsed!).toBeGreaterThanOrEqual(d.startupPath);
    }
    const findings = expectedDurationFindings(plan, result);
    expect(findings.map((f) => [f.rule, f.severity, f.phase])).toEqual(durations.map((d) => ["expected-duration", "warning", d.phase]));
    // No service of the seed gives startup:, so the rehearsal runs on defaults: the figures are named.
    for (const f of findings) expect(f.message).toContain("Most likely the start-up figures");
    // Sequential infrastructure: one batch per service, each at its default (PostgreSQL, Redis and
    // RabbitMQ as infrastructure, the scraper as an app), so the floor is their sum.
    const infra = durations[0]!;
    expect(infra.startupPath).toBe(3 * DEFAULT_STARTUP_SECONDS.infrastructure + DEFAULT_STARTUP_SECONDS.app);
    const factor = Math.round(((infra.startupPath + 900 - infra.rehearsed!) / infra.startupPath) * 10) / 10;
    expect(findings[0]!.message).toContain(
      `phase infrastructure is expected to take 15m–20m; the rehearsal takes ${formatDurationSeconds(infra.rehearsed!)} — its start-up figures add up to ${formatDurationSeconds(infra.startupPath)} along its 4 batch(es), 4 of its 4 service(s) at core's default start-up figure`,
    );
    expect(findings[0]!.message).toContain(`To take 15m, start-ups would have to be ${factor}× longer.`);
  });

  it("the fixed plan gives measured start-ups: the expectations are named as the likely cause", async () => {
    const plan = await loadPlanFile(example("plan.fixed.yaml"));
    const result = await simulate(plan, { seed: 1 });
    const findings = expectedDurationFindings(plan, result);
    expect(findings).toHaveLength(plan.phases.length);
    for (const f of findings) expect(f.message).toContain("Most likely the expectation");
    const text = formatPhaseDurations(phaseDurations(plan, result));
    expect(text.split("\n")[0]).toBe("Expected durations");
    const infrastructure = durations(plan, result)[0]!;
    expect(text).toMatch(new RegExp(`^ {2}infrastructure +15m–20m +${formatDurationSeconds(infrastructure.rehearsed!)} +rehearsal faster than expected$`, "m"));
  });

  it("within the range: no finding; slower: the expectation or a start-up figure; observed beside rehearsed", async () => {
    const services = [makeService("a", { memory: 64 * Mi, cpu: 50, startupSeconds: 30, validate: { kind: "none" } })];
    const plan = makePlan({ services, phases: [{ name: "only", batches: [["a"]] }] });
    const result = await simulate(plan, { seed: 1 });
    const took = result.phases[0]!.endedAt! - result.phases[0]!.startedAt!;
    plan.phases[0]!.expectedSeconds = [Math.floor(took) - 1, Math.ceil(took) + 1];
    expect(expectedDurationFindings(plan, result)).toEqual([]);
    plan.phases[0]!.expectedSeconds = [1, 5];
    const [slower] = expectedDurationFindings(plan, result);
    expect(slower!.message).toMatch(/^phase only is expected to take 1 s–5 s; the rehearsal takes \d+ s — .*Either the expectation of 5 s is too short, or a start-up figure is too high/);
    const observed = structuredClone(result);
    observed.phases[0]!.endedAt = observed.phases[0]!.startedAt! + 125;
    expect(phaseDurations(plan, result, observed)[0]!.observed).toBe(125);
    expect(formatPhaseDurations(phaseDurations(plan, result, observed))).toMatch(/observed/);
  });

  it("a phase deadline from the upper bound: ×1.5, at least five minutes over it; none without expected:", () => {
    const plan = makePlan({ services: [makeService("a", { memory: Mi, cpu: 1 })], phases: [{ name: "p", batches: [["a"]] }] });
    const phase = plan.phases[0]!;
    expect(phaseTimeoutSeconds(phase)).toBeUndefined();
    phase.expectedSeconds = [900, 1200];
    expect(phaseTimeoutSeconds(phase)).toBe(1800);
    phase.expectedSeconds = [60, 120];
    expect(phaseTimeoutSeconds(phase)).toBe(420);
  });

  it("the engine's phase deadline (deploy passes it): a step still waiting at it fails with StepTimeout; without it, the same rollout succeeds", async () => {
    const slow = makeService("slow", { memory: 64 * Mi, cpu: 50, port: 8080, startupSeconds: 240, validate: { kind: "none" } });
    const plan = makePlan({ services: [slow], phases: [{ name: "only", batches: [["slow"]] }] });
    const cluster = () => new SimulatedCluster({ nodes: simulatedNodes(plan), seed: 1, overhead: plan.cluster.overhead });
    const free = await runRollout(cluster(), plan, { seed: 1 });
    expect(free.verdict).toBe("succeeded");
    const bounded = await runRollout(cluster(), plan, { seed: 1, phaseTimeoutSeconds: () => 60 });
    expect(bounded.verdict).not.toBe("succeeded");
    expect(bounded.failure).toMatchObject({ reason: "StepTimeout", service: "slow", phase: "only" });
    expect(bounded.failure!.message).toBe("slow not Ready when phase only reached its deadline of 60s (its expected: upper bound with a margin)");
    expect(bounded.failure!.detectionSeconds).toBeGreaterThanOrEqual(60);
    expect(bounded.failure!.detectionSeconds).toBeLessThan(240);
  });
});
