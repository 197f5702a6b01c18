/**
 * Can the nodes hold a batch? A static packing check the planner runs before simulating a
 * candidate, so that it never proposes a batch whose pods cannot all be scheduled.
 *
 * The nodes, kind's kube-system pods and the scheduling cycle (filter, scores, tie-break) are
 * core's (packages/core/src/scheduling), the ones `check` and the simulated cluster use. Pods of
 * earlier batches stay where they were put; a batch's pods are placed largest first. When the
 * rollout is an upgrade, each Deployment's rolling update also creates up to maxSurge extra pods
 * while the batch runs (ResolveFenceposts, pkg/controller/deployment/util/deployment_util.go);
 * those are placed on top, transiently. Largest-first is a heuristic (the real scheduler sees pods
 * in creation order), which is why every candidate is also simulated.
 */
import { NodePacking, servicePodRequest, type PackedPod, type PackingNode, type Plan, type Service } from "@openpolicy/core";
import { resolveFenceposts } from "../cluster/rolling-update.js";

export interface CapacityOptions {
  /**
   * The release currently running (an upgrade): its pods occupy the nodes from the start, and a
   * service it already runs rolls with surge pods instead of starting fresh.
   */
  from?: Plan;
}

export interface CapacityProblem {
  /** Index of the first batch that does not fit. */
  batch: number;
  message: string;
}

/** Extra pods a rolling update of the service may run while it rolls (0 for Recreate and StatefulSets). */
export function surgePods(service: Service): number {
  if (service.kind !== "Deployment" || service.strategy !== "RollingUpdate" || service.replicas === 0) return 0;
  return resolveFenceposts(service.rollingUpdate.maxSurge, service.rollingUpdate.maxUnavailable, service.replicas).surge;
}

/** Largest memory first, then largest CPU; declaration order breaks ties. */
function largestFirst(pods: PackedPod[]): PackedPod[] {
  return pods
    .map((pod, i) => ({ pod, i }))
    .sort((a, b) => b.pod.request.memory - a.pod.request.memory || b.pod.request.cpu - a.pod.request.cpu || a.i - b.i)
    .map(({ pod }) => pod);
}

function podsOf(service: Service, count = service.replicas): PackedPod[] {
  return Array.from({ length: count }, () => ({ owner: service.name, request: servicePodRequest(service), priority: service.priority }));
}

export class CapacityModel {
  private readonly empty: NodePacking;

  constructor(
    private readonly plan: Plan,
    private readonly options: CapacityOptions = {},
  ) {
    this.empty = NodePacking.forCluster(plan.cluster);
  }

  /**
   * The first batch (in rollout order) whose pods, or whose rolling-update surge, cannot be placed.
   * Pods stay on the node they were put on; a batch's surge pods are placed on top of everything
   * running, all at once (the peak when the whole batch rolls together), then the services'
   * old pods give way to their new ones.
   */
  check(batches: readonly (readonly string[])[]): CapacityProblem | undefined {
    const packing = this.empty.clone();
    const running = new Map<string, { node: PackingNode; pod: PackedPod }[]>();
    const add = (pods: PackedPod[]): PackedPod | undefined => {
      for (const pod of largestFirst(pods)) {
        const { node } = packing.place(pod);
        if (!node) return pod;
        const list = running.get(pod.owner) ?? [];
        list.push({ node, pod });
        running.set(pod.owner, list);
      }
      return undefined;
    };
    if (this.options.from) {
      const failed = add([...this.options.from.services.values()].flatMap((s) => podsOf(s)));
      if (failed) return { batch: -1, message: `the running release does not fit on the nodes (${failed.owner})` };
    }
    for (let b = 0; b < batches.length; b++) {
      const services = batches[b]!.map((name) => this.plan.services.get(name)).filter((s): s is Service => s !== undefined);
      const transient = packing.clone();
      // Only a service already running rolls; a new one simply starts its pods.
      const surge = services.filter((s) => running.has(s.name)).flatMap((s) => podsOf(s, surgePods(s)));
      for (const pod of largestFirst(surge)) {
        if (!transient.place(pod).node) return { batch: b, message: `a surge pod of ${pod.owner} fits on no node while batch ${b + 1} rolls` };
      }
      for (const service of services) {
        for (const { node, pod } of running.get(service.name) ?? []) node.remove(pod);
        running.delete(service.name);
      }
      const failed = add(services.flatMap((s) => podsOf(s)));
      if (failed) return { batch: b, message: `a pod of ${failed.owner} fits on no node once batch ${b + 1}'s pods and those before it are placed` };
    }
    return undefined;
  }
}
