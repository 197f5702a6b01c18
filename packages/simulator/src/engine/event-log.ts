/**
 * The rollout's event log: the engine's own events (phase started, gate passed, rolled back …)
 * merged with the cluster's (Scheduled, OOMKilled, BackOff …) in the order they happened, cause
 * before effect within one instant.
 */
import type { Cluster } from "../cluster/cluster.js";
import type { ResultEvent, ResultEventType } from "./result.js";

/** Maps Kubernetes event reasons to result event types. */
const CLUSTER_EVENT_TYPES: ReadonlySet<string> = new Set<ResultEventType>([
  "Scheduled",
  "FailedScheduling",
  "Started",
  "Ready",
  "OOMKilled",
  "BackOff",
  "Evicted",
  "Killing",
  "Unhealthy",
  "ProgressDeadlineExceeded",
  "NodeNotReady",
  "NodeReady",
]);

interface EngineEvent extends ResultEvent {
  rank: number;
}

export class EventLog {
  private readonly events: EngineEvent[] = [];

  constructor(
    private readonly cluster: Cluster,
    /** Cluster time the rollout started: event times are relative to it. */
    private readonly startT: number,
  ) {}

  /**
   * Records an engine event. `rank` remembers how many cluster events of the same instant had
   * already happened, so the merged log keeps cause before effect.
   */
  async emit(type: ResultEventType, message: string, service?: string): Promise<void> {
    const now = this.cluster.now();
    const before = (await this.cluster.events(now)).length;
    const event: EngineEvent = { t: now - this.startT, type, message, rank: before };
    if (service !== undefined) event.service = service;
    this.events.push(event);
  }

  async merged(): Promise<ResultEvent[]> {
    const clusterEvents = await this.cluster.events(this.startT);
    // Cluster events get rank = their position among the events of their instant; an engine event
    // recorded after k of them sorts after those k (ties: cluster first, then emission order).
    const merged: { e: EngineEvent; tie: number; i: number }[] = [];
    let lastT = NaN;
    let k = 0;
    for (const e of clusterEvents) {
      k = e.t === lastT ? k + 1 : 1;
      lastT = e.t;
      if (!CLUSTER_EVENT_TYPES.has(e.reason)) continue;
      const event: EngineEvent = { t: e.t - this.startT, type: e.reason as ResultEventType, message: e.message, rank: k };
      if (e.workload !== undefined) event.service = e.workload;
      if (e.node !== undefined) event.node = e.node;
      merged.push({ e: event, tie: 0, i: merged.length });
    }
    for (const e of this.events) merged.push({ e: { ...e, rank: e.rank + 0.5 }, tie: 1, i: merged.length });
    merged.sort((a, b) => a.e.t - b.e.t || a.e.rank - b.e.rank || a.tie - b.tie || a.i - b.i);
    return merged.map(({ e }) => {
      const out: Partial<ResultEvent> = { t: e.t, type: e.type };
      if (e.service !== undefined) out.service = e.service;
      if (e.node !== undefined) out.node = e.node;
      out.message = e.message;
      return out as ResultEvent;
    });
  }
}
