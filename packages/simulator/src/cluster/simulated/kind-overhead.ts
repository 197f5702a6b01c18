import { kindSystemPods as coreKindSystemPods, SYSTEM_POD_PRIORITY } from "@openpolicy/core";
import type { WorkloadSpec } from "../workload-spec.js";
import { DEFAULT_PROBE } from "../workload-spec.js";

/**
 * kube-system pods of a kind cluster as workloads of the simulated cluster. The table (which pods,
 * their requests, on which node) is core's `kindSystemPods`, which `check` and the planner read too.
 */
export interface SystemPod {
  name: string;
  /** Bound to this node index. */
  nodeIndex: number;
  spec: WorkloadSpec;
}

function systemSpec(name: string, requests: { memory: number; cpu: number }, limits: { memory?: number; cpu?: number }): WorkloadSpec {
  return {
    name,
    kind: "Deployment",
    replicas: 1,
    requests: { ...requests },
    limits: { ...limits },
    strategy: "RollingUpdate",
    maxSurge: "25%",
    maxUnavailable: "25%",
    progressDeadlineSeconds: 600,
    terminationGracePeriodSeconds: 30,
    readinessProbe: { ...DEFAULT_PROBE },
    livenessProbe: { ...DEFAULT_PROBE },
    persistent: false,
    // system-node-critical / system-cluster-critical: never chosen for eviction before apps.
    priority: SYSTEM_POD_PRIORITY,
    dependsOn: [],
    expected: { startupSeconds: 0, usage: { ...requests } },
  };
}

export function kindSystemPods(nodeCount: number): SystemPod[] {
  return coreKindSystemPods(nodeCount).map((pod) => ({
    name: pod.name,
    nodeIndex: pod.nodeIndex,
    spec: systemSpec(`kube-system/${pod.name}`, pod.requests, pod.limits),
  }));
}
