/**
 * A small directed graph keyed by service names, on `Map`s only.
 *
 * Why not graphology: its neighbour indexes are plain objects, so a service named `constructor`,
 * `toString` or `__proto__` finds an inherited property where an edge should be and mergeEdge
 * throws a TypeError (issue 9). Service names are user data, so every index here is a Map, and
 * the methods keep graphology's names for the handful of operations the graph module needs.
 */
export interface DirectedEdge<E> {
  source: string;
  target: string;
  attributes: E;
}

interface NodeEntry<N, E> {
  attributes: N;
  /** target → edge attributes */
  out: Map<string, E>;
  /** source → edge attributes */
  in: Map<string, E>;
}

/**
 * A small directed graph with attributes on nodes, edges and the graph; insertion-ordered, so
 * traversals are deterministic.
 */
export class DirectedGraph<N extends object, E extends object, G extends object> {
  private readonly entries = new Map<string, NodeEntry<N, E>>();
  private edgeCount = 0;

  constructor(private readonly attributes: G) {}

  /** Number of nodes. */
  get order(): number {
    return this.entries.size;
  }

  /** Number of edges. */
  get size(): number {
    return this.edgeCount;
  }

  getAttribute<K extends keyof G>(name: K): G[K] {
    return this.attributes[name];
  }

  setAttribute<K extends keyof G>(name: K, value: G[K]): void {
    this.attributes[name] = value;
  }

  /** Adds the node, or replaces its attributes when it exists. */
  mergeNode(node: string, attributes: N): void {
    const entry = this.entries.get(node);
    if (entry) entry.attributes = attributes;
    else this.entries.set(node, { attributes, out: new Map(), in: new Map() });
  }

  hasNode(node: string): boolean {
    return this.entries.has(node);
  }

  /** Nodes in insertion order. */
  nodes(): string[] {
    return [...this.entries.keys()];
  }

  forEachNode(callback: (node: string, attributes: N) => void): void {
    for (const [node, entry] of this.entries) callback(node, entry.attributes);
  }

  getNodeAttribute<K extends keyof N>(node: string, name: K): N[K] {
    return this.entry(node).attributes[name];
  }

  /** Adds the edge source → target, or replaces its attributes when it exists. */
  mergeEdge(source: string, target: string, attributes: E): void {
    const from = this.entry(source);
    const to = this.entry(target);
    if (!from.out.has(target)) this.edgeCount++;
    from.out.set(target, attributes);
    to.in.set(source, attributes);
  }

  hasDirectedEdge(source: string, target: string): boolean {
    return this.entries.get(source)?.out.has(target) ?? false;
  }

  getDirectedEdgeAttribute<K extends keyof E>(source: string, target: string, name: K): E[K] {
    const attributes = this.entry(source).out.get(target);
    if (attributes === undefined) throw new Error(`graph: no edge ${JSON.stringify(source)} → ${JSON.stringify(target)}`);
    return attributes[name];
  }

  dropDirectedEdge(source: string, target: string): void {
    const from = this.entry(source);
    if (!from.out.delete(target)) return;
    this.entry(target).in.delete(source);
    this.edgeCount--;
  }

  /** Every edge, grouped by source in node order, each source's edges in insertion order. */
  directedEdges(): DirectedEdge<E>[] {
    const edges: DirectedEdge<E>[] = [];
    for (const [source, entry] of this.entries) {
      for (const [target, attributes] of entry.out) edges.push({ source, target, attributes });
    }
    return edges;
  }

  inNeighbors(node: string): string[] {
    return [...this.entry(node).in.keys()];
  }

  outNeighbors(node: string): string[] {
    return [...this.entry(node).out.keys()];
  }

  inDegree(node: string): number {
    return this.entry(node).in.size;
  }

  outDegree(node: string): number {
    return this.entry(node).out.size;
  }

  private entry(node: string): NodeEntry<N, E> {
    const entry = this.entries.get(node);
    if (entry === undefined) throw new Error(`graph: no node ${JSON.stringify(node)}`);
    return entry;
  }
}
