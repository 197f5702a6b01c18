/**
 * Dependency cycles, reported the way a person fixes them: one cycle per tangle.
 *
 * Enumerating every elementary cycle (Johnson) explodes when a service depends on "*": api-gateway
 * depending on everything while three services depend on it already gives many cycles, and each
 * further service depending on api-gateway multiplies them. Every cycle lies inside one strongly
 * connected component (SCC), so we report, per cyclic SCC, its members and the shortest cycle
 * through it — the smallest set of dependencies to look at.
 */
import type { Plan, Service } from "../plan/model.js";
import type { DependencyEdgeAttributes, DependencyGraph, DependencyGraphAttributes, ServiceNodeAttributes } from "./build-dependency-graph.js";
import { DirectedGraph } from "./directed-graph.js";
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
 * stops at the length of the best cycle so far; adjacency is copied into integer arrays (on first
 * visit), since a ring of n services costs n searches of n steps.
 */
function shortestCycle(graph: DependencyGraph, members: string[]): string[] {
  return shortestCycleBy(members, (member) => graph.inNeighbors(member), (member) => graph.hasDirectedEdge(member, member));
}

/** shortestCycle over any "depends on" lists: `dependenciesOf(m)` in the graph's in-neighbour order. */
function shortestCycleBy(members: string[], dependenciesOf: (member: string) => readonly string[], selfLoop: (member: string) => boolean): string[] {
  for (const member of members) if (selfLoop(member)) return [member, member];
  const position = new Map<string, number>();
  members.forEach((m, i) => position.set(m, i));
  const lists: (number[] | undefined)[] = new Array(members.length);
  const dependencies = (i: number): number[] => {
    let list = lists[i];
    if (!list) {
      list = [];
      for (const d of dependenciesOf(members[i]!)) {
        const at = position.get(d);
        if (at !== undefined) list.push(at);
      }
      lists[i] = list;
    }
    return list;
  };
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
      for (const dependency of dependencies(node)) {
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

/** Known dependencies of a service, each once, in the order written (the graph's in-neighbour order). */
function knownDependencies(plan: Plan, service: Service): string[] {
  const seen = new Set<string>();
  for (const d of service.dependsOn) if (plan.services.has(d)) seen.add(d);
  return [...seen];
}

/**
 * findCycles(buildDependencyGraph(plan)), without building the n² edges of `"*"`. A service on
 * "*" depends on every other, so every service reaches it in one step: the services on "*",
 * together with everything that (transitively, by named dependencies) depends on one of them,
 * are one strongly connected component — when there are two services on "*", or one with a named
 * dependent. Everything else has the components of the named dependencies alone. Only the search
 * for the reported path reads a "*" list, and it stops at the first two-service cycle.
 * Same answer as findCycles on the full graph (a property test compares them).
 */
export function findPlanCycles(plan: Plan): DependencyCycle[] {
  const services = [...plan.services.values()];
  const stars = services.filter((s) => s.dependsOnAll).map((s) => s.name);
  // Named dependents (dependency → services that wrote its name); "*" lists are not read.
  const dependents = new Map<string, string[]>();
  for (const service of services) {
    if (service.dependsOnAll) continue;
    for (const d of knownDependencies(plan, service)) {
      const list = dependents.get(d);
      if (list) list.push(service.name);
      else dependents.set(d, [service.name]);
    }
  }
  const tangle = new Set<string>(stars);
  const queue = [...stars];
  while (queue.length > 0) {
    for (const dependent of dependents.get(queue.pop()!) ?? []) {
      if (tangle.has(dependent)) continue;
      tangle.add(dependent);
      queue.push(dependent);
    }
  }
  // The rest: the named dependencies among services outside the tangle.
  const rest = new DirectedGraph<ServiceNodeAttributes, DependencyEdgeAttributes, DependencyGraphAttributes>({ unknownDependencies: [] });
  const edge: DependencyEdgeAttributes = { fromStar: false };
  services.forEach((service, index) => {
    if (!tangle.has(service.name)) rest.mergeNode(service.name, { startupSeconds: service.startupSeconds, dependsOnAll: false, index });
  });
  for (const service of services) {
    if (tangle.has(service.name)) continue;
    for (const d of knownDependencies(plan, service)) if (!tangle.has(d)) rest.mergeEdge(d, service.name, edge);
  }
  const components = stronglyConnectedComponents(rest);
  if (tangle.size > 0) components.push(services.filter((s) => tangle.has(s.name)).map((s) => s.name));
  const order = new Map(services.map((s, i) => [s.name, i]));
  components.sort((a, b) => order.get(a[0]!)! - order.get(b[0]!)!);
  const dependenciesOf = (name: string) => knownDependencies(plan, plan.services.get(name)!);
  // Written self-dependencies only: "*" is every *other* service.
  const selfLoop = (name: string) => plan.services.get(name)!.dependsOnNamed.includes(name);
  const cycles: DependencyCycle[] = [];
  for (const members of components) {
    if (members.length === 1 && !selfLoop(members[0]!)) continue;
    const path = shortestCycleBy(members, dependenciesOf, selfLoop);
    const throughStar = path.some((service, i) => i < path.length - 1 && plan.services.get(service)!.dependsOnAll);
    cycles.push({ path, members, throughStar });
  }
  return cycles;
}
