/**
 * The dependencies the planner orders by: the plan's dependency graph with its cycles broken the
 * way core's `criticalPath` breaks them, so the lower bound and the optimized order agree.
 *
 * A cycle has no valid order, so something has to give. First, edges that come from a "*"
 * expansion and lie inside a cycle are dropped (whoever wrote `dependsOn: ["*"]` did not mean
 * "depend on the services that depend on me"). Any cycle still left is made of names the author
 * wrote; all its internal edges are dropped. Every dropped edge is reported: the optimized plan is
 * only as right as the dependencies it kept.
 */
import { buildDependencyGraph, findCycles, stronglyConnectedComponents, type DependencyCycle, type Plan } from "@openpolicy/core";

export interface DroppedDependency {
  /** The service that declared the dependency. */
  service: string;
  /** The service it depends on. */
  dependency: string;
  /** The edge came from expanding "*". */
  fromStar: boolean;
}

export interface AcyclicDependencies {
  /** Service names in declaration order. */
  services: string[];
  /** Kept dependencies of each service (known services only, no self-loops), deduplicated. */
  dependenciesOf: Map<string, string[]>;
  /** Reverse of `dependenciesOf`. */
  dependentsOf: Map<string, string[]>;
  /** The cycles of the input, as core's `findCycles` reports them (empty for a DAG). */
  cycles: DependencyCycle[];
  dropped: DroppedDependency[];
  /** Dependencies naming no service of the plan (ignored for ordering). */
  unknown: { service: string; dependency: string }[];
}

export function acyclicDependencies(plan: Plan): AcyclicDependencies {
  const graph = buildDependencyGraph(plan);
  const cycles = findCycles(graph);
  const dropped: DroppedDependency[] = [];
  const dropInsideCycles = (shouldDrop: (fromStar: boolean) => boolean): void => {
    const componentOf = new Map<string, number>();
    stronglyConnectedComponents(graph).forEach((members, i) => members.forEach((m) => componentOf.set(m, i)));
    for (const edge of graph.edges()) {
      const dependency = graph.source(edge);
      const service = graph.target(edge);
      if (componentOf.get(dependency) !== componentOf.get(service)) continue;
      const fromStar = graph.getEdgeAttribute(edge, "fromStar");
      if (!shouldDrop(fromStar)) continue;
      dropped.push({ service, dependency, fromStar });
      graph.dropEdge(edge);
    }
  };
  if (cycles.length > 0) {
    dropInsideCycles((fromStar) => fromStar);
    dropInsideCycles(() => true);
  }
  const services = [...plan.services.keys()];
  const dependenciesOf = new Map<string, string[]>(services.map((s) => [s, []]));
  const dependentsOf = new Map<string, string[]>(services.map((s) => [s, []]));
  // Declaration order for both lists, whatever order graphology keeps edges in.
  for (const service of services) {
    for (const dependency of plan.services.get(service)!.dependsOn) {
      if (dependency === service || !graph.hasNode(dependency) || !graph.hasDirectedEdge(dependency, service)) continue;
      const list = dependenciesOf.get(service)!;
      if (list.includes(dependency)) continue;
      list.push(dependency);
      dependentsOf.get(dependency)!.push(service);
    }
  }
  const order = new Map(services.map((s, i) => [s, i]));
  dropped.sort((a, b) => order.get(a.service)! - order.get(b.service)! || order.get(a.dependency)! - order.get(b.dependency)!);
  return { services, dependenciesOf, dependentsOf, cycles, dropped, unknown: graph.getAttribute("unknownDependencies") };
}

/**
 * Generations of the acyclic dependencies (Kahn's algorithm by levels): generation 0 depends on
 * nothing, each later one only on earlier ones. Declaration order within a generation.
 */
export function dependencyGenerations(dependencies: AcyclicDependencies): string[][] {
  const remaining = new Map(dependencies.services.map((s) => [s, dependencies.dependenciesOf.get(s)!.length]));
  let current = dependencies.services.filter((s) => remaining.get(s) === 0);
  const generations: string[][] = [];
  const order = new Map(dependencies.services.map((s, i) => [s, i]));
  while (current.length > 0) {
    generations.push(current);
    const next: string[] = [];
    for (const service of current) {
      for (const dependent of dependencies.dependentsOf.get(service)!) {
        const left = remaining.get(dependent)! - 1;
        remaining.set(dependent, left);
        if (left === 0) next.push(dependent);
      }
    }
    current = next.sort((a, b) => order.get(a)! - order.get(b)!);
  }
  return generations;
}
