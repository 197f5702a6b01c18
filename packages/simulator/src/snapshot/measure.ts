/**
 * What a namespace's pods show about their software, per workload: memory and CPU in use
 * (metrics.k8s.io PodMetrics, when metrics-server answers) and how long a container took from
 * its start to Ready (the pod's conditions and container states).
 *
 * - A workload's pods are those its selector's matchLabels select (a Deployment's or
 *   StatefulSet's `spec.selector`; apps/v1 requires it). matchExpressions are not evaluated:
 *   a pod must carry the matchLabels, which every selector the importer reads has.
 * - usage: the largest pod's (the sum of its containers' usage, as the kubelet reports a pod):
 *   a plan's usage is per pod, and a rehearsal should not be optimistic about the busiest one.
 * - start-up: per Ready pod, Ready's lastTransitionTime minus the latest container start
 *   (`state.running.startedAt`; when no container reports one, the Initialized condition, else
 *   PodScheduled). That is the plan's `startup` ("container start to Ready"), without the image
 *   pull. The median over the pods, so one pod whose readiness flapped later does not decide it.
 *   Pod conditions: https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-conditions
 */
import type { Json, KubeApi } from "../cluster/kubernetes/kube-api.js";
import { timestampMs } from "../cluster/kubernetes/kstatus.js";
import { quantityBytes, quantityMillis } from "../cluster/pod-resources.js";

export interface Measured {
  /** Pods of the workload found. */
  pods: number;
  /** Largest pod's usage: bytes and millicores (absent without pod metrics). */
  usage?: { memory: number; cpu: number; pods: number };
  /** Median start-to-Ready seconds over the Ready pods that show both times. */
  startup?: { seconds: number; pods: number };
}

/** The pod metrics of the namespace by pod name, or undefined when metrics.k8s.io does not answer. */
export async function podMetrics(api: KubeApi, namespace: string): Promise<Map<string, { memory: number; cpu: number }> | undefined> {
  const { status, body } = await api.request("GET", `/apis/metrics.k8s.io/v1beta1/namespaces/${encodeURIComponent(namespace)}/pods`);
  if (status === 401) throw api.statusError("GET", "metrics.k8s.io pods", status, body);
  if (status < 200 || status >= 300) return undefined;
  const out = new Map<string, { memory: number; cpu: number }>();
  for (const item of (body?.items ?? []) as Json[]) {
    const total = { memory: 0, cpu: 0 };
    for (const c of (item.containers ?? []) as Json[]) {
      const u = (c.usage ?? {}) as Record<string, string>;
      total.memory += quantityBytes(u.memory ?? "0");
      total.cpu += quantityMillis(u.cpu ?? "0");
    }
    out.set(String((item.metadata as Json).name), total);
  }
  return out;
}

/** Pods whose labels include every matchLabels pair of the workload's selector. */
export function podsOf(workload: Json, pods: readonly Json[]): Json[] {
  const matchLabels = Object.entries((((workload.spec as Json | undefined)?.selector as Json | undefined)?.matchLabels ?? {}) as Record<string, string>);
  if (matchLabels.length === 0) return [];
  return pods.filter((pod) => {
    const labels = ((pod.metadata as Json | undefined)?.labels ?? {}) as Record<string, string>;
    return matchLabels.every(([k, v]) => labels[k] === v);
  });
}

function conditionTime(pod: Json, type: string): number | undefined {
  const conditions = ((pod.status as Json | undefined)?.conditions ?? []) as Json[];
  const found = conditions.find((c) => c.type === type && c.status === "True");
  return found ? timestampMs(found.lastTransitionTime) : undefined;
}

/** Seconds from the pod's containers' start to Ready, or undefined when it is not Ready or shows no times. */
export function startupSeconds(pod: Json): number | undefined {
  const ready = conditionTime(pod, "Ready");
  if (ready === undefined) return undefined;
  const starts = (((pod.status as Json | undefined)?.containerStatuses ?? []) as Json[])
    .map((cs) => timestampMs(((cs.state as Json | undefined)?.running as Json | undefined)?.startedAt))
    .filter((t): t is number => t !== undefined);
  const start = starts.length > 0 ? Math.max(...starts) : (conditionTime(pod, "Initialized") ?? conditionTime(pod, "PodScheduled"));
  // A container restarted after the pod last became Ready starts later than Ready: no figure.
  if (start === undefined || ready < start) return undefined;
  return (ready - start) / 1000;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function measureWorkload(workload: Json, pods: readonly Json[], metrics: Map<string, { memory: number; cpu: number }> | undefined): Measured {
  const own = podsOf(workload, pods);
  const out: Measured = { pods: own.length };
  const used = own.map((p) => metrics?.get(String((p.metadata as Json).name))).filter((u): u is { memory: number; cpu: number } => u !== undefined);
  if (used.length > 0) {
    out.usage = { memory: Math.max(...used.map((u) => u.memory)), cpu: Math.max(...used.map((u) => u.cpu)), pods: used.length };
  }
  const startups = own.map(startupSeconds).filter((s): s is number => s !== undefined);
  if (startups.length > 0) out.startup = { seconds: median(startups), pods: startups.length };
  return out;
}
