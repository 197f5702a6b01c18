import { hasCycle, topologicalGenerations as dagGenerations } from "graphology-dag";
import type { Plan } from "../plan/model.js";
import { buildDependencyGraph } from "./build-dependency-graph.js";

/**
 * Services grouped in waves that could start together: generation 0 depends on nothing, each
 * later one only on earlier generations. Unknown dependencies are ignored. Within a generation,
 * services keep declaration order.
 *
 * Throws when the dependencies are cyclic (no such grouping exists; `findCycles` says why).
 */
export function topologicalGenerations(plan: Plan): string[][] {
  const graph = buildDependencyGraph(plan);
  if (hasCycle(graph)) {
    throw new Error("graph: the dependencies contain a cycle, so they have no topological generations (see findCycles)");
  }
  const order = (name: string) => graph.getNodeAttribute(name, "index");
  return dagGenerations(graph).map((generation) => [...generation].sort((a, b) => order(a) - order(b)));
}
