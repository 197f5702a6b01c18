/**
 * The critical path: the chain of dependencies that takes longest to come up, when every service
 * starts as soon as what it depends on is Ready.
 */
import type { Plan, Service } from "../plan/model.js";
import { breakCycles } from "./break-cycles.js";
import { buildDependencyGraph } from "./build-dependency-graph.js";

/**
 * The longest chain of dependencies by start-up time, which bounds how fast the plan can deploy.
 */
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
 * A cyclic graph has no longest path, so cycles are broken first (`breakCycles`); the result is
 * then a lower bound of what a real order could achieve.
 */
export function criticalPath(plan: Plan, weight: (service: Service) => number = (s) => s.startupSeconds): CriticalPath {
  const graph = buildDependencyGraph(plan);
  breakCycles(graph);
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
