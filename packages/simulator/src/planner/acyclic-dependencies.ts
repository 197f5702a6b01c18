/**
 * The dependencies the planner orders by: the plan's dependency graph with its cycles broken by
 * core's `breakCycles`, as `criticalPath` does, so the lower bound and the optimized order agree.
 * Every dropped edge is reported: the optimized plan is only as right as the dependencies it kept.
 */
import { breakCycles, buildDependencyGraph, findCycles, type DependencyCycle, type DroppedDependency, type Plan } from "@openpolicy/core";

export type { DroppedDependency } from "@openpolicy/core";

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
  const dropped: DroppedDependency[] = cycles.length > 0 ? breakCycles(graph) : [];
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
