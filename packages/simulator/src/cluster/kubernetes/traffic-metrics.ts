/**
 * Latency and error rate of a real cluster's HTTP services, measured with synthetic traffic so
 * the `rollback.latency` / `rollback.errorRate` triggers have a data source during a deploy.
 *
 * A plain cluster has no request metrics (that takes a service mesh or Prometheus scraping the
 * apps), so the sampler makes its own: every `intervalSeconds` (10, the engine's metrics scrape)
 * it sends a short, bounded autocannon probe (runPerfProbe, ../../perf) — 1 s, 2 connections,
 * at most 50 requests, per service — to each of the plan's HTTP services (`validate: { http }`)
 * that has a Ready pod, at the plan's own health path, through the same EndpointResolver the
 * validators use (a port-forward to one Ready pod by default). The latest figures per service
 * are what `KubernetesCluster.metrics()` reports.
 *
 * This is synthetic load on the plan's own services, not user traffic: it says whether the new
 * pods answer their health path, and how fast, from the deployer's side of a port-forward.
 *
 * Never in the engine's way: rounds run in the background (timers, never awaited by `waitFor`),
 * one at a time (the next starts after the previous ended), and nothing thrown escapes — a probe
 * of a Ready service that fails counts as 100% errors, an endpoint that cannot be opened is one
 * warning and no figures for that service.
 */
import type { Service } from "@openpolicy/core";
import { refuseUnlessAllowedTarget } from "../../perf/allowed-target.js";
import { runPerfProbe } from "../../perf/run-perf-probe.js";
import type { ServiceEndpoint } from "./kubernetes-cluster.js";

export interface TrafficSamplerOptions {
  /** Seconds from the start of one sampling round to the start of the next (10). */
  intervalSeconds?: number;
  /** Load time per service and round, whole seconds 1..60 (1). */
  probeSeconds?: number;
  /** Concurrent connections per service (2). */
  connections?: number;
  /** Hard cap on requests per service and round (50). */
  maxRequests?: number;
  /** A request unanswered after this long is a timeout, whole seconds (2). */
  requestTimeoutSeconds?: number;
  /** Services probed at the same time (4). */
  concurrency?: number;
}

export const DEFAULT_TRAFFIC_SAMPLER_OPTIONS: Readonly<Required<TrafficSamplerOptions>> = Object.freeze({
  intervalSeconds: 10,
  probeSeconds: 1,
  connections: 2,
  maxRequests: 50,
  requestTimeoutSeconds: 2,
  concurrency: 4,
});

/** The latest measurement of one service. */
export interface TrafficFigures {
  service: string;
  /** Average latency of the responses, ms; the request timeout when only timeouts came back. */
  latencyMs: number;
  /** (non-2xx + connection errors + timeouts) / attempts, percent; 100 when nothing answered. */
  errorRate: number;
  requests: number;
  /** Date.now() when the probe ended. */
  measuredAtMs: number;
}

/** What the sampler needs from the cluster (kept narrow so it can be tested on its own). */
export interface TrafficSamplerHost {
  /** Whether the service has at least one Ready pod right now. */
  isReady(service: Service): boolean;
  resolveEndpoint(service: Service): Promise<ServiceEndpoint | undefined>;
  /** Warns once per key. */
  warnOnce(key: string, message: string): void;
  /** Called after every round (the cluster re-evaluates its waiters). */
  sampled?(): void;
}

/** The plan's services the sampler can measure: those validated by an HTTP GET. */
export function httpServices(services: Iterable<Service>): Service[] {
  return [...services].filter((s) => s.validate.kind === "http");
}

export class TrafficSampler {
  readonly options: Readonly<Required<TrafficSamplerOptions>>;
  private readonly services: Service[];
  private readonly latest = new Map<string, TrafficFigures>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private roundCount = 0;

  constructor(
    services: Iterable<Service>,
    private readonly host: TrafficSamplerHost,
    options: TrafficSamplerOptions = {},
  ) {
    const o = { ...DEFAULT_TRAFFIC_SAMPLER_OPTIONS, ...definedOnly(options) };
    if (!(o.intervalSeconds > 0)) throw new RangeError(`traffic metrics: intervalSeconds must be > 0, got ${o.intervalSeconds}`);
    if (!(Number.isInteger(o.concurrency) && o.concurrency >= 1)) throw new RangeError(`traffic metrics: concurrency must be a whole number >= 1, got ${o.concurrency}`);
    // The probe bounds themselves are checked by runPerfProbe (duration 1..60 s, connections 1..64, ...).
    this.options = Object.freeze(o);
    this.services = httpServices(services);
  }

  /** Rounds completed so far. */
  get rounds(): number {
    return this.roundCount;
  }

  get active(): boolean {
    return !this.stopped;
  }

  /** Starts sampling now (a first round at once), then every `intervalSeconds`. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops; resolves once an in-flight round has ended (so no request is sent afterwards). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** The latest figures of a service (kept after `stop`), undefined when it was not measured. */
  figures(service: string): TrafficFigures | undefined {
    return this.latest.get(service);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const started = Date.now();
      this.running = this.round()
        .catch((error: unknown) => this.host.warnOnce("traffic:round", `traffic metrics: sampling round failed: ${messageOf(error)}`))
        .finally(() => {
          this.running = undefined;
          this.schedule(Math.max(0, this.options.intervalSeconds * 1000 - (Date.now() - started)));
        });
    }, delayMs);
    // The sampler alone must not keep a process alive.
    this.timer.unref();
  }

  private async round(): Promise<void> {
    const ready: Service[] = [];
    for (const service of this.services) {
      if (this.host.isReady(service)) ready.push(service);
      // A service with no Ready pod serves nothing: no figures rather than stale ones.
      else this.latest.delete(service.name);
    }
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < ready.length && !this.stopped) await this.sampleOne(ready[next++]!);
    };
    await Promise.all(Array.from({ length: Math.min(this.options.concurrency, ready.length) }, worker));
    this.roundCount++;
    this.host.sampled?.();
  }

  private async sampleOne(service: Service): Promise<void> {
    const name = service.name;
    const validate = service.validate;
    if (validate.kind !== "http") return;
    let endpoint: ServiceEndpoint | undefined;
    try {
      endpoint = await this.host.resolveEndpoint(service);
    } catch (error) {
      this.latest.delete(name);
      this.host.warnOnce(`traffic:${name}:endpoint`, `traffic metrics: cannot reach ${name} (${messageOf(error)}); its latency and error rate are not measured`);
      return;
    }
    if (!endpoint) {
      this.host.warnOnce(`traffic:${name}:port`, `traffic metrics: ${name} has no port to send traffic to; its latency and error rate are not measured`);
      return;
    }
    try {
      if (this.stopped) return;
      const host = endpoint.host.includes(":") ? `[${endpoint.host}]` : endpoint.host;
      const url = `http://${host}:${endpoint.port}${validate.path.startsWith("/") ? validate.path : `/${validate.path}`}`;
      try {
        refuseUnlessAllowedTarget(url);
      } catch (error) {
        this.latest.delete(name);
        this.host.warnOnce(`traffic:${name}:target`, `traffic metrics: not sending load to ${name}: ${messageOf(error)}`);
        return;
      }
      const o = this.options;
      let figures: TrafficFigures;
      try {
        const report = await runPerfProbe([{ service: name, url }], {
          durationSeconds: o.probeSeconds,
          connections: o.connections,
          maxRequests: o.maxRequests,
          requestTimeoutSeconds: o.requestTimeoutSeconds,
        });
        const s = report.services[0]!;
        figures = {
          service: name,
          latencyMs: s.latencyMs?.average ?? (s.timeouts > 0 ? o.requestTimeoutSeconds * 1000 : 0),
          errorRate: s.errorRatePercent,
          requests: s.total,
          measuredAtMs: Date.now(),
        };
      } catch (error) {
        // The service has a Ready pod but the probe could not run against it: all errors.
        this.host.warnOnce(`traffic:${name}:probe`, `traffic metrics: probe of ${name} failed (${messageOf(error)}); counted as 100% errors`);
        figures = { service: name, latencyMs: 0, errorRate: 100, requests: 0, measuredAtMs: Date.now() };
      }
      this.latest.set(name, figures);
    } finally {
      await endpoint.close().catch(() => undefined);
    }
  }
}

function definedOnly(options: TrafficSamplerOptions): TrafficSamplerOptions {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as TrafficSamplerOptions;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
