/**
 * Nodes with pods bound to them, outside any cluster: `check` and the planner place a plan's pods
 * here one at a time through `scheduleOne`, the same cycle the simulated cluster runs.
 */
import type { Cluster } from "../plan/model.js";
import type { SchedulingNode, SchedulingPod } from "./filter.js";
import { clusterNodes, kindSystemPods } from "./nodes.js";
import { nonZeroRequest, type ResourcePair } from "./pod-request.js";
import { mulberry32 } from "./prng.js";
import { scheduleOne, type NodeRotation, type ScheduleOptions, type ScheduleResult, type Victims } from "./schedule.js";

/** A pod placed by {@link NodePacking}, with the service it belongs to. */
export interface PackedPod extends SchedulingPod {
  /** The service (or system pod) the pod belongs to. */
  owner: string;
}

/** A node of a {@link NodePacking}: allocatable, what is requested on it and its pods. */
export class PackingNode implements SchedulingNode {
  readonly requested: ResourcePair = { cpu: 0, memory: 0 };
  readonly nonZeroRequested: ResourcePair = { cpu: 0, memory: 0 };
  readonly pods: PackedPod[] = [];
  /** Pods per owner, for PodTopologySpread's count of matching pods. */
  private readonly owners = new Map<string, number>();

  constructor(
    readonly name: string,
    readonly allocatable: ResourcePair,
    readonly allocatablePods: number,
    readonly taints: readonly string[],
  ) {}

  get podCount(): number {
    return this.pods.length;
  }

  /** Pods of `owner` on the node (the default spread selector matches a workload's own pods). */
  podsOf(owner: string): number {
    return this.owners.get(owner) ?? 0;
  }

  add(pod: PackedPod): void {
    this.pods.push(pod);
    this.count(pod, 1);
  }

  remove(pod: PackedPod): void {
    const i = this.pods.indexOf(pod);
    if (i < 0) return;
    this.pods.splice(i, 1);
    this.count(pod, -1);
  }

  private count(pod: PackedPod, sign: 1 | -1): void {
    this.owners.set(pod.owner, (this.owners.get(pod.owner) ?? 0) + sign);
    const nz = nonZeroRequest(pod.request);
    this.requested.cpu += sign * pod.request.cpu;
    this.requested.memory += sign * pod.request.memory;
    this.nonZeroRequested.cpu += sign * nz.cpu;
    this.nonZeroRequested.memory += sign * nz.memory;
  }

  clone(): PackingNode {
    const copy = new PackingNode(this.name, this.allocatable, this.allocatablePods, this.taints);
    for (const pod of this.pods) copy.add(pod);
    return copy;
  }
}

/** Lower-priority pods on the node: what DefaultPreemption would consider evicting. */
export function lowerPriorityPods(pods: Iterable<{ priority: number; request: ResourcePair }>, priority: number): Victims {
  const victims: Victims = { pods: 0, requested: { cpu: 0, memory: 0 } };
  for (const pod of pods) {
    if (pod.priority >= priority) continue;
    victims.pods++;
    victims.requested.cpu += pod.request.cpu;
    victims.requested.memory += pod.request.memory;
  }
  return victims;
}

/** system-node-critical / system-cluster-critical: kube-system pods never yield to app pods. */
export const SYSTEM_POD_PRIORITY = 2_000_000_000;

/**
 * Pods placed onto the plan's nodes one at a time with the kube-scheduler's filters, scores,
 * tie-break and preemption: the one fit model shared by check, the planner and the simulated
 * cluster.
 */
export class NodePacking {
  private constructor(
    readonly nodes: PackingNode[],
    private readonly random: () => number,
    private readonly rotation: NodeRotation = { nextStartNodeIndex: 0 },
  ) {}

  /**
   * The plan's nodes, with kind's kube-system pods bound where kind runs them. `seed` drives the
   * tie-break between equal scores (see `scheduleOne`); the simulated cluster derives its own
   * tie-break stream from the same seed with `schedulingRandom`.
   */
  static forCluster(cluster: Pick<Cluster, "nodes" | "reserved" | "overhead">, seed = 1): NodePacking {
    const nodes = clusterNodes(cluster).map((n) => new PackingNode(n.name, n.allocatable, n.pods, n.taints));
    if (cluster.overhead === "kind") {
      for (const system of kindSystemPods(nodes.length)) {
        nodes[system.nodeIndex]!.add({ owner: `kube-system/${system.name}`, request: system.requests, priority: SYSTEM_POD_PRIORITY });
      }
    }
    return new NodePacking(nodes, schedulingRandom(seed));
  }

  /** An independent copy of the nodes and their pods (sharing the tie-break stream). */
  clone(): NodePacking {
    return new NodePacking(
      this.nodes.map((n) => n.clone()),
      this.random,
      { ...this.rotation },
    );
  }

  private options(pod: PackedPod, rotation: NodeRotation): ScheduleOptions<PackingNode> {
    return {
      random: this.random,
      victimsOn: (node, priority) => lowerPriorityPods(node.pods, priority),
      rotation,
      matchingPodsOn: (node) => node.podsOf(pod.owner),
    };
  }

  /** A scheduling cycle for the pod without binding it: where it would go, or why it cannot. */
  trial(pod: PackedPod): ScheduleResult<PackingNode> {
    return scheduleOne(pod, this.nodes, this.options(pod, { ...this.rotation }));
  }

  /** Runs a scheduling cycle for the pod and binds it to the chosen node. */
  place(pod: PackedPod): ScheduleResult<PackingNode> {
    const result = scheduleOne(pod, this.nodes, this.options(pod, this.rotation));
    if (result.node) result.node.add(pod);
    return result;
  }
}

/** The scheduler's tie-break stream for a run's seed, kept apart from the kubelet's jitter. */
export function schedulingRandom(seed: number): () => number {
  return mulberry32((seed ^ 0x5eed5c4e) >>> 0);
}
