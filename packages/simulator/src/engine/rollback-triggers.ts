/**
 * The continuous rollback triggers of `plan.rollback`: node memory usage, the share of unhealthy
 * services, average latency and error rate. Each fires once its condition has held continuously
 * for `plan.rollback.forSeconds` (Prometheus alerting rules' `for:`; 0: at once). Memory and the
 * unhealthy share are observed at every look; latency and error rate at each metrics scrape
 * (every `metricsSeconds`), and between scrapes the last scrape stands.
 */
import type { Plan } from "@openpolicy/core";
import type { ClusterView, NodeStatus } from "../cluster/cluster.js";
import { percentOf } from "./gates.js";
import type { Outcome } from "./outcome.js";

/** In the order they are evaluated (and reported). */
type TriggerName = "memory" | "unhealthy" | "latency" | "errorRate";
const TRIGGER_ORDER: readonly TriggerName[] = ["memory", "unhealthy", "latency", "errorRate"];

export class RollbackTriggers {
  /**
   * Per trigger whose condition currently holds: since when (cluster time) it has held without
   * interruption, and how the breach reads at the latest observation.
   */
  private readonly breaches = new Map<TriggerName, { since: number; message: string }>();
  /** Whether latency or error rate is watched (then metrics are scraped every `metricsEvery`). */
  readonly scrapesMetrics: boolean;
  /** Cluster time of the next metrics scrape. */
  nextMetricsAt: number;
  private readonly unhealthy = new UnhealthyCount();

  constructor(
    private readonly plan: Plan,
    startT: number,
    private readonly metricsEvery: number,
  ) {
    this.scrapesMetrics = plan.rollback.latency !== undefined || plan.rollback.errorRate !== undefined;
    this.nextMetricsAt = startT;
  }

  /** Whether a breach is pending (its condition holds, `for` not yet over). */
  get pending(): boolean {
    return this.breaches.size > 0;
  }

  /** Earliest time after `now` at which a pending breach will have lasted `forSeconds`. */
  nextDue(now: number): number | undefined {
    let due: number | undefined;
    for (const breach of this.breaches.values()) {
      const at = breach.since + this.plan.rollback.forSeconds;
      if (at > now && (due === undefined || at < due)) due = at;
    }
    return due;
  }

  /**
   * Observes every trigger on `view`; a failure when one fires. `nodes` are the view's nodes when
   * the caller already read them; `deployed` are the services the unhealthy share is taken over.
   */
  evaluate(view: ClusterView, deployed: ReadonlySet<string>, nodes?: NodeStatus[]): Outcome | undefined {
    const now = view.now();
    const rollback = this.plan.rollback;
    if (rollback.memory !== undefined) this.observe("memory", memoryBreach(nodes ?? view.nodes(), rollback.memory, this.plan.cluster.overhead === "kind"), now);
    if (rollback.unhealthy !== undefined) this.observe("unhealthy", this.unhealthy.breach(view, deployed, rollback.unhealthy), now);
    if (this.scrapesMetrics && now >= this.nextMetricsAt) {
      this.nextMetricsAt = now + this.metricsEvery;
      const metrics = view.metrics();
      if (rollback.latency !== undefined) {
        const over = metrics.averageLatencyMs > rollback.latency;
        this.observe("latency", over ? `average latency ${metrics.averageLatencyMs}ms > ${rollback.latency}ms` : undefined, now);
      }
      if (rollback.errorRate !== undefined) {
        const over = metrics.errorRate > rollback.errorRate;
        this.observe("errorRate", over ? `error rate ${metrics.errorRate}% > ${rollback.errorRate}%` : undefined, now);
      }
    }
    for (const name of TRIGGER_ORDER) {
      const breach = this.breaches.get(name);
      if (!breach) continue;
      const held = now - breach.since;
      if (held >= rollback.forSeconds) {
        const message = rollback.forSeconds > 0 ? `${breach.message} for ${Math.round(held)}s` : breach.message;
        return { kind: "fail", reason: "RollbackTrigger", message: `rollback trigger: ${message}` };
      }
    }
    return undefined;
  }

  /** Records one observation of a trigger's condition: a breach (its description) or none. */
  private observe(name: TriggerName, breach: string | undefined, now: number): void {
    if (breach === undefined) {
      this.breaches.delete(name);
      return;
    }
    const since = this.breaches.get(name)?.since ?? now;
    this.breaches.set(name, { since, message: breach });
  }
}

/**
 * A node whose pods use more than `limit` % of its allocatable memory. kind's nodes are containers
 * on one host and share its memory (each reports the host's): there the measure is the pods of
 * all nodes together against the host.
 */
function memoryBreach(nodes: readonly NodeStatus[], limit: number, kind: boolean): string | undefined {
  if (kind && nodes.length > 1) {
    const used = nodes.reduce((sum, n) => sum + n.used.memory, 0);
    const host = Math.max(...nodes.map((n) => n.allocatable.memory));
    const percent = percentOf(used, host);
    return percent > limit ? `kind host memory usage ${percent}% of allocatable (all ${nodes.length} nodes) > ${limit}%` : undefined;
  }
  for (const node of nodes) {
    const percent = percentOf(node.used.memory, node.allocatable.memory);
    if (percent > limit) return `node ${node.name} memory usage ${percent}% of allocatable > ${limit}%`;
  }
  return undefined;
}

/**
 * The unhealthy share, kept up to date from the workloads that changed when the cluster says
 * which (the simulated cluster does: otherwise a 40k-service rehearsal re-read 40k workloads at
 * every event), else recounted at each look.
 */
class UnhealthyCount {
  private readonly unhealthy = new Set<string>();
  private readonly seen = new Set<string>();
  private cursor = 0;

  breach(view: ClusterView, deployed: ReadonlySet<string>, limit: number): string | undefined {
    if (deployed.size === 0) return undefined;
    const count = view.changedWorkloads ? this.update(view, deployed) : recount(view, deployed);
    const percent = percentOf(count, deployed.size);
    return percent > limit ? `${count} of ${deployed.size} deployed services unhealthy (${percent}% > ${limit}%)` : undefined;
  }

  private update(view: ClusterView, deployed: ReadonlySet<string>): number {
    const changed = view.changedWorkloads!(this.cursor);
    this.cursor = changed.cursor;
    for (const name of changed.names) if (deployed.has(name)) this.recheck(view, name);
    // Services that joined the watched set since the last look (each is read once on joining).
    if (this.seen.size !== deployed.size) for (const name of deployed) if (!this.seen.has(name)) this.recheck(view, name);
    return this.unhealthy.size;
  }

  private recheck(view: ClusterView, name: string): void {
    this.seen.add(name);
    const w = view.workload(name);
    if (!w || w.readyReplicas < w.replicas) this.unhealthy.add(name);
    else this.unhealthy.delete(name);
  }
}

function recount(view: ClusterView, deployed: ReadonlySet<string>): number {
  let unhealthy = 0;
  for (const name of deployed) {
    const w = view.workload(name);
    if (!w || w.readyReplicas < w.replicas) unhealthy++;
  }
  return unhealthy;
}
