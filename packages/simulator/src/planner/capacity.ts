/**
 * Can the nodes hold a batch? A static packing check the planner runs before simulating a
 * candidate, so that it never proposes a batch whose pods cannot all be scheduled.
 *
 * The nodes are those the simulation builds (`simulatedNodes`, plus kind's kube-system pods when
 * `cluster.overhead` is "kind"). Pods of earlier batches stay where they were put; a batch's pods
 * are placed largest first, each on the feasible node with the best LeastAllocated score — the
 * scheduler's NodeResourcesFit filter and default scoring (kubernetes
 * pkg/scheduler/framework/plugins/noderesources/fit.go, least_allocated.go). When the rollout is
 * an upgrade, each Deployment's rolling update also creates up to maxSurge extra pods while the
 * batch runs (ResolveFenceposts, pkg/controller/deployment/util/deployment_util.go); those are
 * placed on top, transiently. Packing is a heuristic (the real scheduler sees pods one at a time,
 * with random tie-breaks), which is why every candidate is also simulated.
 */
import type { Plan, Service } from "@openpolicy/core";
import { resolveFenceposts } from "../cluster/rolling-update.js";
import { kindSystemPods } from "../cluster/simulated/kind-overhead.js";
import { simulatedNodes } from "../simulate.js";

interface PackingNode {
  name: string;
  allocatableMemory: number;
  allocatableCpu: number;
  allocatablePods: number;
  memory: number;
  cpu: number;
  pods: number;
}

interface PodRequest {
  service: string;
  memory: number;
  cpu: number;
}

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

function fits(node: PackingNode, pod: PodRequest): boolean {
  if (node.pods + 1 > node.allocatablePods) return false;
  if (pod.cpu > 0 && pod.cpu > node.allocatableCpu - node.cpu) return false;
  if (pod.memory > 0 && pod.memory > node.allocatableMemory - node.memory) return false;
  return true;
}

/** least_allocated.go: mean over cpu and memory of the free share after placing the pod. */
function leastAllocatedScore(node: PackingNode, pod: PodRequest): number {
  const share = (allocatable: number, used: number) => (allocatable <= 0 ? 0 : ((allocatable - used) * 100) / allocatable);
  return (share(node.allocatableCpu, node.cpu + pod.cpu) + share(node.allocatableMemory, node.memory + pod.memory)) / 2;
}

function place(nodes: PackingNode[], pod: PodRequest): boolean {
  let best: PackingNode | undefined;
  let bestScore = -Infinity;
  for (const node of nodes) {
    if (!fits(node, pod)) continue;
    const score = leastAllocatedScore(node, pod);
    if (score > bestScore) {
      best = node;
      bestScore = score;
    }
  }
  if (!best) return false;
  best.memory += pod.memory;
  best.cpu += pod.cpu;
  best.pods += 1;
  return true;
}

/** Largest memory first, then largest CPU; declaration order breaks ties. */
function largestFirst(pods: PodRequest[]): PodRequest[] {
  return pods.map((pod, i) => ({ pod, i })).sort((a, b) => b.pod.memory - a.pod.memory || b.pod.cpu - a.pod.cpu || a.i - b.i).map(({ pod }) => pod);
}

interface PlacedPod {
  node: number;
  memory: number;
  cpu: number;
}

function placeAt(nodes: PackingNode[], pod: PodRequest): number {
  let best = -1;
  let bestScore = -Infinity;
  nodes.forEach((node, i) => {
    if (!fits(node, pod)) return;
    const score = leastAllocatedScore(node, pod);
    if (score > bestScore) {
      best = i;
      bestScore = score;
    }
  });
  if (best < 0) return -1;
  const node = nodes[best]!;
  node.memory += pod.memory;
  node.cpu += pod.cpu;
  node.pods += 1;
  return best;
}

function podsOf(service: Service): PodRequest[] {
  return Array.from({ length: service.replicas }, () => ({ service: service.name, memory: service.requests.memory, cpu: service.requests.cpu }));
}

export class CapacityModel {
  private readonly empty: PackingNode[];

  constructor(
    private readonly plan: Plan,
    private readonly options: CapacityOptions = {},
  ) {
    this.empty = simulatedNodes(plan).map((n) => ({
      name: n.name,
      allocatableMemory: Math.max(0, n.memory - n.reservedMemory),
      allocatableCpu: Math.max(0, n.cpu - n.reservedCpu),
      allocatablePods: n.pods,
      memory: 0,
      cpu: 0,
      pods: 0,
    }));
    if (plan.cluster.overhead === "kind") {
      for (const system of kindSystemPods(this.empty.length)) {
        const pod = { service: system.name, memory: system.spec.requests.memory, cpu: system.spec.requests.cpu };
        const node = system.nodeIndex !== undefined ? this.empty[system.nodeIndex] : undefined;
        if (node) {
          node.memory += pod.memory;
          node.cpu += pod.cpu;
          node.pods += 1;
        } else {
          place(this.empty, pod);
        }
      }
    }
  }

  /**
   * The first batch (in rollout order) whose pods, or whose rolling-update surge, cannot be placed.
   * Pods stay on the node they were put on; a batch's surge pods are placed on top of everything
   * running, all at once (the peak when the whole batch rolls together), then the services'
   * old pods give way to their new ones.
   */
  check(batches: readonly (readonly string[])[]): CapacityProblem | undefined {
    const nodes = this.empty.map((n) => ({ ...n }));
    const running = new Map<string, PlacedPod[]>();
    const add = (pods: PodRequest[]): PodRequest | undefined => {
      for (const pod of largestFirst(pods)) {
        const node = placeAt(nodes, pod);
        if (node < 0) return pod;
        const list = running.get(pod.service) ?? [];
        list.push({ node, memory: pod.memory, cpu: pod.cpu });
        running.set(pod.service, list);
      }
      return undefined;
    };
    if (this.options.from) {
      const failed = add([...this.options.from.services.values()].flatMap(podsOf));
      if (failed) return { batch: -1, message: `the running release does not fit on the nodes (${failed.service})` };
    }
    for (let b = 0; b < batches.length; b++) {
      const services = batches[b]!.map((name) => this.plan.services.get(name)).filter((s): s is Service => s !== undefined);
      const transient = nodes.map((n) => ({ ...n }));
      // Only a service already running rolls; a new one simply starts its pods.
      const surge = services
        .filter((s) => running.has(s.name))
        .flatMap((s) => Array.from({ length: surgePods(s) }, () => ({ service: s.name, memory: s.requests.memory, cpu: s.requests.cpu })));
      for (const pod of largestFirst(surge)) {
        if (!place(transient, pod)) return { batch: b, message: `a surge pod of ${pod.service} fits on no node while batch ${b + 1} rolls` };
      }
      for (const service of services) {
        for (const pod of running.get(service.name) ?? []) {
          const node = nodes[pod.node]!;
          node.memory -= pod.memory;
          node.cpu -= pod.cpu;
          node.pods -= 1;
        }
        running.delete(service.name);
      }
      const failed = add(services.flatMap(podsOf));
      if (failed) return { batch: b, message: `a pod of ${failed.service} fits on no node once batch ${b + 1}'s pods and those before it are placed` };
    }
    return undefined;
  }
}
