/**
 * diffPlan against FakeApiServer — a protocol test double, not Kubernetes (fake-api-server.ts):
 * it checks that the diff sends the objects `deploy` applies as server-side dry runs, writes
 * nothing, and compares the answers with the live objects. Real defaulting and field merging
 * are the kind suite's (test/kind).
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { KubernetesCluster } from "../../src/cluster/kubernetes/kubernetes-cluster.js";
import { planWorkloads } from "../../src/cluster/plan-workloads.js";
import { deployPlan } from "../../src/deploy/index.js";
import { diffPlan, formatPlanDiffText } from "../../src/diff/index.js";
import { maskedSecrets } from "../../src/diff/comparable.js";
import type { FakeApiServer } from "./fake-api-server.js";
import { closeShop, connectShop, shopPlan, startShopServer } from "./shop-on-fake-server.js";

let server: FakeApiServer;
let clusters: KubernetesCluster[];

function connect(): Promise<KubernetesCluster> {
  return connectShop(server, "shop", clusters);
}

function plan(version = "1", worker = false) {
  return shopPlan(version, worker, 9000);
}

/** Every object the deploy of `p` would apply, as kind/name. */
function rendered(p: ReturnType<typeof plan>): string[] {
  const source = planWorkloads({ namespace: "shop" });
  const keys = new Set<string>();
  for (const s of p.services.values()) for (const o of [...(source(p, s).shared ?? []), ...(source(p, s).objects ?? [])]) keys.add(`${o.kind}/${o.metadata.name}`);
  return [...keys].sort();
}

/** Requests that could have changed something: writes without dryRun=All. */
const realWrites = () => server.requests.filter((r) => r.method !== "GET" && r.query.dryRun !== "All");

async function deploy(p: ReturnType<typeof plan>): Promise<void> {
  const result = await deployPlan(p, { cluster: await connect(), settleSeconds: 0, rehearse: false });
  expect(result.verdict).toBe("succeeded");
}

beforeEach(async () => {
  server = await startShopServer();
  clusters = [];
});

afterEach(() => closeShop(server, clusters));

describe("diffPlan", () => {
  it("an empty namespace: every object the deploy applies is created, each sent as a dry run, nothing written", async () => {
    const cluster = await connect();
    const p = plan();
    const diff = await diffPlan({ api: cluster.api, namespace: "shop" }, p);
    expect(diff.objects.map((o) => `${o.kind}/${o.name}`).sort()).toEqual(rendered(p));
    expect(new Set(diff.objects.map((o) => o.change))).toEqual(new Set(["created"]));
    expect(diff.changed).toBe(true);
    expect(diff.summary.created).toBe(rendered(p).length);
    const applies = server.requests.filter((r) => r.method === "PATCH");
    expect(applies).toHaveLength(rendered(p).length);
    for (const r of applies) expect(r.query).toMatchObject({ dryRun: "All", fieldManager: "opdeploy" });
    expect(realWrites()).toEqual([]);
    const api = diff.objects.find((o) => o.kind === "Deployment" && o.name === "api")!;
    expect(api.services).toEqual(["api"]);
    expect(api.diff).toMatch(/^\+\s+image: api:1$/m);
  });

  it("after a deploy of the same plan: every object unchanged", async () => {
    await deploy(plan());
    const diff = await diffPlan({ api: clusters[0]!.api, namespace: "shop" }, plan());
    expect(diff.changed).toBe(false);
    expect(diff.objects.every((o) => o.change === "unchanged" && o.diff === undefined)).toBe(true);
    expect(formatPlanDiffText(diff)).toMatch(/^no changes: \d+ unchanged$/m);
  });

  it("an upgrade: the Deployment is changed with a unified diff of the image and the revision label; status and server metadata are not in it", async () => {
    await deploy(plan("1"));
    const diff = await diffPlan({ api: clusters[0]!.api, namespace: "shop" }, plan("2"));
    const api = diff.objects.find((o) => o.kind === "Deployment" && o.name === "api")!;
    expect(api.change).toBe("changed");
    expect(api.diff).toMatch(/^--- live\/Deployment\/api$/m);
    expect(api.diff).toMatch(/^\+\+\+ plan\/Deployment\/api$/m);
    expect(api.diff).toMatch(/^-\s+image: api:1$/m);
    expect(api.diff).toMatch(/^\+\s+image: api:2$/m);
    expect(api.diff).toMatch(/^[-+]\s+opdeploy\.io\/revision: /m);
    expect(api.diff).not.toMatch(/resourceVersion|managedFields|readyReplicas|creationTimestamp|uid:/);
    expect(diff.objects.find((o) => o.kind === "StatefulSet")!.change).toBe("unchanged");
    expect(diff.changed).toBe(true);
    expect(formatPlanDiffText(diff)).toMatch(/^changed\s+Deployment\/api {2}\(api\)$/m);
  });

  it("a service the plan no longer has: its labelled objects are pruned; another plan's are not", async () => {
    await deploy(plan("1", true));
    server.upsert("apps/v1", "deployments", { metadata: { name: "other", namespace: "shop", labels: { "opdeploy.io/plan": "blog" } }, spec: { replicas: 1 } });
    const diff = await diffPlan({ api: clusters[0]!.api, namespace: "shop" }, plan("1", false));
    const pruned = diff.objects.filter((o) => o.change === "pruned").map((o) => `${o.kind}/${o.name}`);
    expect(pruned.sort()).toEqual(rendered(plan("1", true)).filter((k) => !rendered(plan("1")).includes(k)));
    expect(pruned).toContain("Deployment/worker");
    expect(diff.objects.find((o) => o.name === "worker")!.diff).toMatch(/^-kind: Deployment$/m);
    expect(realWrites().filter((r) => r.method === "DELETE")).toEqual([]);
  });

  it("an object of another plan is refused, a field conflict is named, a kind the server does not serve is rejected", async () => {
    const p = plan();
    server.upsert("apps/v1", "statefulsets", { metadata: { name: "db", namespace: "shop", labels: { "opdeploy.io/plan": "blog" } }, spec: {} });
    server.upsert("apps/v1", "deployments", { metadata: { name: "api", namespace: "shop", annotations: { "fake/last-applied-by": "kubectl-edit" } }, spec: { replicas: 5 } });
    const cluster = await connect();
    const diff = await diffPlan({ api: cluster.api, namespace: "shop" }, p);
    const db = diff.objects.find((o) => o.kind === "StatefulSet")!;
    expect(db).toMatchObject({ change: "refused" });
    expect(db.message).toMatch(/belongs to plan blog/);
    const api = diff.objects.find((o) => o.kind === "Deployment" && o.name === "api")!;
    expect(api.change).toBe("changed");
    expect(api.message).toMatch(/managed by "kubectl-edit"/);
    expect(api.diff).toMatch(/^-\s+replicas: 5$/m);
    expect(realWrites()).toEqual([]);
  });

  it("Secrets are diffed with their values masked", () => {
    const live = { apiVersion: "v1", kind: "Secret", metadata: { name: "s" }, data: { same: "c2FtZQ==", old: "b2xk" } };
    const after = { apiVersion: "v1", kind: "Secret", metadata: { name: "s" }, data: { same: "c2FtZQ==", old: "bmV3" } };
    const [before, next] = maskedSecrets(live, after);
    expect(before).toContain('same: "***"');
    expect(before).toContain('old: "*** (before)"');
    expect(next).toContain('old: "*** (after)"');
    expect(before + next).not.toMatch(/b2xk|bmV3|c2FtZQ/);
  });
});
