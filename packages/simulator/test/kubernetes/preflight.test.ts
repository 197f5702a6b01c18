/**
 * preflight against FakeApiServer — a protocol test double (fake-api-server.ts): each case sets
 * up the live state one problem at a time and checks the finding it gives, that every other
 * check stays quiet, and that nothing was written (only GETs and SelfSubjectAccessReviews).
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Finding } from "@openpolicy/core";
import { KubeApi, loadKubeConfig } from "../../src/cluster/kubernetes/kube-api.js";
import { ClusterError } from "../../src/cluster/cluster.js";
import { RevisionStore } from "../../src/deploy/revisions.js";
import { planDigest } from "../../src/deploy/plan-digest.js";
import { ACCESS_REVIEW_PATH, normalizeImage, preflight } from "../../src/preflight/index.js";
import { Gi, Mi, makePlan, makeService } from "../helpers/plan-builder.js";
import { FakeApiServer } from "./fake-api-server.js";

const NS = "openpolicy";
let server: FakeApiServer;

function shopPlan(options: { apiMemory?: number; declaredMemory?: number; pullPolicy?: "Never" } = {}) {
  const db = makeService("db", { memory: 256 * Mi, cpu: 250, kind: "StatefulSet", persistent: true, port: 5432, validate: { kind: "postgres" } });
  db.image = "postgres:16";
  const api = makeService("api", { memory: options.apiMemory ?? 128 * Mi, cpu: 100, port: 8080, dependsOn: ["db"], validate: { kind: "none" } });
  api.image = "shop/api:1";
  if (options.pullPolicy) api.imagePullPolicy = options.pullPolicy;
  return makePlan({
    name: "shop",
    services: [db, api],
    phases: [
      { name: "data", batches: [["db"]] },
      { name: "apps", batches: [["api"]] },
    ],
    nodes: [{ memory: options.declaredMemory ?? 8 * Gi, cpu: 4000 }],
  });
}

/** A cluster where the shop plan passes: its images on the node, its Secret, a default StorageClass. */
function healthyCluster(images: string[][] = [["docker.io/library/postgres:16"], ["docker.io/shop/api:1"]], providerID?: string): void {
  server.addNode("node-1", "8Gi", "4", { images, ...(providerID ? { providerID } : {}) });
  server.upsert("v1", "secrets", { metadata: { name: "shop-credentials", namespace: NS }, data: { "database-password": "c2VjcmV0" } });
  server.upsert("storage.k8s.io/v1", "storageclasses", { metadata: { name: "standard", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } }, provisioner: "rancher.io/local-path" });
}

function api(): KubeApi {
  return new KubeApi(loadKubeConfig({ kubeconfigYaml: server.kubeconfig(NS) }), { timeoutMs: 5000 });
}

async function run(plan = shopPlan(), now?: () => number) {
  const before = server.requests.length;
  const report = await preflight({ api: api(), namespace: NS }, plan, now ? { now } : {});
  const sent = server.requests.slice(before);
  return { report, sent, rules: report.findings.map((f) => f.rule).sort() };
}

/** Nothing but reads and access reviews reached the server. */
function expectNoWrites(sent: { method: string; path: string }[]): void {
  expect(sent.filter((r) => r.method !== "GET" && r.path !== ACCESS_REVIEW_PATH)).toEqual([]);
  expect(sent.filter((r) => r.method === "POST").length).toBeGreaterThan(0);
}

function only(findings: Finding[], rule: string): Finding[] {
  return findings.filter((f) => f.rule === rule);
}

beforeEach(async () => {
  server = new FakeApiServer();
  await server.start();
});

afterEach(async () => {
  await server.stop();
});

describe("preflight", () => {
  it("a cluster that can take the plan: no findings, nothing written", async () => {
    healthyCluster();
    const { report, sent } = await run();
    expect(report.findings).toEqual([]);
    expect(report.blocking).toBe(false);
    expectNoWrites(sent);
  });

  it("capacity: the plan's 10Gi against one 8Gi node holding 1Gi of others' pods; the declared 16Gi is named", async () => {
    healthyCluster();
    server.upsert("v1", "pods", {
      metadata: { name: "coredns", namespace: "kube-system" },
      spec: { nodeName: "node-1", containers: [{ name: "c", resources: { requests: { memory: "1Gi", cpu: "100m" } } }] },
      status: { phase: "Running" },
    });
    const { report, sent } = await run(shopPlan({ apiMemory: 10 * Gi - 256 * Mi, declaredMemory: 16 * Gi }));
    expect(report.blocking).toBe(true);
    const capacity = only(report.findings, "preflight-capacity");
    // One for the phase whose requests do not fit, one for the api pod that fits no node.
    expect(capacity.map((f) => f.phase ?? f.services.join())).toEqual(["api", "apps"]);
    expect(capacity[1]!.message).toContain("request 10Gi");
    expect(capacity[1]!.message).toContain("have 7Gi free");
    const mismatch = only(report.findings, "preflight-cluster-mismatch");
    expect(mismatch).toHaveLength(1);
    expect(mismatch[0]!.message).toMatch(/16Gi allocatable \(live: 8Gi\)/);
    expect(report.findings.filter((f) => !f.rule.startsWith("preflight-c"))).toEqual([]);
    expectNoWrites(sent);
  });

  it("capacity on an upgrade: the old pods of a rolling Deployment plus its surge pod count at the phase's peak", async () => {
    healthyCluster();
    // api runs 3 × 2Gi of an older revision; the new one (3 × 2Gi, maxSurge 25% → 1 pod) surges to 8Gi + db.
    server.upsert("apps/v1", "deployments", { metadata: { name: "api", namespace: NS, labels: { "opdeploy.io/plan": "shop" } }, spec: {} });
    for (let i = 0; i < 3; i++) {
      server.upsert("v1", "pods", {
        metadata: { name: `api-old-${i}`, namespace: NS, labels: { "opdeploy.io/workload": "api", "opdeploy.io/revision": "old" } },
        spec: { nodeName: "node-1", containers: [{ name: "api", resources: { requests: { memory: "2Gi", cpu: "100m" } } }] },
        status: { phase: "Running" },
      });
    }
    const plan = shopPlan({ apiMemory: 2 * Gi });
    plan.services.get("api")!.replicas = 3;
    const { report } = await run(plan);
    const capacity = only(report.findings, "preflight-capacity");
    expect(capacity).toHaveLength(1);
    expect(capacity[0]!.phase).toBe("apps");
    expect(capacity[0]!.message).toContain("rolling-update surge of 2Gi included");
  });

  it("images: Never with the image on no node is an error; on kind it gives the kind load command", async () => {
    healthyCluster([["docker.io/library/postgres:16"]], "kind://docker/openpolicy/openpolicy-control-plane");
    const { report, sent } = await run(shopPlan({ pullPolicy: "Never" }));
    expect(report.findings.map((f) => f.rule)).toEqual(["preflight-image-missing"]);
    expect(report.findings[0]!.services).toEqual(["api"]);
    expect(report.findings[0]!.message).toContain("ErrImageNeverPull");
    expect(report.findings[0]!.message).toContain("`kind load docker-image shop/api:1 --name openpolicy`");
    expectNoWrites(sent);
    // deploy --phase data applies only db: api's image is not needed yet.
    const dataOnly = await preflight({ api: api(), namespace: NS }, shopPlan({ pullPolicy: "Never" }), { phase: "data" });
    expect(dataOnly.findings).toEqual([]);
  });

  it("images: a missing pullable image is a warning, and a list at the kubelet's 50-image limit is said to be possibly truncated", async () => {
    const filler = Array.from({ length: 50 }, (_, i) => [`docker.io/library/filler-${i}:1`]);
    healthyCluster([["docker.io/library/postgres:16"], ...filler]);
    const { report } = await run();
    expect(report.findings.map((f) => [f.rule, f.severity])).toEqual([["preflight-image-unverified", "warning"]]);
    expect(report.findings[0]!.message).toMatch(/may be there unlisted/);
    expect(report.blocking).toBe(false);
  });

  it("normalizes image references as the runtime reports them", () => {
    expect(normalizeImage("postgres")).toBe("docker.io/library/postgres:latest");
    expect(normalizeImage("shop/api:1")).toBe("docker.io/shop/api:1");
    expect(normalizeImage("localhost:5000/api")).toBe("localhost:5000/api:latest");
    expect(normalizeImage("ghcr.io/o/api@sha256:ab")).toBe("ghcr.io/o/api@sha256:ab");
  });

  it("namespace: another plan's object, an unmanaged one, an interrupted deploy of this plan and a held lease", async () => {
    healthyCluster();
    server.upsert("apps/v1", "deployments", { metadata: { name: "api", namespace: NS, labels: { "opdeploy.io/plan": "billing" } }, spec: {} });
    server.upsert("v1", "services", { metadata: { name: "db", namespace: NS }, spec: {} });
    const plan = shopPlan();
    await new RevisionStore(api(), NS).save({
      plan: "shop", version: 4, status: "deploying", updatedAt: "", description: "deploy", holder: "ci-1",
      manifests: { shared: [], services: {} }, order: [["db"], ["api"]], digest: planDigest(plan),
      steps: [{ phase: "data", batch: "data.1", service: "db", status: "succeeded", t: 10 }],
    });
    const now = Date.parse("2026-01-01T00:00:30Z");
    server.upsert("coordination.k8s.io/v1", "leases", { metadata: { name: "opdeploy-shop", namespace: NS }, spec: { holderIdentity: "ci-2", leaseDurationSeconds: 60, renewTime: "2026-01-01T00:00:00.000000Z" } });
    const { report, sent } = await run(plan, () => now);
    expect(report.findings.map((f) => f.rule)).toEqual(["preflight-object-conflict", "preflight-object-unmanaged", "preflight-interrupted-deploy", "preflight-lease-held"]);
    const [conflict, unmanaged, leftover, lease] = report.findings;
    expect(conflict!.message).toMatch(/^Deployment\/api in openpolicy belongs to plan billing/);
    expect(unmanaged!.message).toContain("Service/db");
    expect(leftover!.message).toMatch(/revision 4 of this plan was interrupted with 1 step\(s\) done \(db\); `opdeploy deploy` resumes it/);
    expect(lease!.message).toMatch(/held by ci-2 \(renewed 30 s ago/);
    expectNoWrites(sent);
  });

  it("namespace: one that does not exist is named, with the command that creates it", async () => {
    healthyCluster();
    server.missingNamespaces.add(NS);
    const { report, sent } = await run();
    expect(report.findings.map((f) => f.message)).toEqual([`namespace ${NS} does not exist; create it first (kubectl create namespace ${NS}) — the deploy does not.`]);
    expectNoWrites(sent);
  });

  it("references: the credentials Secret missing, a key missing, no default StorageClass", async () => {
    server.addNode("node-1", "8Gi", "4", { images: [["docker.io/library/postgres:16"], ["docker.io/shop/api:1"]] });
    server.upsert("storage.k8s.io/v1", "storageclasses", { metadata: { name: "fast" }, provisioner: "x" });
    const { report, sent } = await run();
    expect(report.findings.map((f) => f.rule)).toEqual(["preflight-missing-reference", "preflight-missing-reference"]);
    expect(report.findings[0]!.message).toMatch(/^Secret shop-credentials does not exist in openpolicy; db, api read it, so their containers would stop in CreateContainerConfigError. Create it with key\(s\) database-password/);
    expect(report.findings[1]!.message).toMatch(/claim data of db names no StorageClass and the cluster has no default one \(classes: fast\)/);
    expectNoWrites(sent);

    server.upsert("v1", "secrets", { metadata: { name: "shop-credentials", namespace: NS }, data: { other: "eA==" } });
    const again = await run();
    expect(again.report.findings[0]!.message).toMatch(/^Secret shop-credentials has no key database-password, which db, api read/);
    expect(JSON.stringify(again.report)).not.toContain("eA==");
  });

  it("permissions: every denied verb is named, by resource; the cluster-wide pod list is only a warning", async () => {
    healthyCluster();
    server.denied.add("delete apps/deployments");
    server.denied.add("patch apps/deployments");
    server.denied.add("create /pods/portforward");
    server.denied.add("update coordination.k8s.io/leases");
    server.denied.add("list /pods");
    const { report, sent } = await run();
    const denied = only(report.findings, "preflight-permission").map((f) => [f.severity, f.message.replace(/ \(.*$/, "")]);
    expect(denied).toEqual([
      ["error", "the deployer may not patch, delete apps/deployments in openpolicy"],
      ["error", "the deployer may not list pods in openpolicy"],
      ["error", "the deployer may not update coordination.k8s.io/leases in openpolicy"],
      ["warning", "the deployer may not list pods cluster-wide"],
      // db is validated with PostgreSQL's protocol, through a port-forward.
      ["error", "the deployer may not create pods/portforward in openpolicy"],
    ]);
    expect(report.blocking).toBe(true);
    expectNoWrites(sent);
  });

  it("observability: no metrics-server is said once, as a warning", async () => {
    await server.stop();
    server = new FakeApiServer({ metrics: false });
    await server.start();
    healthyCluster();
    const { report, sent } = await run();
    expect(report.findings.map((f) => [f.rule, f.severity])).toEqual([["preflight-no-metrics", "warning"]]);
    expect(report.findings[0]!.message).toContain("measure requests, not usage");
    expect(report.blocking).toBe(false);
    expectNoWrites(sent);
  });

  it("a read the deployer may not make is named as unverified; the rest still runs", async () => {
    healthyCluster();
    server.injectFault({ status: 403, path: "/storageclasses", method: "GET" });
    server.injectFault({ status: 403, path: "/api/v1/pods", method: "GET" });
    const plan = shopPlan({ apiMemory: 4 * Gi });
    plan.services.get("api")!.replicas = 2;
    const { report, sent } = await run(plan);
    expect(report.findings.map((f) => [f.rule, f.severity])).toEqual([
      ["preflight-capacity", "error"],
      ["preflight-unverified", "warning"],
    ]);
    expect(report.findings[0]!.message).toContain("only the deploy namespace's pods could be read");
    expect(report.findings[1]!.message).toMatch(/^could not verify the StorageClasses of 1 PersistentVolumeClaim\(s\): forbidden: fake: injected 403$/);
    expectNoWrites(sent);
  });

  it("an unreachable API server throws a ClusterError (exit 3), a refused token too", async () => {
    const unreachable = new KubeApi(loadKubeConfig({ kubeconfigYaml: server.kubeconfig(NS).replace(`127.0.0.1:${server.port}`, "127.0.0.1:1") }), { timeoutMs: 2000, retry: { attempts: 1 } });
    await expect(preflight({ api: unreachable, namespace: NS }, shopPlan())).rejects.toBeInstanceOf(ClusterError);
    const refused = new KubeApi(loadKubeConfig({ kubeconfigYaml: server.kubeconfig(NS).replace(server.token, "wrong") }), { timeoutMs: 2000 });
    const error = await preflight({ api: refused, namespace: NS }, shopPlan()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClusterError);
    expect(String((error as Error).message)).not.toContain(server.token);
  });
});
