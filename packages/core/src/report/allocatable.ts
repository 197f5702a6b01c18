/**
 * What the cluster can hand out to pods. Kubernetes schedules against a node's allocatable, not
 * its capacity: allocatable = capacity − kube-reserved − system-reserved − hard eviction threshold
 * (kubelet, "Reserve Compute Resources for System Daemons"; pkg/kubelet/cm/node_container_manager_linux.go).
 * Every percentage we print is of allocatable, which is what `kubectl describe node` shows under
 * "Allocated resources".
 */
import type { Cluster, NodeGroup, Plan, ResourceAmount } from "../plan/model.js";
import { nodeAllocatableOf } from "../scheduling/nodes.js";

/** Allocatable of one node of the group (never negative): the scheduler's figure (scheduling/nodes.ts). */
export function nodeAllocatable(group: NodeGroup, reserved: ResourceAmount, overhead: Cluster["overhead"] = "none"): ResourceAmount {
  return nodeAllocatableOf({ memory: group.memory, cpu: group.cpu }, reserved, overhead);
}

/** Sum of allocatable over all nodes. */
export function clusterAllocatable(plan: Plan): ResourceAmount {
  let memory = 0;
  let cpu = 0;
  for (const group of plan.cluster.nodes) {
    const one = nodeAllocatable(group, plan.cluster.reserved, plan.cluster.overhead);
    memory += one.memory * group.count;
    cpu += one.cpu * group.count;
  }
  return { memory, cpu };
}

/** Sum of capacity over all nodes. */
export function clusterCapacity(plan: Plan): ResourceAmount {
  let memory = 0;
  let cpu = 0;
  for (const group of plan.cluster.nodes) {
    memory += group.memory * group.count;
    cpu += group.cpu * group.count;
  }
  return { memory, cpu };
}
