/**
 * The traffic sampler (src/cluster/kubernetes/traffic-metrics.ts) feeding the latency and
 * error-rate rollback triggers of a real deploy: FakeApiServer plays the API server (workloads
 * become Ready by themselves), local node:http servers play the services, reached through an
 * endpoint resolver override (127.0.0.1:<port>) instead of a port-forward.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Plan, Service } from "@openpolicy/core";
import { KubernetesCluster } from "../../src/cluster/kubernetes/kubernetes-cluster.js";
import type { EndpointResolver } from "../../src/cluster/kubernetes/kubernetes-cluster.js";
import { TrafficSampler } from "../../src/cluster/kubernetes/traffic-metrics.js";
import { workloadFromService } from "../../src/cluster/workload-spec.js";
import { deployPlan } from "../../src/deploy/index.js";
import { Mi, makePlan, makeService } from "../helpers/plan-builder.js";
import { FakeApiServer } from "./fake-api-server.js";

/** A stand-in for one service: answers every request with `status` after `delayMs`. */
class FakeService {
  status = 200;
  delayMs = 0;
  readonly paths: string[] = [];
  private readonly server = http.createServer((req, res) => {
    this.paths.push(`${req.method} ${req.url}`);
    setTimeout(() => res.writeHead(this.status, { "content-type": "text/plain" }).end("ok"), this.delayMs);
  });

  get requests(): number {
    return this.paths.length;
  }

  /** Kept after stop, so a stopped service's port refuses connections. */
  port = 0;

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  stop(): Promise<void> {
    if (!this.server.listening) return Promise.resolve();
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

let api: FakeApiServer;
let services: Map<string, FakeService>;
let clusters: KubernetesCluster[];
let warnings: string[];

const localEndpoints: EndpointResolver = async (service) => {
  const fake = services.get(service.name);
  if (!fake) throw new Error(`no local server for ${service.name}`);
  return { host: "127.0.0.1", port: fake.port, close: async () => {} };
};

async function connect(extra: Partial<Parameters<typeof KubernetesCluster.connect>[0]> = {}): Promise<KubernetesCluster> {
  const cluster = await KubernetesCluster.connect({
    kubeconfigYaml: api.kubeconfig("openpolicy"),
    namespace: "openpolicy",
    tickMs: 20,
    refreshMs: 20,
    watchRetryMs: 10,
    warn: (message) => warnings.push(message),
    resolveEndpoint: localEndpoints,
    // Validation (one HTTP GET) is not what is under test; the triggers are.
    validator: async (service) => ({ service: service.name, ok: true, message: `${service.name}: ok` }),
    ...extra,
  });
  clusters.push(cluster);
  return cluster;
}

function httpService(name: string): Service {
  return makeService(name, { memory: 64 * Mi, cpu: 50, port: 8080, validate: { kind: "http", path: "/healthz" } });
}

function shopPlan(rollback: { latency?: number; errorRate?: number }): Plan {
  return makePlan({
    name: "shop",
    services: [httpService("api"), httpService("web")],
    phases: [{ name: "apps", batches: [["api", "web"]] }],
    rollback: { forSeconds: 1, ...rollback },
  });
}

/** Short intervals so each deploy takes a few seconds: engine scrape and sampler every second. */
const FAST = { settleSeconds: 3, metricsSeconds: 1, trafficMetrics: { intervalSeconds: 0.5 } } as const;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeEach(async () => {
  api = new FakeApiServer();
  await api.start();
  api.addNode("node-1", "8Gi", "4");
  api.autoReadyMs = 5;
  services = new Map([
    ["api", await new FakeService().start()],
    ["web", await new FakeService().start()],
  ]);
  clusters = [];
  warnings = [];
});

afterEach(async () => {
  for (const c of clusters) await c.close();
  for (const s of services.values()) await s.stop();
  await api.stop();
});

describe("traffic metrics during a deploy", () => {
  it("a service answering 500 on its health path for longer than rollback.for triggers the error-rate rollback", async () => {
    services.get("web")!.status = 500;
    const cluster = await connect();
    const outcome = await deployPlan(shopPlan({ errorRate: 5 }), { cluster, ...FAST });
    expect(outcome.verdict).toBe("rolled-back");
    const failure = outcome.result!.failure!;
    expect(failure.reason).toBe("RollbackTrigger");
    // Mean over the two services: web 100%, api 0% → 50%.
    expect(failure.message).toMatch(/^rollback trigger: error rate 50% > 5% for (1|1\.\d+)s$/);
    expect(outcome.result!.rollback!.services.map((s) => [s.service, s.action])).toEqual([
      ["api", "removed"],
      ["web", "removed"],
    ]);
    expect(api.get("apps/v1", "deployments", "openpolicy", "web")).toBeUndefined();
    // Synthetic traffic went only to the plan's own health path.
    expect(new Set(services.get("web")!.paths)).toEqual(new Set(["GET /healthz"]));
  }, 15_000);

  it("a service slower than rollback.latency triggers the latency rollback", async () => {
    services.get("api")!.delayMs = 400;
    services.get("web")!.delayMs = 400;
    const cluster = await connect();
    const outcome = await deployPlan(shopPlan({ latency: 150 }), { cluster, ...FAST });
    expect(outcome.verdict).toBe("rolled-back");
    const match = /^rollback trigger: average latency ([\d.]+)ms > 150ms for [\d.]+s$/.exec(outcome.result!.failure!.message);
    expect(match, outcome.result!.failure!.message).not.toBeNull();
    expect(Number(match![1])).toBeGreaterThanOrEqual(400);
  }, 15_000);

  it("healthy services: the deploy succeeds and metrics report the measured latency", async () => {
    const cluster = await connect();
    const outcome = await deployPlan(shopPlan({ latency: 1000, errorRate: 5 }), { cluster, ...FAST });
    expect(outcome.verdict).toBe("succeeded");
    expect(services.get("api")!.requests).toBeGreaterThan(0);
    expect(services.get("web")!.requests).toBeGreaterThan(0);
    const metrics = cluster.view.metrics();
    expect(metrics.services.map((s) => s.name)).toEqual(["api", "web"]);
    for (const s of metrics.services) {
      expect(s.readyPods).toBe(1);
      expect(s.latencyMs).toBeGreaterThan(0);
      expect(s.errorRate).toBe(0);
    }
    expect(metrics.averageLatencyMs).toBeGreaterThan(0);
    expect(metrics.errorRate).toBe(0);
    // The sampler stopped with the deploy.
    const after = services.get("api")!.requests;
    await sleep(1200);
    expect(services.get("api")!.requests).toBe(after);
  }, 15_000);

  it("no traffic when the plan has neither trigger, or when trafficMetrics is false", async () => {
    const cluster = await connect();
    expect((await deployPlan(shopPlan({}), { cluster, ...FAST, settleSeconds: 1 })).verdict).toBe("succeeded");
    expect((await deployPlan(shopPlan({ errorRate: 5 }), { cluster, ...FAST, settleSeconds: 1, trafficMetrics: false })).verdict).toBe("succeeded");
    expect(services.get("api")!.requests).toBe(0);
    expect(cluster.view.metrics()).toMatchObject({ averageLatencyMs: 0, errorRate: 0 });
  }, 15_000);
});

describe("KubernetesCluster.sampleTraffic", () => {
  async function readyCluster(extra: Parameters<typeof connect>[0] = {}): Promise<KubernetesCluster> {
    const cluster = await connect(extra);
    for (const name of ["api", "web"]) await cluster.apply(workloadFromService(httpService(name)));
    const ready = await cluster.waitFor((view) => (view.workload("api")?.status === "Current" && view.workload("web")?.status === "Current") || undefined, 5);
    expect(ready.done).toBe(true);
    return cluster;
  }

  async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > end) throw new Error("condition not met in time");
      await sleep(20);
    }
  }

  it("stops on close: no request after close() resolved", async () => {
    const cluster = await readyCluster();
    const sampler = (await cluster.sampleTraffic([httpService("api"), httpService("web")], { intervalSeconds: 0.2 }))!;
    expect(sampler).toBeInstanceOf(TrafficSampler);
    await until(() => sampler.rounds >= 2);
    await cluster.close();
    expect(sampler.active).toBe(false);
    const counts = [...services.values()].map((s) => s.requests);
    expect(counts.every((n) => n > 0)).toBe(true);
    // Bounded: at most maxRequests (50) per service and round.
    for (const n of counts) expect(n).toBeLessThanOrEqual(50 * sampler.rounds);
    await sleep(1000);
    expect([...services.values()].map((s) => s.requests)).toEqual(counts);
  }, 10_000);

  it("a Ready service whose endpoint refuses connections counts as 100% errors", async () => {
    const cluster = await readyCluster();
    await services.get("web")!.stop(); // its port now refuses connections
    const sampler = (await cluster.sampleTraffic([httpService("api"), httpService("web")], { intervalSeconds: 0.2 }))!;
    await until(() => sampler.rounds >= 1);
    const metrics = cluster.view.metrics();
    expect(warnings).toEqual([]);
    expect(metrics.services.find((s) => s.name === "web")!.errorRate).toBe(100);
    expect(metrics.services.find((s) => s.name === "api")!.errorRate).toBe(0);
    expect(metrics.errorRate).toBe(50);
    await cluster.stopTrafficSampling();
  }, 10_000);

  it("an endpoint that cannot be opened is one warning and no figures; services without a Ready pod are not probed", async () => {
    let attempts = 0;
    const cluster = await readyCluster({
      resolveEndpoint: async (service, c) => {
        if (service.name === "web") {
          attempts++;
          throw new Error("port-forward refused");
        }
        return localEndpoints(service, c);
      },
    });
    const ghost = httpService("ghost"); // never applied: no Ready pod
    services.set("ghost", await new FakeService().start());
    const sampler = (await cluster.sampleTraffic([httpService("api"), httpService("web"), ghost], { intervalSeconds: 0.2 }))!;
    await until(() => sampler.rounds >= 3);
    await cluster.stopTrafficSampling();
    expect(attempts).toBeGreaterThanOrEqual(3);
    expect(warnings.filter((w) => w.includes("cannot reach web"))).toHaveLength(1);
    expect(sampler.figures("web")).toBeUndefined();
    expect(services.get("ghost")!.requests).toBe(0);
    const metrics = cluster.view.metrics();
    expect(metrics.services.find((s) => s.name === "web")).toMatchObject({ readyPods: 1, latencyMs: 0, errorRate: 0 });
    expect(metrics.errorRate).toBe(0);
    // The mean is over measured services only (api), rounded to 0.1 ms.
    expect(metrics.averageLatencyMs).toBe(Math.round(metrics.services.find((s) => s.name === "api")!.latencyMs * 10) / 10);
  }, 10_000);

  it("the trafficMetrics: false option disables sampling", async () => {
    const cluster = await readyCluster({ trafficMetrics: false });
    expect(await cluster.sampleTraffic([httpService("api")])).toBeUndefined();
    await sleep(300);
    expect(services.get("api")!.requests).toBe(0);
  }, 10_000);
});
