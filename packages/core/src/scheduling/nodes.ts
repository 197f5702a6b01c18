/**
 * The nodes a plan's `cluster` describes, as the scheduler sees them: names, allocatable, taints,
 * and on kind the kube-system pods already bound. Used by `check`, the planner and the simulated
 * cluster, so all three start from the same nodes.
 */
import { clusterNodeNames } from "../plan/api-rules.js";
import type { Cluster } from "../plan/model.js";
import { CONTROL_PLANE_TAINT } from "./filter.js";
import type { ResourcePair } from "./pod-request.js";

const Mi = 1024 * 1024;

/** pkg/kubelet/eviction/defaults_linux.go DefaultEvictionHard: memory.available<100Mi. */
export const DEFAULT_EVICTION_HARD_MEMORY = 100 * Mi;

/** What the Kubernetes distribution itself runs on the nodes (kind's system pods), or none. */
export type ClusterOverhead = Cluster["overhead"];

/**
 * The kubelet's hard eviction threshold for memory on this cluster's nodes. kind's kubelet config
 * sets `evictionHard` to disk signals only (kind pkg/cluster/internal/kubeadm/config.go), and a
 * partial evictionHard drops the other defaults: no memory threshold. A stock kubelet keeps 100Mi.
 */
export function evictionHardMemory(overhead: ClusterOverhead): number {
  return overhead === "kind" ? 0 : DEFAULT_EVICTION_HARD_MEMORY;
}

/**
 * Node allocatable (pkg/kubelet/cm/node_container_manager_linux.go GetNodeAllocatableAbsolute, the
 * figure the scheduler fits against): capacity − kube-reserved − system-reserved − the hard
 * eviction threshold. The plan's `cluster.reserved` holds all three (its memory defaults to the
 * stock kubelet's 100Mi threshold). kind reserves nothing and has no memory threshold, so there
 * allocatable is the capacity, whatever `reserved` says.
 */
export function nodeAllocatableOf(capacity: ResourcePair, reserved: ResourcePair, overhead: ClusterOverhead): ResourcePair {
  if (overhead === "kind") return { memory: capacity.memory, cpu: capacity.cpu };
  return { memory: Math.max(0, capacity.memory - reserved.memory), cpu: Math.max(0, capacity.cpu - reserved.cpu) };
}

/**
 * kind (pkg/cluster/internal/create/actions/kubeadminit/init.go) removes the control-plane
 * NoSchedule taint only when the cluster is a single node; with workers, the first node keeps it
 * and app pods never land there.
 */
export function nodeTaints(index: number, nodeCount: number, overhead: ClusterOverhead): string[] {
  return overhead === "kind" && nodeCount > 1 && index === 0 ? [CONTROL_PLANE_TAINT] : [];
}

/**
 * One node of the plan's cluster as the scheduler sees it: name, capacity, allocatable and taints.
 */
export interface ClusterNode {
  name: string;
  capacity: ResourcePair;
  allocatable: ResourcePair;
  pods: number;
  taints: string[];
}

/**
 * The plan's cluster as individual nodes (named as kind names them), with allocatable = capacity −
 * reserved.
 */
export function clusterNodes(cluster: Pick<Cluster, "nodes" | "reserved" | "overhead">): ClusterNode[] {
  const names = clusterNodeNames(cluster).flat();
  const groups = cluster.nodes.flatMap((group) => Array.from({ length: group.count }, () => group));
  return groups.map((group, i) => {
    const capacity = { memory: group.memory, cpu: group.cpu };
    return {
      name: names[i]!,
      capacity,
      allocatable: nodeAllocatableOf(capacity, cluster.reserved, cluster.overhead),
      pods: group.pods,
      taints: nodeTaints(i, groups.length, cluster.overhead),
    };
  });
}

/** A pod the distribution runs on a node before the plan's (static pods, DaemonSets, CoreDNS). */
export interface SystemPod {
  name: string;
  /** The node it runs on (static pods, DaemonSet pods, CoreDNS on the first node). */
  nodeIndex: number;
  requests: ResourcePair;
  limits: { memory?: number; cpu?: number };
}

/**
 * kube-system pods of a kind cluster (kind's default manifests; figures in docs/simulator.md):
 * on the control-plane (first) node etcd 100m/100Mi, kube-apiserver 250m, kube-controller-manager
 * 200m, kube-scheduler 100m, CoreDNS ×2 100m/70Mi (limit 170Mi; it tolerates the control-plane
 * taint and is scheduled before workers join); kindnet 100m/50Mi on every node (DaemonSet).
 */
export function kindSystemPods(nodeCount: number): SystemPod[] {
  const pod = (name: string, nodeIndex: number, cpu: number, memory: number, limits: SystemPod["limits"] = {}): SystemPod => ({
    name,
    nodeIndex,
    requests: { cpu, memory },
    limits,
  });
  const pods = [
    pod("etcd", 0, 100, 100 * Mi),
    pod("kube-apiserver", 0, 250, 0),
    pod("kube-controller-manager", 0, 200, 0),
    pod("kube-scheduler", 0, 100, 0),
    pod("coredns-0", 0, 100, 70 * Mi, { memory: 170 * Mi }),
    pod("coredns-1", 0, 100, 70 * Mi, { memory: 170 * Mi }),
  ];
  for (let i = 0; i < nodeCount; i++) pods.push(pod(`kindnet-${i}`, i, 100, 50 * Mi, { memory: 50 * Mi, cpu: 100 }));
  return pods;
}
