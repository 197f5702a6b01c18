/**
 * The client under a misbehaving API server, on FakeApiServer (a protocol test double, not
 * Kubernetes; see fake-api-server.ts) with injected faults: 429 with Retry-After, 500/503,
 * dropped connections and hangs. What is asserted is what goes over the wire (how many attempts,
 * how long between them) and what the caller sees.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { KubeApi, loadKubeConfig } from "../../src/cluster/kubernetes/kube-api.js";
import { KubernetesCluster } from "../../src/cluster/kubernetes/kubernetes-cluster.js";
import { ResilientWatch } from "../../src/cluster/kubernetes/resilient-watch.js";
import { retryAfterMs, retryDelayMs, DEFAULT_RETRY } from "../../src/cluster/kubernetes/request-retry.js";
import { LeaseLock, deployPlan } from "../../src/deploy/index.js";
import { Mi, makePlan, makeService } from "../helpers/plan-builder.js";
import { FakeApiServer } from "./fake-api-server.js";

let server: FakeApiServer;
const closers: (() => Promise<void> | void)[] = [];

beforeEach(async () => {
  server = new FakeApiServer();
  await server.start();
  server.addNode("node-1", "8Gi", "4");
  server.autoReadyMs = 5;
});

afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  await server.stop();
});

/** A client with short deadlines and back-off so the tests run in well under a second each. */
function api(options: ConstructorParameters<typeof KubeApi>[1] = {}): KubeApi {
  return new KubeApi(loadKubeConfig({ kubeconfigYaml: server.kubeconfig("shop") }), { timeoutMs: 300, retry: { baseMs: 20, maxMs: 80 }, ...options });
}

const nodesPath = "/api/v1/nodes";
const leases = "/apis/coordination.k8s.io/v1/namespaces/shop/leases";

describe("retries", () => {
  it("a 500 on a GET is retried and the caller sees only the answer", async () => {
    server.injectFault({ status: 500, path: nodesPath, times: 2 });
    const client = api();
    const list = await client.list(nodesPath);
    expect(list.items.map((n) => n.metadata)).toMatchObject([{ name: "node-1" }]);
    expect(server.requestsTo("GET", nodesPath)).toHaveLength(3);
    expect(client.stats.retries).toBe(2);
  });

  it("429 waits as long as Retry-After says, for any method (the server did not process it)", async () => {
    server.injectFault({ status: 429, retryAfter: "1", method: "POST", path: leases });
    const started = Date.now();
    const { status } = await api({ timeoutMs: 5000 }).request("POST", leases, { body: { metadata: { name: "l1" }, spec: {} } });
    const elapsed = Date.now() - started;
    expect(status).toBe(201);
    expect(server.requestsTo("POST", leases)).toHaveLength(2);
    // Our own back-off would be ≤ 80 ms; the second attempt came after the server's 1 s.
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(elapsed).toBeLessThan(3000);
  });

  it("a Retry-After beyond the call's deadline is not waited for: the caller gets the 429 at once", async () => {
    server.injectFault({ status: 429, retryAfter: "30", path: nodesPath });
    const started = Date.now();
    const { status } = await api({ timeoutMs: 2000 }).request("GET", nodesPath);
    expect(status).toBe(429);
    expect(Date.now() - started).toBeLessThan(500);
    expect(server.requestsTo("GET", nodesPath)).toHaveLength(1);
  });

  it("a 500 on a POST is not retried: it may have been carried out", async () => {
    server.injectFault({ status: 500, method: "POST", path: leases });
    const { status } = await api().request("POST", leases, { body: { metadata: { name: "l2" }, spec: {} } });
    expect(status).toBe(500);
    expect(server.requestsTo("POST", leases)).toHaveLength(1);
  });

  it("server-side apply is idempotent: a 503 and a dropped connection are retried", async () => {
    server.injectFault({ status: 503, method: "PATCH" });
    server.injectFault({ drop: true, method: "PATCH" });
    const client = api();
    const applied = await client.serverSideApply(
      { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cfg", namespace: "shop" }, data: { a: "1" } } as never,
      { fieldManager: "opdeploy", force: false, dryRun: false },
    );
    expect((applied as { data: unknown }).data).toEqual({ a: "1" });
    expect(server.requestsTo("PATCH", "/configmaps/cfg")).toHaveLength(3);
    expect(server.get("v1", "configmaps", "shop", "cfg")!.data).toEqual({ a: "1" });
  });

  it("a dropped connection on a POST is an error after one attempt, naming what failed", async () => {
    server.injectFault({ drop: true, method: "POST" });
    await expect(api().request("POST", leases, { body: { metadata: { name: "l3" }, spec: {} } })).rejects.toThrow(/^cluster: POST \/apis\/coordination\.k8s\.io\/v1\/namespaces\/shop\/leases: socket hang up/);
    expect(server.requestsTo("POST", leases)).toHaveLength(1);
  });

  it("attempts are bounded: a server that keeps answering 503 gets `attempts` requests, then the caller sees 503", async () => {
    server.injectFault({ status: 503, path: nodesPath, times: Infinity });
    const client = api({ retry: { attempts: 4, baseMs: 5, maxMs: 10 } });
    await expect(client.list(nodesPath)).rejects.toThrow(/^cluster: GET \/api\/v1\/nodes: HTTP 503: fake: injected 503$/);
    expect(server.requestsTo("GET", nodesPath)).toHaveLength(4);
  });

  it("back-off grows exponentially with jitter, capped; Retry-After is read as seconds or an HTTP date", () => {
    const policy = { ...DEFAULT_RETRY, baseMs: 100, maxMs: 1000 };
    const low = () => 0;
    const high = () => 0.999;
    const delays = [1, 2, 3, 4, 5, 6].map((attempt) => retryDelayMs(policy, attempt, { status: 503 }, low));
    expect(delays).toEqual([50, 100, 200, 400, 500, 500]);
    expect(retryDelayMs(policy, 3, { status: 503 }, high)).toBeGreaterThan(399);
    expect(retryDelayMs(policy, 1, { status: 429, retryAfter: "7" }, low)).toBe(7000);
    expect(retryDelayMs(policy, 1, { status: 429, retryAfter: "3600" }, low)).toBe(policy.maxRetryAfterMs);
    expect(retryAfterMs("Wed, 21 Oct 2015 07:28:05 GMT", Date.parse("Wed, 21 Oct 2015 07:28:00 GMT"))).toBe(5000);
    expect(retryAfterMs("soon")).toBeUndefined();
  });
});

describe("a hung API server", () => {
  it("a call that gets no answer fails at its deadline, retries and back-off included, instead of waiting for ever", async () => {
    server.injectFault({ hang: true, path: nodesPath, times: Infinity });
    const client = api({ timeoutMs: 400, retry: { attempts: 5, baseMs: 10, maxMs: 20 } });
    const started = Date.now();
    await expect(client.get(nodesPath)).rejects.toThrow(/^cluster: GET \/api\/v1\/nodes: no answer from the API server within 400 ms$/);
    const elapsed = Date.now() - started;
    expect(server.faulted).toHaveLength(1);
    expect(client.stats.timeouts).toBe(1);
    expect(elapsed).toBeGreaterThanOrEqual(390);
    expect(elapsed).toBeLessThan(1500);
  });

  it("the deadline bounds the retries too: a drop, then a hang, still ends at the deadline", async () => {
    server.injectFault({ drop: true, path: nodesPath });
    server.injectFault({ hang: true, path: nodesPath, times: Infinity });
    const client = api({ timeoutMs: 400, retry: { attempts: 5, baseMs: 10, maxMs: 20 } });
    const started = Date.now();
    await expect(client.get(nodesPath)).rejects.toThrow(/^cluster: GET \/api\/v1\/nodes \(2 attempts\): no answer from the API server within 400 ms$/);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(server.faulted).toHaveLength(2);
  });

  it("a watch that receives nothing is dropped after its idle timeout and opened again", async () => {
    server.injectFault({ hang: true, watch: true, path: "/pods" });
    const client = api();
    const seen: string[] = [];
    const problems: string[] = [];
    const watch = new ResilientWatch({
      kubeConfig: client.kubeConfig,
      path: "/api/v1/namespaces/shop/pods",
      list: () => client.list("/api/v1/namespaces/shop/pods"),
      onChange: (type, object) => seen.push(`${type} ${String((object?.metadata as { name?: string } | undefined)?.name ?? "")}`),
      onProblem: (message) => problems.push(message),
      retryMs: 10,
      idleSeconds: 0.2,
    });
    closers.push(() => watch.stop());
    await watch.start();
    expect(server.watchCount).toBe(0); // the first WATCH hangs before any header
    await until(() => server.watchCount === 1);
    server.upsert("v1", "pods", { metadata: { name: "p1", namespace: "shop" } });
    await until(() => seen.includes("ADDED p1"));
    expect(watch.stats.watches).toBeGreaterThanOrEqual(2);
    expect(problems.join("\n")).toMatch(/dropped: no data for 0 s/);
  });

  it("a stalled deploy stops renewing its lease, so another deployer can take it over once it expires", async () => {
    let now = Date.parse("2026-01-01T00:00:00Z");
    const client = api();
    const a = new LeaseLock(client, "shop", "opdeploy-x", { holderIdentity: "a", now: () => now, renewSeconds: 3600, leaseDurationSeconds: 60 });
    const b = new LeaseLock(client, "shop", "opdeploy-x", { holderIdentity: "b", now: () => now, renewSeconds: 3600, leaseDurationSeconds: 60 });
    closers.push(() => a.abandon(), () => b.abandon());
    await a.acquire();
    // Progress keeps the renewals going…
    now += 40_000;
    a.progress();
    now += 40_000;
    expect(await a.renew()).toBe(true);
    a.progress();
    const renewTime = server.get("coordination.k8s.io/v1", "leases", "shop", "opdeploy-x")!.spec.renewTime;
    expect(renewTime).toBe("2026-01-01T00:01:20.000000Z");
    // …a stall longer than the lease duration ends them; the deploy learns it through `lost`.
    now += 61_000;
    expect(await a.renew()).toBe(false);
    expect(a.lost).toMatch(/^no progress for 61 s \(more than 60 s\)/);
    expect(server.get("coordination.k8s.io/v1", "leases", "shop", "opdeploy-x")!.spec.renewTime).toBe(renewTime);
    // The lease was last renewed at 01:20; 60 s later it is stale and b takes it over.
    expect(await b.acquire()).toEqual({ tookOver: "a" });
    // A holder that never reports progress (a rollback, an older caller) is not watched for stalls.
    now += 200_000;
    expect(await b.renew()).toBe(true);
    expect(b.lost).toBeUndefined();
  });

  it("a deploy whose API server hangs mid-rollout fails within the deadlines, not after minutes", async () => {
    const previous = process.env.OPDEPLOY_API_TIMEOUT;
    process.env.OPDEPLOY_API_TIMEOUT = "0.3";
    closers.push(() => {
      if (previous === undefined) delete process.env.OPDEPLOY_API_TIMEOUT;
      else process.env.OPDEPLOY_API_TIMEOUT = previous;
    });
    const cluster = await KubernetesCluster.connect({ kubeconfigYaml: server.kubeconfig("shop"), namespace: "shop", tickMs: 20, refreshMs: 20, watchRetryMs: 10, warn: () => {} });
    closers.push(() => cluster.close());
    expect(cluster.api.timeoutMs).toBe(300);
    const started = Date.now();
    const deploying = deployPlan(shopPlan(), {
      cluster,
      settleSeconds: 0,
      onProgress: (p) => {
        // Once db is done, the server stops answering anything.
        if (p.message === "db: succeeded") server.injectFault({ hang: true, times: Infinity });
      },
    });
    // The step record after db cannot be written: the deploy stops with the reason, within
    // a few deadlines (the write, the failed-revision write, the lease release).
    await expect(deploying).rejects.toThrow(/^cluster: PATCH \/api\/v1\/namespaces\/shop\/secrets\/opdeploy\.shop\.v1: no answer from the API server within 300 ms$/);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(server.faulted.length).toBeGreaterThan(0);
    // The server took nothing in after it hung.
    expect(server.get("apps/v1", "deployments", "shop", "api")).toBeUndefined();
  }, 60_000);
});

describe("a flaky API server", () => {
  it("a deploy succeeds through 500s, a 429 and dropped connections", async () => {
    const cluster = await KubernetesCluster.connect({ kubeconfigYaml: server.kubeconfig("shop"), namespace: "shop", tickMs: 20, refreshMs: 20, watchRetryMs: 10, warn: () => {} });
    closers.push(() => cluster.close());
    server.injectFault({ status: 500, method: "PATCH", times: 2 });
    server.injectFault({ status: 429, retryAfter: "0", path: "/leases", times: 1 });
    server.injectFault({ drop: true, method: "GET", watch: false, times: 2 });
    server.injectFault({ status: 503, method: "PUT", path: "/leases/", times: 1 });
    const result = await deployPlan(shopPlan(), { cluster, settleSeconds: 0 });
    expect(result.verdict).toBe("succeeded");
    expect(server.faulted.length).toBe(6);
    expect(server.get("apps/v1", "deployments", "shop", "api")).toBeDefined();
    expect(server.get("coordination.k8s.io/v1", "leases", "shop", "opdeploy-shop")!.spec.holderIdentity).toBeUndefined();
  });
});

function shopPlan() {
  return makePlan({
    name: "shop",
    services: [
      makeService("db", { memory: 256 * Mi, cpu: 250, port: 5432, validate: { kind: "none" } }),
      makeService("api", { memory: 128 * Mi, cpu: 100, port: 8080, dependsOn: ["db"], validate: { kind: "none" } }),
    ],
    phases: [
      { name: "data", batches: [["db"]] },
      { name: "apps", batches: [["api"]] },
    ],
  });
}

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
