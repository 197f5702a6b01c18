/**
 * Protocol-level tests of KubernetesCluster against FakeApiServer — a test double that speaks the
 * REST subset we use, NOT a stand-in for Kubernetes semantics (see fake-api-server.ts). Real
 * behaviour is covered by the kind suite (test/kind), which runs where Docker is available.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { KubernetesCluster, METRICS_UNAVAILABLE_WARNING } from "../../src/cluster/kubernetes/kubernetes-cluster.js";
import { conformanceSpec } from "../conformance/cluster-conformance.js";
import { FakeApiServer } from "./fake-api-server.js";

const Gi = 1024 ** 3;
const Mi = 1024 ** 2;

let server: FakeApiServer;
let warnings: string[];
let clusters: KubernetesCluster[];

async function connect(options: { dryRun?: boolean } = {}): Promise<KubernetesCluster> {
  const cluster = await KubernetesCluster.connect({
    kubeconfigYaml: server.kubeconfig("prod"),
    tickMs: 50,
    refreshMs: 50,
    watchRetryMs: 20,
    warn: (m) => warnings.push(m),
    ...options,
  });
  clusters.push(cluster);
  return cluster;
}

beforeEach(async () => {
  server = new FakeApiServer();
  await server.start();
  server.addNode("node-1", "8Gi", "4");
  warnings = [];
  clusters = [];
});

afterEach(async () => {
  for (const c of clusters) await c.close();
  await server.stop();
});

describe("KubernetesCluster against the fake API server", () => {
  it("applies with server-side apply: apply-patch content type, fieldManager opdeploy, no force", async () => {
    const cluster = await connect();
    const result = await cluster.apply(conformanceSpec("api", { port: 8080 }));
    expect(result.changed).toBe(true);
    const patches = server.requests.filter((r) => r.method === "PATCH");
    expect(patches.map((p) => p.path).sort()).toEqual(["/api/v1/namespaces/prod/services/api", "/apis/apps/v1/namespaces/prod/deployments/api"]);
    for (const p of patches) {
      expect(p.contentType).toBe("application/apply-patch+yaml");
      expect(p.query.fieldManager).toBe("opdeploy");
      expect(p.query.force).toBe("false");
      expect(p.query.dryRun).toBeUndefined();
    }
    const deployment = server.get("apps/v1", "deployments", "prod", "api")!;
    expect(deployment.spec.template.metadata.labels["opdeploy.io/revision"]).toBe(result.revision);
  });

  it("a second apply of the same spec is a no-op; a replicas change keeps the revision", async () => {
    const cluster = await connect();
    const spec = conformanceSpec("idem");
    const first = await cluster.apply(spec);
    const second = await cluster.apply(structuredClone(spec));
    expect(second).toEqual({ changed: false, revision: first.revision });
    const scaled = await cluster.apply({ ...spec, replicas: 3 });
    expect(scaled).toEqual({ changed: true, revision: first.revision });
    const changed = await cluster.apply({ ...spec, requests: { memory: 24 * Mi, cpu: 10 } });
    expect(changed.revision).not.toBe(first.revision);
  });

  it("dry run sends dryRun=All and changes nothing", async () => {
    const cluster = await connect({ dryRun: true });
    await cluster.apply(conformanceSpec("dry", { port: 80 }));
    const patches = server.requests.filter((r) => r.method === "PATCH");
    expect(patches.length).toBe(2);
    for (const p of patches) expect(p.query.dryRun).toBe("All");
    expect(server.get("apps/v1", "deployments", "prod", "dry")).toBeUndefined();
  });

  it("takes over conflicting fields only from field managers it owns", async () => {
    const cluster = await connect();
    server.upsert("apps/v1", "deployments", { metadata: { name: "taken", namespace: "prod", generation: 1, annotations: { "fake/last-applied-by": "kubectl-edit" } }, spec: { replicas: 5 } });
    await expect(cluster.apply(conformanceSpec("taken"))).rejects.toThrow(/cluster: apply Deployment\/taken: fields are managed by "kubectl-edit"/);
    expect(server.requests.filter((r) => r.method === "PATCH" && r.query.force === "true")).toHaveLength(0);

    server.upsert("apps/v1", "deployments", { metadata: { name: "ours", namespace: "prod", generation: 1, annotations: { "fake/last-applied-by": "opdeploy-rollback" } }, spec: { replicas: 5 } });
    const owned = await KubernetesCluster.connect({ kubeconfigYaml: server.kubeconfig(), ownedFieldManagers: ["opdeploy-rollback"], warn: () => {} });
    clusters.push(owned);
    await owned.apply(conformanceSpec("ours"));
    expect(server.requests.filter((r) => r.method === "PATCH" && r.path.endsWith("/ours") && r.query.force === "true")).toHaveLength(1);
  });

  it("waitFor sees readiness from the watch; the workload reaches Current with kstatus", async () => {
    server.autoReadyMs = 30;
    const cluster = await connect();
    await cluster.apply(conformanceSpec("ready", { replicas: 2 }));
    const waited = await cluster.waitFor((view) => (view.workload("ready")?.status === "Current" ? view.workload("ready") : undefined), 5);
    expect(waited.done).toBe(true);
    const status = await cluster.workloadStatus("ready");
    expect(status?.readyReplicas).toBe(2);
    expect(status?.pods.every((p) => p.ready && p.revision === status.revision)).toBe(true);
  });

  it("resumes a dropped watch from the last resourceVersion, and relists after 410 Gone", async () => {
    const cluster = await connect();
    await cluster.apply(conformanceSpec("w1"));
    server.dropWatches();
    // Change made while the stream is down: must still arrive.
    await new Promise((r) => setTimeout(r, 5));
    server.makeReady("Deployment", "prod", "w1");
    const seen = await cluster.waitFor((view) => (view.workload("w1")?.status === "Current" ? true : undefined), 5);
    expect(seen.done).toBe(true);
    const resumed = server.requests.filter((r) => r.path === "/apis/apps/v1/namespaces/prod/deployments" && r.query.watch === "true");
    expect(resumed.length).toBeGreaterThanOrEqual(2);
    expect(Number(resumed[1]!.query.resourceVersion)).toBeGreaterThan(0);
    expect(resumed[1]!.query.allowWatchBookmarks).toBe("true");

    // Compaction: the next resume from an old version gets 410 → LIST again.
    const listsBefore = cluster.watchStats().deployments!.lists;
    server.compact();
    server.dropWatches();
    server.upsert("apps/v1", "deployments", { metadata: { name: "w2", namespace: "prod", generation: 1 }, spec: { replicas: 1, template: { metadata: { labels: {} } } } });
    // The dropped stream resumes from a version that is now compacted.
    const relisted = await cluster.waitFor((view) => (view.workload("w2") ? true : undefined), 5);
    expect(relisted.done).toBe(true);
    expect(cluster.watchStats().deployments!.lists).toBeGreaterThan(listsBefore);
    expect(cluster.watchStats().deployments!.expired).toBeGreaterThanOrEqual(1);
  });

  it("a FailedScheduling pod fails fast: event surfaced and pod reason set, long before any timeout", async () => {
    server.unschedulable.add("big");
    const cluster = await connect();
    const since = cluster.now();
    await cluster.apply(conformanceSpec("big", { requests: { memory: 9 * Gi, cpu: 10 }, limits: { memory: 9 * Gi } }));
    const started = Date.now();
    // Pod status and the scheduler's Event arrive on separate watches: wait for both.
    const waited = await cluster.waitFor(
      (view) => (view.workload("big")?.unschedulablePods && view.events(since - 2).some((e) => e.reason === "FailedScheduling") ? view.workload("big") : undefined),
      600,
    );
    expect(waited.done).toBe(true);
    expect(Date.now() - started).toBeLessThan(5000);
    if (waited.done) expect(waited.value?.message).toMatch(/^0\/1 nodes are available: 1 Insufficient memory/);
    const events = (await cluster.events(since - 2)).filter((e) => e.reason === "FailedScheduling");
    expect(events).toHaveLength(1);
    expect(events[0]!.workload).toBe("big");
    expect(events[0]!.type).toBe("Warning");
    const status = await cluster.workloadStatus("big");
    expect(status?.status).toBe("InProgress");
    expect(status?.pods[0]).toMatchObject({ phase: "Pending", reason: "FailedScheduling" });
  });

  it("OOMKilled from a container's lastState becomes an event and the pod reason", async () => {
    server.autoReadyMs = 1;
    const cluster = await connect();
    await cluster.apply(conformanceSpec("oom"));
    await cluster.waitFor((view) => (view.workload("oom")?.status === "Current" ? true : undefined), 5);
    const pod = server.list("v1", "pods", "prod")[0]!;
    pod.status.containerStatuses = [{ name: "oom", ready: false, restartCount: 1, state: { waiting: { reason: "CrashLoopBackOff", message: "back-off 10s" } }, lastState: { terminated: { reason: "OOMKilled", exitCode: 137, finishedAt: new Date().toISOString() } } }];
    server.upsert("v1", "pods", pod);
    const waited = await cluster.waitFor((view) => (view.events(0).some((e) => e.reason === "OOMKilled") ? true : undefined), 5);
    expect(waited.done).toBe(true);
    const status = await cluster.workloadStatus("oom");
    expect(status?.crashLooping).toBe(true);
    expect(status?.maxRestarts).toBe(1);
  });

  it("without metrics.k8s.io: one warning, and usage equals requests", async () => {
    server.metrics = false;
    server.autoReadyMs = 1;
    const cluster = await connect();
    await cluster.apply(conformanceSpec("m", { replicas: 2 }));
    await cluster.waitFor((view) => (view.workload("m")?.status === "Current" ? true : undefined), 5);
    const nodes = await cluster.nodes();
    await cluster.nodes();
    expect(nodes[0]!.requested.memory).toBe(2 * 16 * Mi);
    expect(nodes[0]!.used).toEqual(nodes[0]!.requested);
    expect(warnings.filter((w) => w === METRICS_UNAVAILABLE_WARNING)).toHaveLength(1);
  });

  it("with metrics.k8s.io: node usage comes from NodeMetrics", async () => {
    server.nodeUsage.set("node-1", { cpu: "250m", memory: "1Gi" });
    const cluster = await connect();
    const nodes = await cluster.nodes();
    expect(nodes[0]!.used).toEqual({ memory: Gi, cpu: 250 });
    expect(nodes[0]!.allocatable).toEqual({ memory: 8 * Gi, cpu: 4000 });
    expect(warnings).not.toContain(METRICS_UNAVAILABLE_WARNING);
  });

  it("remove deletes workload and Services with Background propagation, never a PVC", async () => {
    server.autoReadyMs = 1;
    const cluster = await connect();
    const spec = conformanceSpec("db", { kind: "StatefulSet", persistent: true, storage: 64 * Mi, port: 5432 });
    await cluster.apply(spec);
    server.upsert("v1", "persistentvolumeclaims", { metadata: { name: "data-db-0", namespace: "prod", labels: { "opdeploy.io/workload": "db" } }, spec: { resources: { requests: { storage: "64Mi" } } } });
    await cluster.waitFor((view) => (view.workload("db")?.status === "Current" ? true : undefined), 5);
    await vi.waitFor(async () => expect(await cluster.volumes()).toHaveLength(1));
    const volumes = await cluster.volumes();
    expect(volumes).toEqual([{ name: "data-db-0", workload: "db", size: 64 * Mi }]);
    await cluster.remove("db", { keepVolumes: true });
    await cluster.remove("db", { keepVolumes: true });
    expect(await cluster.workloadStatus("db")).toBeUndefined();
    const deletes = server.requests.filter((r) => r.method === "DELETE");
    expect(deletes.some((r) => r.path.includes("persistentvolumeclaims"))).toBe(false);
    expect(deletes.filter((r) => r.path.includes("/statefulsets/db")).every((r) => r.query.propagationPolicy === "Background")).toBe(true);
    expect(deletes.some((r) => r.path.endsWith("/services/db-headless"))).toBe(true);
    expect(await cluster.volumes()).toEqual(volumes);
    await expect(cluster.remove("db", { keepVolumes: false })).rejects.toThrow(/never deletes PersistentVolumeClaims/);
  });

  it("a wait that times out returns done: false after the wall-clock timeout", async () => {
    const cluster = await connect();
    const start = cluster.now();
    const waited = await cluster.waitFor(() => undefined, 0.3);
    expect(waited.done).toBe(false);
    expect(cluster.now()).toBeGreaterThanOrEqual(start + 0.3);
  });

  it("validate uses the injected endpoint resolver and validator", async () => {
    server.autoReadyMs = 1;
    const seen: string[] = [];
    const cluster = await KubernetesCluster.connect({
      kubeconfigYaml: server.kubeconfig(),
      warn: () => {},
      resolveEndpoint: async () => ({ host: "127.0.0.1", port: 6553, close: async () => void seen.push("closed") }),
      validator: async (service, endpoint) => {
        seen.push(`${service.name}@${endpoint?.host}:${endpoint?.port}`);
        return { service: service.name, ok: true, message: "ok" };
      },
    });
    clusters.push(cluster);
    await cluster.apply(conformanceSpec("cache", { port: 6379 }));
    const service = { name: "cache", validate: { kind: "redis" } } as unknown as import("@openpolicy/core").Service;
    expect((await cluster.validate(service)).ok).toBe(true);
    expect(seen).toEqual(["cache@127.0.0.1:6553", "closed"]);
    await expect(cluster.validate({ ...service, name: "nope" })).rejects.toThrow(/^cluster: validate: unknown service "nope"/);
  });

  it("never prints the kubeconfig token in warnings or errors", async () => {
    const cluster = await connect();
    // An error path: apply rejected by the server.
    server.upsert("apps/v1", "deployments", { metadata: { name: "x", namespace: "prod", generation: 1, annotations: { "fake/last-applied-by": "someone" } }, spec: {} });
    const error = await cluster.apply(conformanceSpec("x")).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    // A connection failure with the token in hand.
    await server.stop();
    const failed = await KubernetesCluster.connect({ kubeconfigYaml: server.kubeconfig(), warn: (m) => warnings.push(m) }).catch((e: Error) => e);
    expect(failed).toBeInstanceOf(Error);
    const texts = [String(error), (error as Error).stack ?? "", String(failed), (failed as Error).stack ?? "", ...warnings];
    for (const text of texts) expect(text).not.toContain(server.token);
    // The token was really sent (so the check above means something).
    expect(server.requests.some((r) => r.authorization === `Bearer ${server.token}`)).toBe(true);
    server = new FakeApiServer();
    await server.start();
  });
});
