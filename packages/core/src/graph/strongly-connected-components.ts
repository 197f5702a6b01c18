/**
 * Tarjan's strongly connected components, iterative (a plan with thousands of services in a
 * chain must not overflow the call stack).
 */
import type { DependencyGraph } from "./build-dependency-graph.js";

/**
 * Returns every strongly connected component of the graph, each listing its members in
 * declaration order; components come in the order of their first member. Singletons are
 * included (a singleton is cyclic only when it has a self-loop).
 */
export function stronglyConnectedComponents(graph: DependencyGraph): string[][] {
  const indexOf = new Map<string, number>();
  const lowLink = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;

  for (const root of graph.nodes()) {
    if (indexOf.has(root)) continue;
    // Each frame: the node and the successors still to visit.
    const frames: Array<{ node: string; successors: string[]; next: number }> = [];
    const open = (node: string) => {
      indexOf.set(node, counter);
      lowLink.set(node, counter);
      counter++;
      stack.push(node);
      onStack.add(node);
      frames.push({ node, successors: graph.outNeighbors(node), next: 0 });
    };
    open(root);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1]!;
      if (frame.next < frame.successors.length) {
        const successor = frame.successors[frame.next++]!;
        if (!indexOf.has(successor)) {
          open(successor);
        } else if (onStack.has(successor)) {
          lowLink.set(frame.node, Math.min(lowLink.get(frame.node)!, indexOf.get(successor)!));
        }
        continue;
      }
      frames.pop();
      const parent = frames[frames.length - 1];
      if (parent) lowLink.set(parent.node, Math.min(lowLink.get(parent.node)!, lowLink.get(frame.node)!));
      if (lowLink.get(frame.node) === indexOf.get(frame.node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        components.push(component);
      }
    }
  }

  const order = (name: string) => graph.getNodeAttribute(name, "index");
  for (const component of components) component.sort((a, b) => order(a) - order(b));
  components.sort((a, b) => order(a[0]!) - order(b[0]!));
  return components;
}
