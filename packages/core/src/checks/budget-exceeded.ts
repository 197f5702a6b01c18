import type { Plan } from "../plan/model.js";
import { totalsOf } from "./shared-analysis.js";
import type { Finding } from "./finding.js";
import { cpu, makeFinding, memory, percentNeeded, setField, share } from "./describe.js";

/** Total requests of every service (× replicas) above the budget, a percent of allocatable. Exact integer comparison. */
export function checkBudget(plan: Plan): Finding[] {
  const budget = plan.budget;
  if (!budget) return [];
  const totals = totalsOf(plan);
  const names = [...plan.services.keys()];
  const findings: Finding[] = [];
  const checks = [
    { key: "memory", limit: budget.memory, used: totals.totals.memoryBytes, whole: totals.allocatable.memoryBytes, show: memory },
    { key: "CPU", limit: budget.cpu, used: totals.totals.cpuMillis, whole: totals.allocatable.cpuMillis, show: cpu },
  ] as const;
  for (const c of checks) {
    if (c.limit === undefined) continue;
    if (c.used * 100 <= c.limit * c.whole) continue;
    const allowed = Math.floor((c.limit * c.whole) / 100);
    const needed = percentNeeded(c.used, c.whole);
    const key = c.key === "CPU" ? "cpu" : "memory";
    findings.push(
      makeFinding("budget-exceeded", {
        // Raising the budget is a decision, not a correction: offered, never applied by --fix.
        ...(needed !== undefined ? { fix: { description: `raise the ${c.key} budget to ${needed}%`, edits: [setField(["budget", key], `${needed}%`)], safe: false } } : {}),
        message:
          `total ${c.key} requests ${c.show(c.used)} are ${share(c.used, c.whole)} of allocatable ${c.show(c.whole)}, above the budget of ${c.limit}%; ` +
          `cut requests by ${c.show(c.used - allowed)} (to at most ${c.show(allowed)}), or raise the budget.`,
        services: names,
        location: budget.location,
      }),
    );
  }
  return findings;
}
