import { buildDependencyGraph } from "../graph/build-dependency-graph.js";
import type { Plan } from "../plan/model.js";
import type { Finding } from "./finding.js";
import { closestName, makeFinding } from "./describe.js";

export function checkUnknownDependencies(plan: Plan): Finding[] {
  const graph = buildDependencyGraph(plan);
  return graph.getAttribute("unknownDependencies").map(({ service, dependency }) => {
    const suggestion = closestName(dependency, plan.services.keys());
    const fix = suggestion ? `did you mean "${suggestion}"?` : `fix the name, define a service "${dependency}", or remove the dependency.`;
    return makeFinding("unknown-dependency", {
      message: `${service} depends on "${dependency}", which is not a service of this plan; ${fix}`,
      services: [service],
      location: plan.services.get(service)!.location,
    });
  });
}
