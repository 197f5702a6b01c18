import type { DependencyGraph } from "./build-dependency-graph.js";
import { stronglyConnectedComponents } from "./strongly-connected-components.js";

/** A dependency edge removed to break a cycle: `service` no longer waits for `dependency`. */
export interface DroppedDependency {
  service: string;
  dependency: string;
  /** The edge came from expanding "*". */
  fromStar: boolean;
}

/**
 * Makes the graph acyclic, in place, and returns the edges it dropped. A cycle has no valid order,
 * so something has to give, in two steps: edges that come from a "*" expansion and lie inside a
 * cycle are dropped first (whoever wrote `dependsOn: ["*"]` did not mean "depend on the services
 * that depend on me"); any cycle still left is made of names the author wrote, and all its
 * internal edges are dropped. The critical path and the planner both order by the result, so the
 * lower bound and the optimized order agree.
 */
export function breakCycles(graph: DependencyGraph): DroppedDependency[] {
  const dropped: DroppedDependency[] = [];
  const dropInside = (shouldDrop: (fromStar: boolean) => boolean): void => {
    const componentOf = new Map<string, number>();
    stronglyConnectedComponents(graph).forEach((members, i) => members.forEach((m) => componentOf.set(m, i)));
    for (const { source: dependency, target: service, attributes } of graph.directedEdges()) {
      if (componentOf.get(dependency) !== componentOf.get(service)) continue;
      const fromStar = attributes.fromStar;
      if (!shouldDrop(fromStar)) continue;
      dropped.push({ service, dependency, fromStar });
      graph.dropDirectedEdge(dependency, service);
    }
  };
  dropInside((fromStar) => fromStar);
  dropInside(() => true);
  return dropped;
}
