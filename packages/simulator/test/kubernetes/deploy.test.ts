/**
 * deployPlan / rollbackPlan / LeaseLock against FakeApiServer — a protocol test double, not
 * Kubernetes (see fake-api-server.ts): it checks what the deployer writes (revision Secrets,
 * Lease updates, applies, deletes), with a pretend controller that marks workloads Ready.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { KubernetesCluster } from "../../src/cluster/kubernetes/kubernetes-cluster.js";
import { DeployLockedError, LeaseLock, deployPlan, listHistory, rollbackPlan } from "../../src/deploy/index.js";
import type { FakeApiServer } from "./fake-api-server.js";
import { closeShop, connectShop, shopPlan, startShopServer } from "./shop-on-fake-server.js";

let server: FakeApiServer;
let clusters: KubernetesCluster[];

function connect(): Promise<KubernetesCluster> {
  return connectShop(server, "openpolicy", clusters);
}

function plan(version = "1", extra = false) {
  return shopPlan(version, extra);
}

beforeEach(async () => {
  server = await startShopServer();
  clusters = [];
});

afterEach(() => closeShop(server, clusters));

const secrets = () => server.list("v1", "secrets", "openpolicy").filter((s) => s.metadata.labels?.owner === "opdeploy");

describe("deployPlan", () => {
  it("reports the rehearsal beside what happened, per phase: durations and gate readings", async () => {
    const cluster = await connect();
    const gated = plan();
    gated.phases[0]!.gate = { memory: 50, location: gated.phases[0]!.location };
    const result = await deployPlan(gated, { cluster, settleSeconds: 0 });
    expect(result.verdict).toBe("succeeded");
    expect(result.rehearsal?.verdict).toBe("succeeded");
    expect(result.comparison?.map((c) => [c.phase, c.rehearsedStatus, c.observedStatus])).toEqual([
      ["data", "succeeded", "succeeded"],
      ["apps", "succeeded", "succeeded"],
    ]);
    const data = result.comparison![0]!;
    expect(data.rehearsedSeconds).toBeGreaterThan(0);
    expect(data.observedSeconds).toBeGreaterThanOrEqual(0);
    expect(data.gates.find((g) => g.by === "requests")).toMatchObject({ metric: "memory", threshold: 50, rehearsed: expect.any(Number), observed: expect.any(Number) });
  });

  it("records a revision Secret updated after every step, holding gzip+base64 manifests; lease released", async () => {
    const cluster = await connect();
    const result = await deployPlan(plan(), { cluster, settleSeconds: 0 });
    expect(result.verdict).toBe("succeeded");
    expect(secrets().map((s) => s.metadata.name)).toEqual(["opdeploy.shop.v1"]);
    const secret = secrets()[0]!;
    expect(secret.metadata.labels).toMatchObject({ owner: "opdeploy", name: "shop", status: "deployed", version: "1" });
    // One write to start, one per step update (started/ready/succeeded × 2), one at the end.
    const writes = server.requestsTo("PATCH", "/secrets/opdeploy.shop.v1");
    expect(writes.length).toBe(1 + 3 * 2 + 1);
    const history = await listHistory(cluster, "shop");
    expect(history[0]!.steps.filter((s) => s.status === "succeeded").map((s) => s.service)).toEqual(["db", "api"]);
    expect(Object.keys(history[0]!.manifests.services)).toEqual(["db", "api"]);
    expect(history[0]!.manifests.services.api!.find((o) => o.kind === "Deployment")).toBeDefined();
    const lease = server.get("coordination.k8s.io/v1", "leases", "openpolicy", "opdeploy-shop")!;
    expect(lease.spec.holderIdentity).toBeUndefined();
    expect(lease.spec.leaseDurationSeconds).toBe(60);
  });

  it("dry run: every apply has dryRun=All; no revision, no lease", async () => {
    const cluster = await connect();
    const result = await deployPlan(plan(), { cluster, dryRun: true });
    expect(result.dryRun).toBe(true);
    expect(result.objects).toContain("Deployment/api");
    const patches = server.requests.filter((r) => r.method === "PATCH");
    expect(patches.length).toBeGreaterThan(0);
    for (const p of patches) expect(p.query.dryRun).toBe("All");
    expect(secrets()).toEqual([]);
    expect(server.get("coordination.k8s.io/v1", "leases", "openpolicy", "opdeploy-shop")).toBeUndefined();
  });

  it("an interrupted deploy (abort mid-deploy, then a new run) resumes from the completed steps", async () => {
    const cluster = await connect();
    const controller = new AbortController();
    const first = await deployPlan(plan(), {
      cluster,
      settleSeconds: 0,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.message === "db: succeeded") controller.abort();
      },
    });
    expect(first.verdict).toBe("interrupted");
    expect(server.get("apps/v1", "deployments", "openpolicy", "api")).toBeUndefined();
    expect(secrets()[0]!.metadata.labels.status).toBe("deploying");
    const dbApplies = server.requestsTo("PATCH", "/statefulsets/db").length;

    const second = await deployPlan(plan(), { cluster, settleSeconds: 0 });
    expect(second.verdict).toBe("succeeded");
    expect(second.revision).toBe(1);
    expect(second.resumed).toEqual(["db"]);
    expect(second.result!.phases[0]!.steps[0]!.status).toBe("resumed");
    expect(server.requestsTo("PATCH", "/statefulsets/db").length).toBe(dbApplies);
    expect(secrets().map((s) => [s.metadata.name, s.metadata.labels.status])).toEqual([["opdeploy.shop.v1", "deployed"]]);
  });

  it("a killed deploy (lease not released) is taken over once the lease expires, then resumed", async () => {
    const cluster = await connect();
    const killed = new LeaseLock(cluster.api, "openpolicy", "opdeploy-shop", { holderIdentity: "ci-runner-1" });
    await killed.acquire();
    killed.abandon();
    // While the holder's lease is live, another deploy is refused.
    await expect(deployPlan(plan(), { cluster, settleSeconds: 0 })).rejects.toBeInstanceOf(DeployLockedError);
    // Time passes: the lease's renewTime is now older than its 60 s duration.
    const lease = server.get("coordination.k8s.io/v1", "leases", "openpolicy", "opdeploy-shop")!;
    server.upsert("coordination.k8s.io/v1", "leases", { ...lease, spec: { ...lease.spec, renewTime: new Date(Date.now() - 61_000).toISOString() } });
    const messages: string[] = [];
    const result = await deployPlan(plan(), { cluster, settleSeconds: 0, onProgress: (p) => messages.push(p.message) });
    expect(result.verdict).toBe("succeeded");
    expect(messages[0]).toBe("took over the stale lease of ci-runner-1");
  });
});

describe("LeaseLock", () => {
  it("acquires, renews, refuses a live lease and takes over an expired one", async () => {
    const cluster = await connect();
    let now = Date.parse("2025-01-01T00:00:00Z");
    const a = new LeaseLock(cluster.api, "openpolicy", "opdeploy-x", { holderIdentity: "a", now: () => now, renewSeconds: 3600 });
    const b = new LeaseLock(cluster.api, "openpolicy", "opdeploy-x", { holderIdentity: "b", now: () => now, renewSeconds: 3600 });
    expect(await a.acquire()).toEqual({});
    now += 20_000;
    expect(await a.renew()).toBe(true);
    const renewed = server.get("coordination.k8s.io/v1", "leases", "openpolicy", "opdeploy-x")!;
    expect(renewed.spec.renewTime).toBe("2025-01-01T00:00:20.000000Z");
    now += 59_000;
    await expect(b.acquire()).rejects.toThrow(/^deploy: plan is being deployed by a/);
    now += 2_000;
    expect(await b.acquire()).toEqual({ tookOver: "a" });
    expect(server.get("coordination.k8s.io/v1", "leases", "openpolicy", "opdeploy-x")!.spec).toMatchObject({ holderIdentity: "b", leaseTransitions: 1 });
    expect(await a.renew()).toBe(false);
    expect(a.lost).toMatch(/held by b/);
    a.abandon();
    await b.release();
  });
});

describe("rollbackPlan", () => {
  it("re-applies the previous revision's manifests, removes what the new one added, never deletes PVCs", async () => {
    const cluster = await connect();
    expect((await deployPlan(plan("1"), { cluster, settleSeconds: 0 })).verdict).toBe("succeeded");
    expect((await deployPlan(plan("2", true), { cluster, settleSeconds: 0 })).verdict).toBe("succeeded");
    expect(server.get("apps/v1", "deployments", "openpolicy", "api")!.spec.template.spec.containers[0].image).toBe("api:2");
    server.upsert("v1", "persistentvolumeclaims", { metadata: { name: "data-db-0", namespace: "openpolicy", labels: { "opdeploy.io/workload": "db" } }, spec: {} });

    const outcome = await rollbackPlan({ cluster, plan: "shop", timeoutSeconds: 10 });
    expect(outcome).toMatchObject({ verdict: "succeeded", from: 2, to: 1, revision: 3 });
    // Reverse dependency order: apps batch first (api restored, worker removed), then db.
    expect(outcome.services.map((s) => [s.service, s.action])).toEqual([
      ["api", "restored"],
      ["worker", "removed"],
      ["db", "unchanged"],
    ]);
    expect(server.get("apps/v1", "deployments", "openpolicy", "api")!.spec.template.spec.containers[0].image).toBe("api:1");
    expect(server.get("apps/v1", "deployments", "openpolicy", "worker")).toBeUndefined();
    expect(server.requests.filter((r) => r.method === "DELETE" && r.path.includes("persistentvolumeclaims"))).toEqual([]);
    expect(server.get("v1", "persistentvolumeclaims", "openpolicy", "data-db-0")).toBeDefined();
    const statuses = (await listHistory(cluster, "shop")).map((r) => [r.version, r.status]);
    expect(statuses).toEqual([
      [1, "superseded"],
      [2, "rolled-back"],
      [3, "deployed"],
    ]);
  });
});
