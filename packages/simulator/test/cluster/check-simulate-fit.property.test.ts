/**
 * Issue 9, done-when: `check` and `simulate` agree on fit. Random small clusters (node groups,
 * pod limits, kind overhead) and fresh-install plans (Deployments and StatefulSets, replicas,
 * priorities, phases and batches): `check` reports `unschedulable` or `capacity-exceeded` exactly
 * when the simulated rollout leaves a pod Pending, in the same batch, and the pod check names gets
 * the same FailedScheduling text — both place pods with core's scheduling cycle.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkPlan, fitPlan, parsePlanText } from "@openpolicy/core";
import { simulate } from "../../src/index.js";

const service = fc.record({
  memoryMi: fc.integer({ min: 32, max: 3072 }),
  cpuM: fc.integer({ min: 10, max: 2500 }),
  replicas: fc.integer({ min: 1, max: 4 }),
  stateful: fc.boolean(),
  priority: fc.constantFrom(0, 0, 0, 1000),
});

const group = fc.record({ count: fc.integer({ min: 1, max: 3 }), memoryGi: fc.integer({ min: 1, max: 6 }), cores: fc.integer({ min: 1, max: 4 }), pods: fc.constantFrom(4, 8, 110) });

const planText = fc
  .record({
    groups: fc.array(group, { minLength: 1, maxLength: 2 }),
    kind: fc.boolean(),
    services: fc.array(service, { minLength: 1, maxLength: 7 }),
    cuts: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 7, maxLength: 7 }),
  })
  .map(({ groups, kind, services, cuts }) => {
    const nodes = groups.map((g, i) => `{name: g${i}, count: ${g.count}, memory: ${g.memoryGi}Gi, cpu: "${g.cores}", pods: ${g.pods}}`);
    // cuts[i]: 0 = same batch as the previous service, 1 = next batch, 2 = next phase.
    const phases: string[][][] = [[[]]];
    services.forEach((_, i) => {
      const cut = i === 0 ? 0 : cuts[i]!;
      if (cut === 2) phases.push([[]]);
      else if (cut === 1) phases[phases.length - 1]!.push([]);
      const batches = phases[phases.length - 1]!;
      batches[batches.length - 1]!.push(`s${i}`);
    });
    const lines = services.map(
      (s, i) =>
        `  s${i}: {memory: ${s.memoryMi}Mi, cpu: ${s.cpuM}m, replicas: ${s.replicas}, validate: none, startup: 1s, priority: ${s.priority}` +
        (s.stateful ? ", kind: StatefulSet" : "") +
        "}",
    );
    return `name: fit
cluster: {nodes: [${nodes.join(", ")}]${kind ? ", overhead: kind" : ""}}
phases:
${phases.map((batches, p) => `  - name: p${p}\n    batches:\n${batches.map((b) => `      - {services: [${b.join(", ")}]}`).join("\n")}`).join("\n")}
services:
${lines.join("\n")}
`;
  });

describe("check and simulate agree on fit", () => {
  it("check reports unschedulable / capacity-exceeded ⇔ the rollout leaves a pod Pending, with the same message", async () => {
    let pendingSeen = 0;
    await fc.assert(
      fc.asyncProperty(planText, async (text) => {
        const plan = parsePlanText(text, "fit.yaml");
        const findings = checkPlan(plan).filter((f) => f.rule === "unschedulable" || f.rule === "capacity-exceeded");
        const result = await simulate(plan, { seed: 1 });
        const pending = result.failure?.reason === "Unschedulable";
        expect(pending, `${text}\n${result.failure?.message ?? "succeeded"}\n${findings.map((f) => f.message).join("\n")}`).toBe(findings.length > 0);
        if (!pending) return;
        pendingSeen++;
        // Several pods of one batch may stay Pending; the rollout names one of them. The pod check
        // names got the scheduler's FailedScheduling event with check's very words.
        const first = fitPlan(plan, 1).firstPending!;
        const batch = plan.phases[first.phaseIndex]!.batches[first.batchIndex]!.services;
        expect(batch).toContain(result.failure!.service);
        const events = result.events.filter((e) => e.type === "FailedScheduling" && e.service === first.service);
        expect(events.map((e) => e.message)).toContain(first.message);
      }),
      { numRuns: 200, seed: 9_2026 },
    );
    // The generator must exercise both answers.
    expect(pendingSeen).toBeGreaterThan(10);
  }, 120_000);
});
