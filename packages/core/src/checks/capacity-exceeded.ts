/**
 * Requests are reserved whether used or not: once the sum of requests reaches the cluster's
 * allocatable, further pods stay Pending (the user's incident: 8 of 26 services Pending). Reported
 * once per resource, at the first phase that goes over.
 */
import type { Plan } from "../plan/model.js";
import { planTotals } from "../report/plan-totals.js";
import type { Finding } from "./finding.js";
import { cpu, makeFinding, memory, share } from "./describe.js";

export function checkCapacity(plan: Plan): Finding[] {
  const totals = planTotals(plan);
  const findings: Finding[] = [];
  const resources = [
    { key: "memory", used: (i: number) => totals.phases[i]!.cumulative.memoryBytes, whole: totals.allocatable.memoryBytes, show: memory },
    { key: "CPU", used: (i: number) => totals.phases[i]!.cumulative.cpuMillis, whole: totals.allocatable.cpuMillis, show: cpu },
  ] as const;
  for (const resource of resources) {
    const index = plan.phases.findIndex((_, i) => resource.used(i) > resource.whole);
    if (index < 0) continue;
    const phase = plan.phases[index]!;
    const used = resource.used(index);
    const over = used - resource.whole;
    const servicesSoFar = totals.phases.slice(0, index + 1).flatMap((p) => p.batches.flatMap((b) => b.services.map((s) => s.name)));
    findings.push(
      makeFinding("capacity-exceeded", {
        message:
          `after ${phase.name}, ${resource.key} requests add up to ${resource.show(used)}, ${share(used, resource.whole)} of the cluster's allocatable ${resource.show(resource.whole)} (capacity − reserved): ` +
          `pods beyond it stay Pending. Cut requests by at least ${resource.show(over)} by then, or add nodes.`,
        services: servicesSoFar,
        location: phase.location,
        phase: phase.name,
      }),
    );
  }
  return findings;
}
