/**
 * The critical path: the chain of dependencies that takes longest to come up, when every service
 * starts as soon as what it depends on is Ready.
 */
import type { Plan, Service } from "../plan/model.js";
import { buildDependencyGraph, type DependencyGraph } from "./build-dependency-graph.js";
import { stronglyConnectedComponents } from "./strongly-connected-components.js";

export interface CriticalPath {
  /** Services in start order: each depends on the previous one. */
  path: string[];
  /** Sum of the weights along the path. */
  seconds: number;
}

/**
 * Longest weighted path through the dependency graph, each service weighing `weight(service)`
 * (default: its expected startup seconds).
 *
 * A cyclic graph has no longest path, so cycles are broken first, in two steps: edges that come
 * from a "*" expansion and lie inside a cycle are dropped (the author did not mean "depend on the
 * services that depend on me"); any cycle still left (names the author wrote) has all its internal
 * edges dropped. The result is then a lower bound of what a real order could achieve.
 */
export function criticalPath(plan: Plan, weight: (service: Service) => number = (s) => s.startupSeconds): CriticalPath {
  const graph = breakCycles(buildDependencyGraph(plan));
  const order = (name: string) => graph.getNodeAttribute(name, "index");

  // Kahn's algorithm gives a topological order; ties go to declaration order.
  const inDegree = new Map<string, number>();
  graph.forEachNode((node) => inDegree.set(node, graph.inDegree(node)));
  const ready = graph.nodes().filter((n) => inDegree.get(n) === 0);
  const best = new Map<string, { seconds: number; previous?: string }>();
  let end: string | undefined;
  let endSeconds = -Infinity;
  while (ready.length > 0) {
    ready.sort((a, b) => order(a) - order(b));
    const node = ready.shift()!;
    let previous: string | undefined;
    let before = 0;
    for (const dependency of graph.inNeighbors(node)) {
      const candidate = best.get(dependency)!;
      if (previous === undefined || candidate.seconds > before || (candidate.seconds === before && order(dependency) < order(previous))) {
        previous = dependency;
        before = candidate.seconds;
      }
    }
    const seconds = before + weight(plan.services.get(node)!);
    best.set(node, previous === undefined ? { seconds } : { seconds, previous });
    if (seconds > endSeconds) {
      endSeconds = seconds;
      end = node;
    }
    for (const dependent of graph.outNeighbors(node)) {
      const remaining = inDegree.get(dependent)! - 1;
      inDegree.set(dependent, remaining);
      if (remaining === 0) ready.push(dependent);
    }
  }
  if (end === undefined) return { path: [], seconds: 0 };
  const path: string[] = [];
  for (let node: string | undefined = end; node !== undefined; node = best.get(node)!.previous) path.push(node);
  return { path: path.reverse(), seconds: endSeconds };
}

function breakCycles(graph: DependencyGraph): DependencyGraph {
  const dropInside = (keep: (edgeFromStar: boolean) => boolean) => {
    const componentOf = new Map<string, number>();
    stronglyConnectedComponents(graph).forEach((members, i) => members.forEach((m) => componentOf.set(m, i)));
    for (const edge of graph.edges()) {
      const source = graph.source(edge);
      const target = graph.target(edge);
      if (componentOf.get(source) !== componentOf.get(target)) continue;
      if (!keep(graph.getEdgeAttribute(edge, "fromStar"))) graph.dropEdge(edge);
    }
  };
  dropInside((fromStar) => !fromStar);
  dropInside(() => false);
  return graph;
}
