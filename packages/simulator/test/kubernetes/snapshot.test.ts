/**
 * snapshotNamespace and calibratePlan against FakeApiServer — a protocol test double, not
 * Kubernetes (fake-api-server.ts): the namespace is what `deploy` applied there; pod conditions,
 * container start times and pod metrics are set by the test as the kubelet and metrics-server
 * would report them.
 */
import { parsePlanText } from "@openpolicy/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { KubernetesCluster } from "../../src/cluster/kubernetes/kubernetes-cluster.js";
import { deployPlan } from "../../src/deploy/index.js";
import { simulate } from "../../src/simulate.js";
import { calibratePlan, snapshotNamespace, SnapshotError, startupSeconds } from "../../src/snapshot/index.js";
import { Mi, makePlan, makeService } from "../helpers/plan-builder.js";
import { FakeApiServer } from "./fake-api-server.js";

let server: FakeApiServer;
let cluster: KubernetesCluster;

function shop() {
  const services = [
    makeService("db", { memory: 256 * Mi, cpu: 250, kind: "StatefulSet", persistent: true, port: 5432, validate: { kind: "none" } }),
    makeService("api", { memory: 128 * Mi, cpu: 100, replicas: 2, port: 8080, dependsOn: ["db"], validate: { kind: "none" } }),
  ];
  services[1]!.image = "api:1";
  return makePlan({ name: "shop", services, phases: [{ name: "data", batches: [["db"]] }, { name: "apps", batches: [["api"]] }] });
}

const T0 = Date.parse("2026-11-30T10:00:00Z");
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

/** A pod as the kubelet reports it: scheduled at 0, container started at `started`, Ready at `ready`. */
function reportPod(name: string, started: number, ready: number): void {
  server.setStatus("v1", "pods", "shop", name, {
    phase: "Running",
    conditions: [
      { type: "PodScheduled", status: "True", lastTransitionTime: at(0) },
      { type: "Initialized", status: "True", lastTransitionTime: at(1) },
      { type: "ContainersReady", status: "True", lastTransitionTime: at(ready) },
      { type: "Ready", status: "True", lastTransitionTime: at(ready) },
    ],
    containerStatuses: [{ name: "api", ready: true, restartCount: 0, state: { running: { startedAt: at(started) } } }],
  });
}

const apiPods = () => server.list("v1", "pods", "shop").filter((p) => p.metadata.name.startsWith("api-")).map((p) => p.metadata.name as string).sort();

beforeEach(async () => {
  server = new FakeApiServer();
  await server.start();
  server.addNode("node-1", "8Gi", "4");
  server.addNode("node-2", "8Gi", "4");
  server.autoReadyMs = 5;
  cluster = await KubernetesCluster.connect({ kubeconfigYaml: server.kubeconfig("shop"), namespace: "shop", tickMs: 20, refreshMs: 20, watchRetryMs: 10, warn: () => {} });
  expect((await deployPlan(shop(), { cluster, settleSeconds: 0, rehearse: false })).verdict).toBe("succeeded");
});

afterEach(async () => {
  await cluster.close();
  await server.stop();
});

describe("snapshotNamespace", () => {
  it("the live namespace as a plan: workloads, replicas, requests, images, nodes, measured usage and observed start-up", async () => {
    const [a, b] = apiPods();
    reportPod(a!, 5, 17);
    reportPod(b!, 4, 24);
    server.podUsage.set(`shop/${a}`, [{ name: "api", usage: { memory: "100Mi", cpu: "20m" } }]);
    server.podUsage.set(`shop/${b}`, [{ name: "api", usage: { memory: "153601Ki", cpu: "35500u" } }]);
    const before = server.requests.length;
    const snap = await snapshotNamespace({ api: cluster.api, namespace: "shop" }, { now: new Date(T0) });

    const api = snap.plan.services.get("api")!;
    expect(api).toMatchObject({ kind: "Deployment", replicas: 2, image: "api:1", requests: { memory: 128 * Mi, cpu: 100 } });
    // The largest pod, rounded up to whole Mi and millicores; the median start-up (12 s and 20 s).
    expect(api.usage).toEqual({ memory: 151 * Mi, cpu: 36 });
    expect(api.startupSeconds).toBe(16);
    expect(snap.plan.services.get("db")).toMatchObject({ kind: "StatefulSet", requests: { memory: 256 * Mi, cpu: 250 } });
    expect(snap.plan.cluster.nodes).toEqual([expect.objectContaining({ count: 2, memory: 8 * 1024 * Mi, cpu: 4000 })]);
    // Allocatable = capacity on these nodes: reserved 0 is written, not left to the plan's 100Mi default.
    expect(snap.plan.cluster.reserved).toEqual({ memory: 0, cpu: 0 });
    expect(snap.plan.cluster.overhead).toBe("none");
    expect(snap.yaml).toMatch(/^ {2}api:.*\n(?: {4}.*\n)*? {4}usage: \{memory: 151Mi, cpu: 36m\}$/m);
    expect(snap.yaml).toContain("# measured usage: the largest of 2 pod(s), metrics.k8s.io");
    expect(snap.yaml).toContain("# measured startup: median container start → Ready of 2 pod(s)");
    // db's pods showed no times and no metrics: nothing is stated for it.
    expect(snap.yaml).toMatch(/# measured startup: not observed/);
    expect(parsePlanText(snap.yaml, "state.yaml").services.get("db")!.usageGiven).toBe(false);
    // Secrets (revision records included) are never read.
    expect(server.requests.slice(before).filter((r) => r.path.includes("/secrets"))).toEqual([]);
    expect(server.requests.slice(before).filter((r) => r.method !== "GET")).toEqual([]);

    // Usable as the state a rehearsed upgrade starts from.
    const next = shop();
    next.services.get("api")!.image = "api:2";
    expect((await simulate(next, { from: snap.plan, seed: 1 })).verdict).toBe("succeeded");
  });

  it("without metrics.k8s.io: no usage, and the file says why", async () => {
    server.metrics = false;
    const snap = await snapshotNamespace({ api: cluster.api, namespace: "shop" });
    expect(snap.metrics).toBe(false);
    expect([...snap.plan.services.values()].every((s) => !s.usageGiven)).toBe(true);
    expect(snap.yaml).toContain("metrics.k8s.io did not answer: no measured usage");
  });

  it("an identity that may not list nodes (deploy/rbac.yaml's deployer): the importer's guessed cluster, said in a note", async () => {
    server.injectFault({ status: 403, method: "GET", path: "/api/v1/nodes", watch: false, times: Infinity });
    const snap = await snapshotNamespace({ api: cluster.api, namespace: "shop" });
    expect(snap.notes.some((n) => n.kind === "assumed" && /^cluster: one node of/.test(n.message))).toBe(true);
    expect(snap.plan.services.size).toBe(2);
  });

  it("nodes of a kind cluster: overhead kind; nodes that reserve memory: reserved = capacity − allocatable", async () => {
    for (const name of ["node-1", "node-2"]) {
      server.addNode(name, "8Gi", "4", { providerID: `kind://docker/shop/${name}` });
      const node = server.get("v1", "nodes", undefined, name)!;
      server.upsert("v1", "nodes", { ...node, status: { ...node.status, allocatable: { memory: "7680Mi", cpu: "3900m", pods: "110" } } });
    }
    const snap = await snapshotNamespace({ api: cluster.api, namespace: "shop" });
    expect(snap.plan.cluster.overhead).toBe("kind");
    expect(snap.plan.cluster.reserved).toEqual({ memory: 512 * Mi, cpu: 100 });
  });

  it("a namespace without workloads is an error naming it", async () => {
    await expect(snapshotNamespace({ api: cluster.api, namespace: "empty" })).rejects.toThrow(new SnapshotError("namespace empty has no Deployment or StatefulSet: nothing to make a plan of"));
  });

  it("start-up: a container restarted after the pod became Ready gives no figure; without container times the Initialized condition is the start", () => {
    const cond = (type: string, s: number) => ({ type, status: "True", lastTransitionTime: at(s) });
    expect(startupSeconds({ status: { conditions: [cond("Ready", 10)], containerStatuses: [{ state: { running: { startedAt: at(30) } } }] } })).toBeUndefined();
    expect(startupSeconds({ status: { conditions: [cond("PodScheduled", 0), cond("Initialized", 2), cond("Ready", 9)] } })).toBe(7);
    expect(startupSeconds({ status: { conditions: [cond("PodScheduled", 0)] } })).toBeUndefined();
  });
});

const PLAN = `# The shop, as we planned it.
name: shop
cluster:
  nodes:
    - {count: 2, memory: 8Gi, cpu: "4"}
phases:
  - name: data
    services: [db]
  - name: apps
    services: [api]
services:
  # PostgreSQL: measured once by hand
  db:  {memory: 256Mi, cpu: 250m, port: 5432, validate: none, usage: {memory: 200Mi}, startup: 30s}
  api:
    memory: 128Mi   # per pod
    cpu: 100m
    replicas: 2
    port: 8080
    dependsOn: [db]
    validate: none
`;

describe("calibratePlan", () => {
  it("writes the state's measurements into the plan, old → new, keeping comments and layout; unmeasured fields stay", async () => {
    const [a, b] = apiPods();
    reportPod(a!, 5, 17);
    reportPod(b!, 4, 24);
    server.podUsage.set(`shop/${a}`, [{ name: "api", usage: { memory: "100Mi", cpu: "20m" } }]);
    server.podUsage.set("shop/db-0", [{ name: "db", usage: { memory: "242Mi", cpu: "40m" } }]);
    const snap = await snapshotNamespace({ api: cluster.api, namespace: "shop" });
    const result = calibratePlan(PLAN, "plan.yaml", snap.yaml, "state.yaml");
    expect(result.changes).toEqual([
      { service: "db", field: "usage.memory", old: "200Mi", new: "242Mi" },
      { service: "db", field: "usage.cpu", old: "unset", new: "40m" },
      { service: "api", field: "usage.memory", old: "unset", new: "100Mi" },
      { service: "api", field: "usage.cpu", old: "unset", new: "20m" },
      { service: "api", field: "startup", old: "10s (default)", new: "16s" },
    ]);
    expect(result.text).toContain("# The shop, as we planned it.");
    expect(result.text).toContain("# PostgreSQL: measured once by hand");
    expect(result.text).toContain("memory: 128Mi # per pod");
    expect(result.text).toContain("db: {memory: 256Mi, cpu: 250m, port: 5432, validate: none, usage: {memory: 242Mi, cpu: 40m}, startup: 30s}");
    expect(result.text).toMatch(/^ {4}usage: \{memory: 100Mi, cpu: 20m\}\n {4}startup: 16s$/m);
    expect(result.plan.services.get("api")!.startupSeconds).toBe(16);
    // db's start was not observed: its 30s stays.
    expect(result.plan.services.get("db")!.startupSeconds).toBe(30);
    expect(result.unmeasured).toEqual([]);
    expect(result.unknown).toEqual([]);

    // Calibrating again from the same state changes nothing.
    const again = calibratePlan(result.text, "plan.yaml", snap.yaml, "state.yaml");
    expect(again.changes).toEqual([]);
    expect(again.text).toBe(result.text);
  });

  it("names plan services the state does not measure and live workloads the plan does not have", () => {
    const state = PLAN.replace("api:\n", "web:\n").replace("services: [api]", "services: [web]").replace("validate: none, usage: {memory: 200Mi}, startup: 30s", "validate: none, usage: {memory: 300Mi}");
    const result = calibratePlan(PLAN, "plan.yaml", state, "state.yaml");
    expect(result.changes).toEqual([{ service: "db", field: "usage.memory", old: "200Mi", new: "300Mi" }]);
    expect(result.unmeasured).toEqual(["api"]);
    expect(result.unknown).toEqual(["web"]);
  });
});
