/**
 * A service must start after everything it depends on is Ready. Services of one batch start in
 * parallel, so a dependency in the same batch is as wrong as one in a later batch or phase.
 */
import type { Plan } from "../plan/model.js";
import { comparePlacements, placeServices } from "../report/placement.js";
import type { Finding } from "./finding.js";
import { makeFinding } from "./describe.js";

export function checkOrder(plan: Plan): Finding[] {
  const { first } = placeServices(plan);
  const findings: Finding[] = [];
  for (const service of plan.services.values()) {
    const placed = first.get(service.name);
    if (!placed) continue; // unplaced-service reports it
    const seen = new Set<string>();
    for (const dependency of service.dependsOn) {
      if (seen.has(dependency) || dependency === service.name) continue;
      seen.add(dependency);
      const dependencyPlaced = first.get(dependency);
      if (!dependencyPlaced || !plan.services.has(dependency)) continue; // unknown / unplaced: reported elsewhere
      const order = comparePlacements(dependencyPlaced, placed);
      if (order < 0) continue;
      const where = (p: typeof placed) => (p.phase.batches.length > 1 ? `${p.phase.name}, ${p.batch.name}` : p.phase.name);
      const dependsBack = plan.services.get(dependency)!.dependsOn.includes(service.name);
      const how = service.dependsOnAll ? `depends on all services ("*"), including ${dependency}` : `depends on ${dependency}`;
      const problem =
        order === 0
          ? `${service.name} (${where(placed)}) ${how}, which is deployed in the same parallel batch, so ${service.name} may start before ${dependency} is Ready`
          : `${service.name} (${where(placed)}) ${how}, which is deployed later (${where(dependencyPlaced)})`;
      const fix = dependsBack
        ? `${dependency} also depends on ${service.name}; drop ${dependency} from ${service.name}'s dependencies${service.dependsOnAll ? ' (replace "*" with the services it really calls)' : ""}`
        : service.dependsOnAll
          ? `replace "*" with the services ${service.name} really calls, or deploy it after ${dependency}`
          : order === 0
            ? `move ${dependency} to an earlier batch or ${service.name} to a later one`
            : `deploy ${service.name} after ${dependency} (a later phase), or move ${dependency} earlier`;
      findings.push(
        makeFinding("order-violation", {
          message: `${problem}; ${fix}.`,
          services: [service.name, dependency],
          location: service.location,
          phase: placed.phase.name,
        }),
      );
    }
  }
  return findings;
}
