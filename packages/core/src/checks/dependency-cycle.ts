import { findPlanCycles } from "../graph/find-cycles.js";
import type { Plan } from "../plan/model.js";
import type { Finding } from "./finding.js";
import { firstFew, makeFinding } from "./describe.js";

/** One finding per strongly connected component: its shortest cycle and all its members. */
export function checkDependencyCycles(plan: Plan): Finding[] {
  // Without building "*"'s n² edges (2,000 services on "*": 6–9 s of graph building).
  return findPlanCycles(plan).map((cycle) => {
    const start = cycle.path[0]!;
    const starServices = cycle.members.filter((m) => plan.services.get(m)?.dependsOnAll);
    const isStar = new Set(starServices);
    const chain = cycle.path.join(" → ");
    let message =
      cycle.path.length === 2
        ? `${start} depends on itself; remove "${start}" from its dependencies.`
        : `dependency cycle ${chain} (each depends on the next): no deploy order can start any of them after what it needs.`;
    if (cycle.members.length > cycle.path.length - 1) {
      message += ` The cycle involves ${cycle.members.length} services: ${firstFew(cycle.members, 10)}.`;
    }
    if (starServices.length > 0) {
      const dependents = cycle.members.filter((m) => !isStar.has(m));
      message +=
        ` ${firstFew(starServices, 10)} ${starServices.length === 1 ? "depends" : "depend"} on all services ("*"), including ${dependents.length > 0 ? firstFew(dependents, 10) : "each other"}, which depend on ${starServices.length === 1 ? "it" : "them"}:` +
        ` replace "*" with the services actually called${dependents.length > 0 ? `, leaving out ${firstFew(dependents, 10)}` : ""}.`;
    } else if (cycle.path.length > 2) {
      message += ` Remove one of these dependencies (or split the service that needs both directions).`;
    }
    return makeFinding("dependency-cycle", {
      message,
      services: cycle.members,
      location: plan.services.get(start)!.location,
    });
  });
}
