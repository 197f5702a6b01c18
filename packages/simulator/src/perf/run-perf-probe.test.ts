import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closedPort } from "../../test/services/test-servers.js";
import { runPerfProbe } from "./run-perf-probe.js";
import { describeErrorCodes } from "./stats.js";

const DELAY_MS = 20;
/** Every FAIL_EVERY-th request (counted on the server) gets a 500: a known 25% share. */
const FAIL_EVERY = 4;

describe("runPerfProbe against a local HTTP server with a known delay and error share", () => {
  let server: http.Server;
  let port: number;
  let served = 0;
  beforeAll(async () => {
    server = http.createServer((request, response) => {
      served += 1;
      if (request.url === "/hang") return; // never answers: the probe's request timeout fires
      const status = request.url === "/flaky" && served % FAIL_EVERY === 0 ? 500 : 200;
      setTimeout(() => response.writeHead(status, { "content-type": "text/plain" }).end("x"), DELAY_MS);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("measures latency no lower than the server's delay and the injected error share", async () => {
    served = 0;
    const report = await runPerfProbe(
      [
        { service: "api", url: `http://127.0.0.1:${port}/healthz` },
        { service: "scraper", url: `http://127.0.0.1:${port}/flaky` },
      ],
      { durationSeconds: 1, connections: 2, maxRequests: 400 },
    );
    const [api, scraper] = report.services;
    expect(api!.service).toBe("api");
    expect(api!.total).toBeGreaterThan(10);
    expect(api!.errorRatePercent).toBe(0);
    expect(api!.latencyMs!.p50).toBeGreaterThanOrEqual(DELAY_MS - 1); // timers may fire up to 1 ms early
    expect(api!.latencyMs!.p95).toBeGreaterThanOrEqual(api!.latencyMs!.p50);
    expect(api!.latencyMs!.p99).toBeGreaterThanOrEqual(api!.latencyMs!.p95);

    // The server fails exactly every 4th request it sees; what the probe counted may differ from
    // 25% only by the requests in flight when it stopped (at most `connections`).
    expect(scraper!.non2xx).toBeGreaterThan(0);
    const inFlight = 2;
    expect(scraper!.non2xx).toBeGreaterThanOrEqual(Math.floor(scraper!.total / FAIL_EVERY) - inFlight);
    expect(scraper!.non2xx).toBeLessThanOrEqual(Math.ceil(scraper!.total / FAIL_EVERY) + inFlight);
    expect(scraper!.errorRatePercent).toBeGreaterThan(15);
    expect(scraper!.errorRatePercent).toBeLessThan(35);

    // Overall = both targets' samples together.
    expect(report.overall.total).toBe(api!.total + scraper!.total);
    expect(report.overall.non2xx).toBe(api!.non2xx + scraper!.non2xx);
    expect(report.overall.errorRatePercent).toBeCloseTo(((api!.non2xx + scraper!.non2xx) / report.overall.total) * 100, 1);
    expect(report.overall.latencyMs!.p50).toBeGreaterThanOrEqual(DELAY_MS - 1);
  });

  it("stops at maxRequests before the duration is over", async () => {
    served = 0;
    const report = await runPerfProbe([{ service: "api", url: `http://127.0.0.1:${port}/healthz` }], {
      durationSeconds: 30,
      connections: 2,
      maxRequests: 20,
    });
    expect(report.services[0]!.total).toBe(20);
    expect(served).toBe(20);
    // 20 requests of 20 ms on 2 connections take ~0.2 s, far below the 30 s duration.
    expect(report.durationMs).toBeLessThan(30_000);
  });

  it("counts requests that get no answer as timeouts", async () => {
    const report = await runPerfProbe([{ service: "hung", url: `http://127.0.0.1:${port}/hang` }], {
      durationSeconds: 2,
      connections: 1,
      requestTimeoutSeconds: 1,
    });
    const hung = report.services[0]!;
    expect(hung.timeouts).toBeGreaterThanOrEqual(1);
    expect(hung.errorRatePercent).toBe(100);
    expect(hung.latencyMs).toBeNull();
  });

  it("counts a stopped service as 100% errors with no latency", async () => {
    const port = await closedPort();
    const report = await runPerfProbe([{ service: "down", url: `http://127.0.0.1:${port}/` }], {
      durationSeconds: 1,
      connections: 1,
    });
    const down = report.services[0]!;
    expect(down.errors).toBeGreaterThan(0);
    expect(down.errorRatePercent).toBe(100);
    expect(down.latencyMs).toBeNull();
    // Refused connections are named as such, after one attempt, instead of spinning through
    // maxRequests refusals in a few milliseconds ("10000 requests, 0 req/s").
    expect(down.unreachable).toBe(true);
    expect(down.total).toBe(1);
    expect(down.errorCodes).toEqual({ ECONNREFUSED: 1 });
    expect(describeErrorCodes(down.errorCodes)).toBe("1 connection refused (ECONNREFUSED)");
  });
});

describe("runPerfProbe refuses what it must not do", () => {
  it("refuses targets that are neither loopback nor in-cluster names, before sending anything", async () => {
    for (const url of ["http://10.0.0.5/", "http://192.168.1.10:8080/", "https://example.com/", "http://8.8.8.8/"]) {
      await expect(runPerfProbe([{ service: "x", url }], { durationSeconds: 1 })).rejects.toThrow(/perf: refusing/);
    }
  });

  it("rejects unbounded or odd options", async () => {
    const target = [{ service: "x", url: "http://127.0.0.1:1/" }];
    await expect(runPerfProbe(target, { durationSeconds: 0 })).rejects.toThrow(/durationSeconds/);
    await expect(runPerfProbe(target, { durationSeconds: 3600 })).rejects.toThrow(/durationSeconds/);
    await expect(runPerfProbe(target, { connections: 1000 })).rejects.toThrow(/connections/);
    await expect(runPerfProbe(target, { maxRequests: 10_000_000 })).rejects.toThrow(/maxRequests/);
    await expect(runPerfProbe([], {})).rejects.toThrow(/no targets/);
  });
});
