import type { Plan } from "../plan/model.js";
import type { Finding } from "./finding.js";
import { makeFinding } from "./describe.js";
import { placementsOf, serviceNamesOf } from "./shared-analysis.js";

/** A service placed twice (reported at each repeat), and batches naming a service that does not exist. */
export function checkPlacements(plan: Plan): Finding[] {
  const { all, first } = placementsOf(plan);
  const findings: Finding[] = [];
  const reportedUndefined = new Set<string>();
  for (const placement of all) {
    const { service, phase, batch } = placement;
    if (!plan.services.has(service)) {
      const key = `${placement.phaseIndex}/${placement.batchIndex}/${service}`;
      if (reportedUndefined.has(key)) continue;
      reportedUndefined.add(key);
      const suggestion = serviceNamesOf(plan).closest(service);
      findings.push(
        makeFinding("duplicate-placement", {
          message: `${phase.name} (${batch.name}) deploys "${service}", which is not a defined service; ${suggestion ? `did you mean "${suggestion}"?` : "define it or remove it from the batch."}`,
          services: [service],
          location: batch.location,
          phase: phase.name,
        }),
      );
      continue;
    }
    const original = first.get(service)!;
    if (original === placement) continue;
    const sameBatch = original.batch === batch;
    findings.push(
      makeFinding("duplicate-placement", {
        message: sameBatch
          ? `${service} is listed twice in ${phase.name} (${batch.name}); list it once.`
          : `${service} is deployed by ${original.phase.name} (${original.batch.name}) and again by ${phase.name} (${batch.name}); keep one placement (the first is the one that counts).`,
        services: [service],
        location: batch.location,
        phase: phase.name,
      }),
    );
  }
  return findings;
}
