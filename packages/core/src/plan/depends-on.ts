import type { Plan, Service } from "./model.js";

/**
 * Whether `service` depends on the service called `name`: by name, or through "*" (every other
 * service of the plan). Answers without expanding "*" (see {@link Service.dependsOn}).
 */
export function dependsOnService(plan: Plan, service: Service, name: string): boolean {
  if (service.dependsOnAll && name !== service.name && plan.services.has(name)) return true;
  return service.dependsOnNamed.includes(name);
}
