/**
 * What KubernetesCluster (kubernetes-cluster.ts) knows beyond its namespace's watches: node and
 * pod usage from metrics.k8s.io (when metrics-server answers) and the pods of other namespaces,
 * which count in a node's requests. Both are refreshed at most every `refreshMs`, on demand, since
 * neither is watched. From them and the watched pods and nodes come the node statuses, a
 * workload's requests and usage, and the per-service metrics.
 */
import type { ClusterMetrics, NodeStatus, Resources, WorkloadResources } from "../cluster.js";
import { podRequests, quantityBytes, quantityMillis, resourcesOf } from "../pod-resources.js";
import type { Json, KubeApi } from "./kube-api.js";
import { sortedByName } from "./pod-status.js";
import type { ResilientWatch } from "./resilient-watch.js";
import type { TrafficFigures } from "./traffic-metrics.js";

export const METRICS_UNAVAILABLE_WARNING = "metrics.k8s.io unavailable: gates use requests only";

/** What the cache reads from its cluster. */
export interface UsageCacheSources {
  api: KubeApi;
  namespace: string;
  stores: { pods: ResilientWatch; nodes: ResilientWatch };
  /** Milliseconds between refreshes (10000). */
  refreshMs?: number | undefined;
  isClosed: () => boolean;
  warnOnce: (key: string, message: string) => void;
}

export class UsageCache {
  private nodeUsage: Map<string, Resources> | undefined;
  /** Usage per pod of the namespace (metrics.k8s.io), when metrics-server answers. */
  private podUsage: Map<string, Resources> | undefined;
  private metricsAvailable: boolean | undefined;
  /** Pods of other namespaces (node accounting), refreshed every refreshMs. */
  private otherPods: Json[] = [];
  /** Listing all pods was refused once (and warned about): the namespace's pods are all we count. */
  private otherPodsDenied = false;
  private lastRefreshMs = 0;
  private refreshing: Promise<void> | undefined;

  constructor(private readonly sources: UsageCacheSources) {}

  /** Metrics (node usage) and pods of other namespaces (node requests), at most every refreshMs. */
  async refresh(force: boolean): Promise<void> {
    if (this.sources.isClosed()) return;
    const every = this.sources.refreshMs ?? 10_000;
    if (!force && Date.now() - this.lastRefreshMs < every) return this.refreshing;
    if (this.refreshing) return this.refreshing;
    this.lastRefreshMs = Date.now();
    this.refreshing = (async () => {
      try {
        await Promise.all([this.refreshMetrics(), this.refreshOtherPods()]);
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  /** Requests of the workload's bound pods and their usage (pod metrics, else the requests). */
  workloadResources(pods: Iterable<Json>): WorkloadResources {
    const out: WorkloadResources = { requested: { memory: 0, cpu: 0 }, used: { memory: 0, cpu: 0 } };
    for (const pod of pods) {
      if (!(pod.spec as Json | undefined)?.nodeName) continue;
      const phase = (pod.status as Json | undefined)?.phase;
      if (phase === "Succeeded" || phase === "Failed") continue;
      const r = podRequests(pod);
      const u = this.podUsage?.get(String((pod.metadata as Json).name)) ?? r;
      out.requested.memory += r.memory;
      out.requested.cpu += r.cpu;
      out.used.memory += u.memory;
      out.used.cpu += u.cpu;
    }
    return out;
  }

  nodeStatuses(): NodeStatus[] {
    const pods = [...this.sources.stores.pods.items.values(), ...this.otherPods];
    const nodes: NodeStatus[] = [];
    for (const node of sortedByName(this.sources.stores.nodes.items.values())) {
      const name = String((node.metadata as Json).name);
      const status = (node.status ?? {}) as Json;
      const capacity = resourcesOf(status.capacity);
      const allocatable = resourcesOf(status.allocatable);
      const requested = { memory: 0, cpu: 0 };
      const terminatingRequested = { memory: 0, cpu: 0 };
      let count = 0;
      for (const pod of pods) {
        if ((pod.spec as Json | undefined)?.nodeName !== name) continue;
        const phase = (pod.status as Json | undefined)?.phase;
        if (phase === "Succeeded" || phase === "Failed") continue;
        count++;
        const r = podRequests(pod);
        requested.memory += r.memory;
        requested.cpu += r.cpu;
        if ((pod.metadata as Json).deletionTimestamp) {
          terminatingRequested.memory += r.memory;
          terminatingRequested.cpu += r.cpu;
        }
      }
      const conditions = (status.conditions ?? []) as Json[];
      const used = this.nodeUsage?.get(name) ?? { ...requested };
      nodes.push({
        name,
        capacity,
        allocatable,
        requested,
        terminatingRequested,
        used,
        pods: count,
        ready: conditions.some((c) => c.type === "Ready" && c.status === "True"),
        memoryPressure: conditions.some((c) => c.type === "MemoryPressure" && c.status === "True"),
      });
    }
    return nodes;
  }

  private async refreshMetrics(): Promise<void> {
    if (this.metricsAvailable === false) return;
    const { api, namespace } = this.sources;
    const { status, body } = await api.request("GET", "/apis/metrics.k8s.io/v1beta1/nodes").catch(() => ({ status: 0, body: undefined }));
    if (status === 404 || status === 503 || status === 403 || status === 0) {
      // No metrics-server (kind ships none): usage = requests from here on.
      this.metricsAvailable = false;
      this.nodeUsage = undefined;
      this.sources.warnOnce("metrics", METRICS_UNAVAILABLE_WARNING);
      return;
    }
    if (status < 200 || status >= 300) return;
    this.metricsAvailable = true;
    const usage = new Map<string, Resources>();
    for (const item of (body?.items ?? []) as Json[]) {
      const u = (item.usage ?? {}) as Record<string, string>;
      usage.set(String((item.metadata as Json).name), { memory: quantityBytes(u.memory), cpu: quantityMillis(u.cpu) });
    }
    this.nodeUsage = usage;
    const pods = await api
      .request("GET", `/apis/metrics.k8s.io/v1beta1/namespaces/${encodeURIComponent(namespace)}/pods`)
      .catch(() => ({ status: 0, body: undefined }));
    if (pods.status < 200 || pods.status >= 300) {
      this.podUsage = undefined;
      return;
    }
    const perPod = new Map<string, Resources>();
    for (const item of (pods.body?.items ?? []) as Json[]) {
      const total = { memory: 0, cpu: 0 };
      for (const c of (item.containers ?? []) as Json[]) {
        const u = (c.usage ?? {}) as Record<string, string>;
        total.memory += quantityBytes(u.memory);
        total.cpu += quantityMillis(u.cpu);
      }
      perPod.set(String((item.metadata as Json).name), total);
    }
    this.podUsage = perPod;
  }

  private async refreshOtherPods(): Promise<void> {
    if (this.otherPodsDenied) return;
    const { api, namespace } = this.sources;
    const { status, body } = await api
      .request("GET", "/api/v1/pods", { query: { fieldSelector: "status.phase!=Succeeded,status.phase!=Failed" } })
      .catch(() => ({ status: 0, body: undefined }));
    if (status < 200 || status >= 300) {
      this.otherPodsDenied = true;
      this.sources.warnOnce("allpods", `cannot list pods of other namespaces (HTTP ${status}): node requests count only namespace ${namespace}`);
      return;
    }
    this.otherPods = ((body?.items ?? []) as Json[]).filter((p) => (p.metadata as Json)?.namespace !== namespace);
  }
}

/**
 * Ready pods per service, and latency / error rate from the traffic sampler's latest probe
 * (traffic-metrics.ts) — the cluster has no request metrics by itself (that takes a service
 * mesh or Prometheus). Services without figures (not HTTP, not measured yet, sampling off)
 * read 0 and stay out of the means, which are over services with a Ready pod and figures, as
 * the simulated cluster averages over the services that serve.
 */
export function serviceMetrics(
  now: () => number,
  names: readonly string[],
  readyPodsOf: (name: string) => number,
  figuresOf: (name: string) => TrafficFigures | undefined,
): ClusterMetrics {
  let latencySum = 0;
  let errorSum = 0;
  let measured = 0;
  const services = names.map((name) => {
    const readyPods = readyPodsOf(name);
    const figures = readyPods > 0 ? figuresOf(name) : undefined;
    if (!figures) return { name, readyPods, latencyMs: 0, errorRate: 0 };
    measured++;
    latencySum += figures.latencyMs;
    errorSum += figures.errorRate;
    return { name, readyPods, latencyMs: figures.latencyMs, errorRate: figures.errorRate };
  });
  const mean = (sum: number) => (measured > 0 ? Math.round((sum / measured) * 10) / 10 : 0);
  return { t: now(), services, averageLatencyMs: mean(latencySum), errorRate: mean(errorSum) };
}
