import type { WorkloadSpec } from "../workload-spec.js";
import { DEFAULT_PROBE } from "../workload-spec.js";

const Mi = 1024 * 1024;

/**
 * kube-system pods of a kind cluster (kind's default manifests; figures in docs/simulator.md):
 * CoreDNS ×2 100m/70Mi (limit 170Mi), kindnet 100m/50Mi on every node (DaemonSet), and on the
 * control-plane (first) node etcd 100m/100Mi, kube-apiserver 250m, kube-controller-manager 200m,
 * kube-scheduler 100m. About 950m / 290Mi on the first node of a one-node cluster.
 */
export interface SystemPod {
  name: string;
  /** Bound to this node index, or undefined to let the scheduler place it. */
  nodeIndex?: number;
  spec: WorkloadSpec;
}

function systemSpec(name: string, cpu: number, memory: number, memoryLimit?: number, cpuLimit?: number): WorkloadSpec {
  const limits: { memory?: number; cpu?: number } = {};
  if (memoryLimit !== undefined) limits.memory = memoryLimit;
  if (cpuLimit !== undefined) limits.cpu = cpuLimit;
  return {
    name,
    kind: "Deployment",
    replicas: 1,
    requests: { memory, cpu },
    limits,
    strategy: "RollingUpdate",
    maxSurge: "25%",
    maxUnavailable: "25%",
    progressDeadlineSeconds: 600,
    terminationGracePeriodSeconds: 30,
    readinessProbe: { ...DEFAULT_PROBE },
    livenessProbe: { ...DEFAULT_PROBE },
    persistent: false,
    // system-node-critical / system-cluster-critical: never chosen for eviction before apps.
    priority: 2_000_000_000,
    dependsOn: [],
    expected: { startupSeconds: 0, usage: { memory, cpu } },
  };
}

export function kindSystemPods(nodeCount: number): SystemPod[] {
  const pods: SystemPod[] = [
    { name: "etcd", nodeIndex: 0, spec: systemSpec("kube-system/etcd", 100, 100 * Mi) },
    { name: "kube-apiserver", nodeIndex: 0, spec: systemSpec("kube-system/kube-apiserver", 250, 0) },
    { name: "kube-controller-manager", nodeIndex: 0, spec: systemSpec("kube-system/kube-controller-manager", 200, 0) },
    { name: "kube-scheduler", nodeIndex: 0, spec: systemSpec("kube-system/kube-scheduler", 100, 0) },
    { name: "coredns-0", nodeIndex: 0, spec: systemSpec("kube-system/coredns-0", 100, 70 * Mi, 170 * Mi) },
    { name: "coredns-1", nodeIndex: 0, spec: systemSpec("kube-system/coredns-1", 100, 70 * Mi, 170 * Mi) },
  ];
  for (let i = 0; i < nodeCount; i++) {
    pods.push({ name: `kindnet-${i}`, nodeIndex: i, spec: systemSpec(`kube-system/kindnet-${i}`, 100, 50 * Mi, 50 * Mi, 100) });
  }
  return pods;
}
