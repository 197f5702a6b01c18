/**
 * A phase gate that the plan's own requests already break can never pass: the rollout would stop
 * (or roll back) at that phase every time. Compared exactly, in integers:
 * requests × 100 > threshold × allocatable.
 */
import type { Plan } from "../plan/model.js";
import { totalsOf } from "./shared-analysis.js";
import type { Finding } from "./finding.js";
import { cpu, makeFinding, memory, percentNeeded, setField, share } from "./describe.js";

export function checkGates(plan: Plan): Finding[] {
  const totals = totalsOf(plan);
  const findings: Finding[] = [];
  plan.phases.forEach((phase, i) => {
    const gate = phase.gate;
    if (!gate) return;
    const cumulative = totals.phases[i]!.cumulative;
    const checks = [
      { key: "memory", threshold: gate.memory, used: cumulative.memoryBytes, whole: totals.allocatable.memoryBytes, show: memory },
      { key: "cpu", threshold: gate.cpu, used: cumulative.cpuMillis, whole: totals.allocatable.cpuMillis, show: cpu },
    ] as const;
    for (const c of checks) {
      if (c.threshold === undefined) continue;
      if (c.used * 100 <= c.threshold * c.whole) continue;
      const allowed = Math.floor((c.threshold * c.whole) / 100);
      const needed = percentNeeded(c.used, c.whole);
      findings.push(
        makeFinding("gate-unreachable", {
          // Raising a gate loosens what the rollout tolerates: offered, never applied by --fix.
          ...(needed !== undefined
            ? { fix: { description: `raise the gate of ${phase.name} to ${needed}% ${c.key}`, edits: [setField(["phases", i, "gate", c.key], `${needed}%`)], safe: false } }
            : {}),
          message:
            `the gate of ${phase.name} allows at most ${c.threshold}% ${c.key} of allocatable (${c.show(allowed)} of ${c.show(c.whole)}), ` +
            `but the services deployed by its end request ${c.show(c.used)} = ${share(c.used, c.whole)} of allocatable, so it can never pass; ` +
            `raise the threshold above ${share(c.used, c.whole)}, or cut requests by ${c.show(c.used - allowed)} by this phase.`,
          services: totals.phases.slice(0, i + 1).flatMap((p) => p.batches.flatMap((b) => b.services.map((s) => s.name))),
          location: gate.location,
          phase: phase.name,
        }),
      );
    }
  });
  return findings;
}
