import type { Plan, Service } from "../plan/model.js";
import type { Finding } from "./finding.js";
import { makeFinding } from "./describe.js";

/** What to write instead of `validate: none`, guessed from the service. */
function suggestion(service: Service): string {
  const name = service.name.toLowerCase();
  if (name.includes("postgres")) return "validate: { kind: postgres }";
  if (name.includes("redis")) return "validate: { kind: redis }";
  if (name.includes("rabbit")) return "validate: { kind: rabbitmq }";
  if (service.port !== undefined) return `validate: {http: /healthz} (or validate: tcp, which connects to port ${service.port})`;
  return "a port and validate: {http: /healthz}, or validate: {tcp: PORT}";
}

export function checkValidations(plan: Plan): Finding[] {
  const findings: Finding[] = [];
  for (const service of plan.services.values()) {
    if (service.validate.kind !== "none") continue;
    findings.push(
      makeFinding("missing-validation", {
        message: `${service.name} has no validation, so a deploy where it runs but does not work passes unnoticed; add ${suggestion(service)}.`,
        services: [service.name],
        location: service.location,
      }),
    );
  }
  return findings;
}
