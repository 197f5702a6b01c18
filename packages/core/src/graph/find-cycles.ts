/**
 * Dependency cycles, reported the way a person fixes them: one cycle per tangle.
 *
 * Enumerating every elementary cycle (Johnson) explodes when a service depends on "*": api-gateway
 * depending on everything while three services depend on it already gives many cycles, and each
 * further service depending on api-gateway multiplies them. Every cycle lies inside one strongly
 * connected component (SCC), so we report, per cyclic SCC, its members and the shortest cycle
 * through it — the smallest set of dependencies to look at.
 */
import type { DependencyGraph } from "./build-dependency-graph.js";
import { stronglyConnectedComponents } from "./strongly-connected-components.js";

/** A cycle of dependencies, with every service caught in it. */
export interface DependencyCycle {
  /**
   * The cycle as a path that returns to its start, in "depends on" order: each service depends on
   * the next one (["api-gateway", "web", "api-gateway"]: api-gateway depends on web, which depends
   * on api-gateway).
   */
  path: string[];
  /** Every service of the strongly connected component, in declaration order. */
  members: string[];
  /** Whether a dependency written as "*" is part of the reported path. */
  throughStar: boolean;
}

/**
 * The dependency cycles of the graph, one per strongly connected component, each as a readable
 * path.
 */
export function findCycles(graph: DependencyGraph): DependencyCycle[] {
  const cycles: DependencyCycle[] = [];
  for (const members of stronglyConnectedComponents(graph)) {
    const only = members[0]!;
    if (members.length === 1 && !graph.hasDirectedEdge(only, only)) continue;
    const path = shortestCycle(graph, members);
    const throughStar = path.some((service, i) => i < path.length - 1 && graph.getNodeAttribute(service, "dependsOnAll"));
    cycles.push({ path, members, throughStar });
  }
  return cycles;
}

/**
 * Shortest cycle inside one SCC: a breadth-first search from each member along "depends on"
 * edges (in-neighbours in our dependency → dependent graph) back to that member. Members are tried
 * in declaration order and the first shortest one wins, so the result is deterministic. Each search
 * stops at the length of the best cycle so far; adjacency is copied into integer arrays first,
 * since a ring of n services costs n searches of n steps.
 */
function shortestCycle(graph: DependencyGraph, members: string[]): string[] {
  for (const member of members) if (graph.hasDirectedEdge(member, member)) return [member, member];
  const position = new Map<string, number>();
  members.forEach((m, i) => position.set(m, i));
  const dependencies: number[][] = members.map((m) =>
    graph
      .inNeighbors(m)
      .map((d) => position.get(d))
      .filter((d): d is number => d !== undefined),
  );
  const n = members.length;
  const parent = new Int32Array(n);
  const depth = new Int32Array(n);
  const queue = new Int32Array(n);
  let best: number[] | undefined;
  for (let start = 0; start < n; start++) {
    // Without self-loops no cycle is shorter than two edges.
    if (best && best.length - 1 <= 2) break;
    depth.fill(-1);
    depth[start] = 0;
    let head = 0;
    let tail = 0;
    queue[tail++] = start;
    let found = -1;
    search: while (head < tail) {
      const node = queue[head++]!;
      const d = depth[node]!;
      if (best && d + 1 >= best.length - 1) break;
      for (const dependency of dependencies[node]!) {
        if (dependency === start) {
          found = node;
          break search;
        }
        if (depth[dependency] !== -1) continue;
        depth[dependency] = d + 1;
        parent[dependency] = node;
        queue[tail++] = dependency;
      }
    }
    if (found < 0) continue;
    const path: number[] = [];
    for (let node = found; node !== start; node = parent[node]!) path.push(node);
    path.push(start);
    path.reverse();
    path.push(start);
    if (!best || path.length < best.length) best = path;
  }
  // A cyclic SCC always has a cycle through each member; the fallback is for the type checker.
  return best ? best.map((i) => members[i]!) : [...members, members[0]!];
}
