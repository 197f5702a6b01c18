import type { Plan } from "../plan/model.js";
import { placementsOf } from "./shared-analysis.js";
import type { Finding } from "./finding.js";
import { makeFinding } from "./describe.js";

export function checkUnplacedServices(plan: Plan): Finding[] {
  const { first } = placementsOf(plan);
  const findings: Finding[] = [];
  for (const service of plan.services.values()) {
    if (first.has(service.name)) continue;
    findings.push(
      makeFinding("unplaced-service", {
        message: `${service.name} is defined but no phase deploys it; add it to a phase's batch after its dependencies, or remove the service.`,
        services: [service.name],
        location: service.location,
      }),
    );
  }
  return findings;
}
