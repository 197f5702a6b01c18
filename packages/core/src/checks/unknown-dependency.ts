/**
 * Dependencies naming no service of the plan, one finding per unknown name with every service
 * that names it (2,000 services all naming a missing `postgress` are one finding, not 2,000), and
 * the closest service name when it is close enough to be a typo. Renaming is offered as a fix but
 * not applied by `check --fix`: a near name is a guess.
 */
import type { Plan } from "../plan/model.js";
import type { Finding, Fix } from "./finding.js";
import { makeFinding, setField } from "./describe.js";
import { serviceNamesOf } from "./shared-analysis.js";

/** How many of the services naming one unknown dependency a message lists by name. */
const NAMED = 5;

export function checkUnknownDependencies(plan: Plan): Finding[] {
  // Straight from the services, not the dependency graph: building the graph (n² edges for n
  // services on "*") only to read the names that are not in it cost seconds.
  const byName = new Map<string, string[]>();
  for (const service of plan.services.values()) {
    const seen = new Set<string>();
    // "*" adds only services of the plan: the unknown names are among those written.
    for (const dependency of service.dependsOnNamed) {
      if (plan.services.has(dependency) || seen.has(dependency)) continue;
      seen.add(dependency);
      const services = byName.get(dependency);
      if (services) services.push(service.name);
      else byName.set(dependency, [service.name]);
    }
  }
  const findings: Finding[] = [];
  for (const [dependency, services] of byName) {
    const suggestion = serviceNamesOf(plan).closest(dependency);
    const advice = suggestion ? `did you mean "${suggestion}"?` : `fix the name, define a service "${dependency}", or remove the dependency.`;
    const who =
      services.length === 1
        ? `${services[0]} depends`
        : services.length <= NAMED
          ? `${services.slice(0, -1).join(", ")} and ${services[services.length - 1]} depend`
          : `${services.length} services (${services.slice(0, NAMED).join(", ")}, …) depend`;
    const finding = makeFinding("unknown-dependency", {
      message: `${who} on "${dependency}", which is not a service of this plan; ${advice}`,
      services,
      location: plan.services.get(services[0]!)!.location,
    });
    if (suggestion) {
      const fix = renameFix(plan, services, dependency, suggestion);
      if (fix) finding.fix = fix;
    }
    findings.push(finding);
  }
  return findings;
}

/** Each service's written list with the unknown name replaced (services that wrote "*" are left out: their list is not what they wrote). */
function renameFix(plan: Plan, services: string[], from: string, to: string): Fix | undefined {
  const edits = services
    .map((name) => plan.services.get(name)!)
    .filter((service) => !service.dependsOnAll)
    .map((service) => {
      const renamed = [...new Set(service.dependsOn.map((d) => (d === from ? to : d)))];
      return setField(["services", service.name, "dependsOn"], renamed);
    });
  if (edits.length === 0) return undefined;
  return { description: `rename the dependency "${from}" to "${to}"`, edits, safe: false };
}
