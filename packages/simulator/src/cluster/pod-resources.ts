/**
 * The effective-request rule lives in core (packages/core/src/qos/pod-resources.ts) so the
 * importer counts a pod exactly as the clusters do; this re-export keeps the simulator's imports.
 */
export { podLimits, podRequests, quantityBytes, quantityMillis, resourcesOf, type PodResources } from "@openpolicy/core";
