export { DirectedGraph, type DirectedEdge } from "./directed-graph.js";
export {
  buildDependencyGraph,
  type DependencyGraph,
  type DependencyGraphAttributes,
  type DependencyEdgeAttributes,
  type ServiceNodeAttributes,
  type UnknownDependency,
} from "./build-dependency-graph.js";
export { stronglyConnectedComponents } from "./strongly-connected-components.js";
export { findCycles, findPlanCycles, type DependencyCycle } from "./find-cycles.js";
export { topologicalGenerations } from "./topological-generations.js";
export { criticalPath, type CriticalPath } from "./critical-path.js";
export { breakCycles, type DroppedDependency } from "./break-cycles.js";
