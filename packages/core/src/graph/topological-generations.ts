import type { Plan } from "../plan/model.js";
import { buildDependencyGraph } from "./build-dependency-graph.js";

/**
 * Services grouped in waves that could start together: generation 0 depends on nothing, each
 * later one only on earlier generations (Kahn's algorithm by levels). Unknown dependencies are
 * ignored. Within a generation, services keep declaration order.
 *
 * Throws when the dependencies are cyclic (no such grouping exists; `findCycles` says why).
 */
export function topologicalGenerations(plan: Plan): string[][] {
  const graph = buildDependencyGraph(plan);
  const remaining = new Map<string, number>();
  graph.forEachNode((node) => remaining.set(node, graph.inDegree(node)));
  let current = graph.nodes().filter((node) => remaining.get(node) === 0);
  const generations: string[][] = [];
  let placed = 0;
  const order = (name: string) => graph.getNodeAttribute(name, "index");
  while (current.length > 0) {
    generations.push(current);
    placed += current.length;
    const next: string[] = [];
    for (const node of current) {
      for (const dependent of graph.outNeighbors(node)) {
        const left = remaining.get(dependent)! - 1;
        remaining.set(dependent, left);
        if (left === 0) next.push(dependent);
      }
    }
    current = next.sort((a, b) => order(a) - order(b));
  }
  if (placed < graph.order) {
    throw new Error("graph: the dependencies contain a cycle, so they have no topological generations (see findCycles)");
  }
  return generations;
}
