/**
 * The services of a plan as a directed graph, one edge per dependency, pointing from the
 * dependency to the service that needs it (the order things must start in).
 */
import { DirectedGraph } from "./directed-graph.js";
import type { Plan } from "../plan/model.js";

/** What a node of the {@link DependencyGraph} records about its service. */
export interface ServiceNodeAttributes {
  startupSeconds: number;
  dependsOnAll: boolean;
  /** Position of the service in declaration order (deterministic tie-breaks). */
  index: number;
}

/** What an edge of the {@link DependencyGraph} records. */
export interface DependencyEdgeAttributes {
  /** The dependent wrote "*": this edge comes from expanding it, not from a name the author wrote. */
  fromStar: boolean;
}

/** A dependency naming no service of the plan (kept aside: it has no node to point from). */
export interface UnknownDependency {
  service: string;
  dependency: string;
}

/**
 * What the {@link DependencyGraph} records as a whole: dependencies on names that are not
 * services.
 */
export interface DependencyGraphAttributes {
  unknownDependencies: UnknownDependency[];
}

/**
 * The plan's services as a directed graph; an edge runs from a service to a service it depends on.
 */
export type DependencyGraph = DirectedGraph<ServiceNodeAttributes, DependencyEdgeAttributes, DependencyGraphAttributes>;

/**
 * Builds the dependency graph: nodes are the plan's services in declaration order, an edge
 * dependency → dependent for every known dependency (written twice counts once; a service naming
 * itself gives a self-loop, which is a cycle). Names that are not services are collected in the
 * graph attribute `unknownDependencies` and not added as nodes.
 */
export function buildDependencyGraph(plan: Plan): DependencyGraph {
  const unknownDependencies: UnknownDependency[] = [];
  const graph: DependencyGraph = new DirectedGraph<ServiceNodeAttributes, DependencyEdgeAttributes, DependencyGraphAttributes>({ unknownDependencies });
  // One attributes object per kind of edge: a plan where everyone depends on "*" has n² edges.
  const starEdge: DependencyEdgeAttributes = { fromStar: true };
  const namedEdge: DependencyEdgeAttributes = { fromStar: false };
  let index = 0;
  for (const service of plan.services.values()) {
    graph.mergeNode(service.name, { startupSeconds: service.startupSeconds, dependsOnAll: service.dependsOnAll, index: index++ });
  }
  for (const service of plan.services.values()) {
    const unknown = new Set<string>();
    for (const dependency of service.dependsOn) {
      if (!plan.services.has(dependency)) {
        if (!unknown.has(dependency)) unknownDependencies.push({ service: service.name, dependency });
        unknown.add(dependency);
        continue;
      }
      graph.mergeEdge(dependency, service.name, service.dependsOnAll ? starEdge : namedEdge);
    }
  }
  return graph;
}
