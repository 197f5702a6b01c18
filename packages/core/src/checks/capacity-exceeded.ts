/**
 * Requests are reserved whether used or not, per node: once no node has room for the next pod it
 * stays Pending (the user's incident: 8 of 26 services Pending). The plan's pods are placed one at
 * a time with the scheduler's rules (fit-plan.ts), phase by phase; the first pod left Pending is
 * reported, with the scheduler's FailedScheduling message — the rollout stops there. Services that
 * fit no node even on an empty cluster are `unschedulable` and not reported again here.
 */
import type { Plan } from "../plan/model.js";
import { clusterAllocatable } from "../report/allocatable.js";
import type { Finding } from "./finding.js";
import { cpu, makeFinding, memory, share } from "./describe.js";
import { fitPlanCached } from "./fit-plan.js";

export function checkCapacity(plan: Plan, fit = fitPlanCached(plan)): Finding[] {
  const pending = fit.firstPending;
  if (!pending || fit.unschedulable.has(pending.service)) return [];
  const phase = plan.phases[pending.phaseIndex]!;
  const whole = clusterAllocatable(plan);
  const batch = phase.batches.length > 1 ? ` (batch ${pending.batchIndex + 1})` : "";
  return [
    makeFinding("capacity-exceeded", {
      message:
        `in ${phase.name}${batch}, a pod of ${pending.service} stays Pending: ${pending.message} ` +
        `By then requests hold ${memory(pending.requested.memory)} memory (${share(pending.requested.memory, whole.memory)} of allocatable ${memory(whole.memory)}) ` +
        `and ${cpu(pending.requested.cpu)} CPU (${share(pending.requested.cpu, whole.cpu)} of ${cpu(whole.cpu)}), spread over the nodes so that none has room for it. ` +
        `Cut requests or add nodes.`,
      services: [pending.service],
      location: phase.location,
      phase: phase.name,
    }),
  ];
}
