/**
 * The `ClusterEvent` log of a KubernetesCluster (kubernetes-cluster.ts): Kubernetes Events from the
 * events watch, plus the OOMKilled and Evicted occurrences that live only in pod status, each
 * recorded once, attributed to its workload and node, and kept in time order.
 */
import type { ClusterEvent } from "../cluster.js";
import { timestampMs } from "./kstatus.js";
import type { Json } from "./kube-api.js";
import { WORKLOAD_LABEL } from "./render-workload.js";
import type { ResilientWatch } from "./resilient-watch.js";

/** What the recorder reads from its cluster: the caches and how objects map to plan names. */
export interface EventRecorderSources {
  namespace: string;
  /** Wall-clock ms of the cluster's t = 0. */
  createdAtMs: number;
  stores: { pods: ResilientWatch; deployments: ResilientWatch; statefulsets: ResilientWatch };
  /** Kubernetes object name → the plan's service name, for names that differ. */
  specNames: ReadonlyMap<string, string>;
}

export class EventRecorder {
  private readonly events: ClusterEvent[] = [];
  private readonly seen = new Set<string>();

  constructor(private readonly sources: EventRecorderSources) {}

  /** Events at or after `sinceT` (seconds, cluster clock), in time order. */
  since(sinceT: number): ClusterEvent[] {
    return this.events.filter((e) => e.t >= sinceT);
  }

  /** Kubernetes Event → ClusterEvent (deduplicated by uid and count; repeated events count again). */
  recordKubernetesEvent(event: Json): void {
    const metadata = (event.metadata ?? {}) as Json;
    const count = Number(event.count ?? ((event.series as Json)?.count as number | undefined) ?? 1);
    const key = `${String(metadata.uid ?? metadata.name)}#${count}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const involved = (event.involvedObject ?? event.regarding ?? {}) as Json;
    const kind = String(involved.kind ?? "");
    const objectName = String(involved.name ?? "");
    const when =
      timestampMs(event.eventTime) ?? timestampMs((event.series as Json)?.lastObservedTime) ?? timestampMs(event.lastTimestamp) ?? timestampMs(event.firstTimestamp) ?? timestampMs(metadata.creationTimestamp) ?? Date.now();
    const clusterEvent: ClusterEvent = {
      t: Math.round(when - this.sources.createdAtMs) / 1000,
      type: event.type === "Warning" ? "Warning" : "Normal",
      reason: String(event.reason ?? ""),
      object: `${kind}/${objectName}`,
      message: String(event.message ?? event.note ?? ""),
    };
    const workload = this.workloadOf(kind, objectName);
    if (workload !== undefined) clusterEvent.workload = workload;
    if (kind === "Node") clusterEvent.node = objectName;
    else if (kind === "Pod") {
      const node = (this.sources.stores.pods.items.get(`${this.sources.namespace}/${objectName}`)?.spec as Json | undefined)?.nodeName;
      if (typeof node === "string") clusterEvent.node = node;
    }
    this.insert(clusterEvent);
  }

  /** OOMKilled and Evicted live in pod status, not in Events: synthesize one event per occurrence. */
  recordPodEvents(pod: Json): void {
    const metadata = pod.metadata as Json;
    const name = String(metadata.name);
    const status = (pod.status ?? {}) as Json;
    const workload = this.workloadOf("Pod", name);
    const node = (pod.spec as Json | undefined)?.nodeName;
    const push = (key: string, reason: string, message: string, atMs: number) => {
      if (this.seen.has(key)) return;
      this.seen.add(key);
      const e: ClusterEvent = { t: Math.round(atMs - this.sources.createdAtMs) / 1000, type: "Warning", reason, object: `Pod/${name}`, message };
      if (workload !== undefined) e.workload = workload;
      if (typeof node === "string") e.node = node;
      this.insert(e);
    };
    for (const cs of (status.containerStatuses ?? []) as Json[]) {
      const terminated = ((cs.lastState as Json | undefined)?.terminated ?? (cs.state as Json | undefined)?.terminated) as Json | undefined;
      if (terminated?.reason === "OOMKilled") {
        push(
          `${String(metadata.uid)}/${String(cs.name)}/oom/${String(cs.restartCount ?? 0)}/${String(terminated.finishedAt ?? "")}`,
          "OOMKilled",
          `Container ${String(cs.name)} was OOM-killed (exit code ${String(terminated.exitCode ?? 137)})`,
          timestampMs(terminated.finishedAt) ?? Date.now(),
        );
      }
    }
    if (status.reason === "Evicted") push(`${String(metadata.uid)}/evicted`, "Evicted", String(status.message ?? "Pod was evicted"), Date.now());
  }

  private insert(event: ClusterEvent): void {
    let i = this.events.length;
    while (i > 0 && this.events[i - 1]!.t > event.t) i--;
    this.events.splice(i, 0, event);
  }

  private workloadOf(kind: string, objectName: string): string | undefined {
    const { namespace, stores, specNames } = this.sources;
    const map = (k: string) => specNames.get(k) ?? k;
    if (kind === "Deployment" || kind === "StatefulSet") return map(objectName);
    if (kind === "Pod") {
      const pod = stores.pods.items.get(`${namespace}/${objectName}`);
      const label = ((pod?.metadata as Json | undefined)?.labels as Record<string, string> | undefined)?.[WORKLOAD_LABEL];
      if (label) return map(label);
      // Pod gone already: <deployment>-<rs hash>-<suffix> or <statefulset>-<ordinal>.
      let best: string | undefined;
      for (const store of [stores.deployments, stores.statefulsets]) {
        for (const w of store.items.values()) {
          const n = String((w.metadata as Json).name);
          if (objectName.startsWith(`${n}-`) && (!best || n.length > best.length)) best = n;
        }
      }
      return best !== undefined ? map(best) : undefined;
    }
    return undefined;
  }
}
