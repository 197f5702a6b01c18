import { connect } from "node:net";
import autocannon from "autocannon";
import { refuseUnlessAllowedTarget } from "./allowed-target.js";
import { mergeCounts, summarize } from "./stats.js";
import type { PerfCounts, PerfStats } from "./stats.js";

export interface PerfTarget {
  service: string;
  /** Full URL, e.g. "http://127.0.0.1:18080/healthz" (loopback or in-cluster names only). */
  url: string;
}

export interface PerfProbeOptions {
  /** Load time per target, seconds (1..60). Default 5. */
  durationSeconds?: number;
  /** Concurrent connections per target (1..64). Default 4. */
  connections?: number;
  /** Hard cap on requests per target, whatever the duration. Default 10000, max 100000. */
  maxRequests?: number;
  /** A request with no response after this long counts as a timeout, seconds. Default 5. */
  requestTimeoutSeconds?: number;
  /** Optional steady request rate per target (requests/s) instead of as fast as possible. */
  requestsPerSecond?: number;
  headers?: Record<string, string>;
}

export interface PerfServiceReport extends PerfStats {
  service: string;
  /** The target as given (no credentials are allowed in it). */
  url: string;
  durationMs: number;
}

export interface PerfReport {
  startedAt: string;
  durationMs: number;
  options: Required<Omit<PerfProbeOptions, "headers" | "requestsPerSecond">> & { requestsPerSecond?: number };
  services: PerfServiceReport[];
  /** All targets' samples together. */
  overall: PerfStats;
}

function bounded(name: string, value: number, min: number, max: number): number {
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new RangeError(`perf: ${name} must be within ${min}..${max}, got ${value}`);
  }
  return value;
}

/**
 * Measures each target in turn (so one service's load does not colour another's figures) with
 * autocannon, recording every response's latency to compute exact p50/p95/p99 (autocannon's own
 * summary has no p95). Bounded in time (durationSeconds per target) and in requests
 * (maxRequests per target). Throws only for bad options or disallowed targets.
 */
export async function runPerfProbe(targets: readonly PerfTarget[], options: PerfProbeOptions = {}): Promise<PerfReport> {
  const durationSeconds = bounded("durationSeconds", options.durationSeconds ?? 5, 1, 60);
  const connections = bounded("connections", options.connections ?? 4, 1, 64);
  const maxRequests = bounded("maxRequests", options.maxRequests ?? 10_000, connections, 100_000);
  const requestTimeoutSeconds = bounded("requestTimeoutSeconds", options.requestTimeoutSeconds ?? 5, 1, 60);
  if (options.requestsPerSecond !== undefined) bounded("requestsPerSecond", options.requestsPerSecond, 1, 100_000);
  if (targets.length === 0) throw new RangeError("perf: no targets");
  for (const target of targets) refuseUnlessAllowedTarget(target.url);

  const started = Date.now();
  const services: PerfServiceReport[] = [];
  const allCounts: PerfCounts[] = [];
  for (const target of targets) {
    const counts = await measureOne(target.url, {
      durationSeconds,
      connections,
      maxRequests,
      requestTimeoutSeconds,
      ...(options.requestsPerSecond !== undefined ? { requestsPerSecond: options.requestsPerSecond } : {}),
      ...(options.headers ? { headers: options.headers } : {}),
    });
    allCounts.push(counts);
    services.push({ service: target.service, url: target.url, durationMs: Math.round(counts.elapsedMs), ...summarize(counts) });
  }
  return {
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    options: {
      durationSeconds,
      connections,
      maxRequests,
      requestTimeoutSeconds,
      ...(options.requestsPerSecond !== undefined ? { requestsPerSecond: options.requestsPerSecond } : {}),
    },
    services,
    overall: summarize(mergeCounts(allCounts)),
  };
}

interface MeasureOptions {
  durationSeconds: number;
  connections: number;
  maxRequests: number;
  requestTimeoutSeconds: number;
  requestsPerSecond?: number;
  headers?: Record<string, string>;
}

/**
 * One TCP connection before the load: a target that refuses it (or does not accept it within
 * the request timeout) is reported as unreachable with the reason, after one attempt. Without
 * this autocannon spins through `maxRequests` refused connections in a few milliseconds and
 * they read as "10000 requests, 0 req/s".
 */
function reachable(url: string, timeoutSeconds: number): Promise<PerfCounts | undefined> {
  const target = new URL(url);
  const startedAt = performance.now();
  const port = Number(target.port || (target.protocol === "https:" ? 443 : 80));
  const failed = (code: string): PerfCounts => ({
    latencies: [],
    ok: 0,
    non2xx: 0,
    errors: code === "TIMEOUT" ? 0 : 1,
    timeouts: code === "TIMEOUT" ? 1 : 0,
    errorCodes: code === "TIMEOUT" ? {} : { [code]: 1 },
    elapsedMs: performance.now() - startedAt,
  });
  return new Promise((resolve) => {
    const socket = connect({ host: target.hostname.replace(/^\[|\]$/g, ""), port });
    socket.setTimeout(timeoutSeconds * 1000, () => {
      socket.destroy();
      resolve(failed("TIMEOUT"));
    });
    socket.once("connect", () => {
      socket.destroy();
      resolve(undefined);
    });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(failed(error.code ?? "ERROR")));
  });
}

async function measureOne(url: string, options: MeasureOptions): Promise<PerfCounts> {
  const refused = await reachable(url, options.requestTimeoutSeconds);
  return refused ?? load(url, options);
}

function load(url: string, options: MeasureOptions): Promise<PerfCounts> {
  return new Promise((resolve, reject) => {
    const latencies: number[] = [];
    const errorCodes: Record<string, number> = {};
    let ok = 0;
    let non2xx = 0;
    const startedAt = performance.now();
    // The callback form returns the instance, whose 'response' event gives each latency.
    const instance = autocannon(
      {
        url,
        method: "GET",
        connections: options.connections,
        duration: options.durationSeconds,
        maxOverallRequests: options.maxRequests,
        timeout: options.requestTimeoutSeconds,
        pipelining: 1,
        ...(options.requestsPerSecond !== undefined ? { overallRate: options.requestsPerSecond } : {}),
        ...(options.headers ? { headers: options.headers } : {}),
      },
      (error, result) => {
        if (error) {
          reject(new Error(`perf: autocannon failed for ${url}: ${String(error)}`));
          return;
        }
        // autocannon counts timeouts among its errors as well.
        resolve({
          latencies,
          ok,
          non2xx,
          errors: result.errors - result.timeouts,
          timeouts: result.timeouts,
          errorCodes,
          elapsedMs: performance.now() - startedAt,
        });
      },
    );
    instance.on("response", (_client, statusCode, _bytes, responseTime) => {
      latencies.push(responseTime);
      if (statusCode >= 200 && statusCode < 300) ok += 1;
      else non2xx += 1;
    });
    instance.on("reqError", (error: NodeJS.ErrnoException) => {
      // autocannon reports its own request timeouts here too ("request timed out", no code);
      // those are counted as timeouts.
      if (error?.code === undefined && /timed out/.test(String(error?.message))) return;
      const code = error?.code ?? "ERROR";
      errorCodes[code] = (errorCodes[code] ?? 0) + 1;
    });
  });
}
