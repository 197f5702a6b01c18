/**
 * A service's whole pod, counted from the plan: the main container plus its sidecars and init
 * containers, by the one effective-request rule (scheduling/pod-request.ts, the same rule
 * qos/pod-resources.ts podRequests applies to rendered pods), so totals, capacity checks and the
 * planner count what the scheduler will.
 */
import { podRequest } from "../scheduling/pod-request.js";
import type { ResourceAmount, Service } from "./model.js";

/** The effective request of one pod of the service (memory bytes, CPU millicores). */
export function podRequestOf(service: Pick<Service, "requests" | "containers" | "initContainers">): ResourceAmount {
  if (service.containers === undefined && service.initContainers === undefined) return service.requests;
  return podRequest({
    containers: [service.requests, ...(service.containers ?? []).map((c) => c.requests)],
    initContainers: (service.initContainers ?? []).map((c) => ({ ...c.requests, restartable: c.sidecar })),
  });
}
