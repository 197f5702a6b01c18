/**
 * Modes deploy and rollback end to end: the bundled action as a child process with a runner-like
 * environment, against FakeApiServer (packages/simulator/test/kubernetes/fake-api-server.ts) —
 * a protocol-level test double of the Kubernetes API, not Kubernetes: its pretend controller
 * makes applied workloads Ready after `autoReadyMs`. What real Kubernetes does is the kind
 * suite's job (packages/simulator/test/kind).
 */
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { safeErrorMessage } from "../src/deploy.js";
import { leaseHolder } from "../src/lease-holder.js";
import { namesExistingFile } from "../src/kubeconfig-path.js";
import { buildTestBundle, PLAN_PATH, planWorkspace, shopPlan } from "./helpers/deploy-fixtures.js";
import { addShopCredentials } from "./helpers/fake-cluster-per-test.js";
import { fakeApiServer, type FakeApiServer } from "./helpers/fake-kubernetes.js";
import { runAction, type ActionRun, type RunOptions } from "./helpers/run-action.js";

/** Distinctive, so any leak is found by a plain substring search. */
const KUBE_TOKEN = "kube-TOKEN-e2e-9c41d7-never-print";
const PUSH = { eventName: "push", event: { ref: "refs/heads/main", repository: { full_name: "acme/platform" } } };

let bundle: string;
let server: FakeApiServer;

beforeAll(async () => {
  bundle = await buildTestBundle();
});

beforeEach(async () => {
  server = await fakeApiServer({ token: KUBE_TOKEN });
  await server.start();
  server.addNode("node-1", "8Gi", "4");
  addShopCredentials(server);
  server.autoReadyMs = 5;
});

afterEach(async () => {
  await server.stop();
});

async function deploy(planText: string, inputs: Record<string, string> = {}, extra: Partial<RunOptions> = {}): Promise<ActionRun> {
  const workspace = await planWorkspace(planText);
  return runAction({
    inputs: { plan: PLAN_PATH, mode: "deploy", kubeconfig: server.kubeconfig("shop"), "settle-seconds": "0", comment: "false", ...inputs },
    workspace,
    bundle,
    ...PUSH,
    ...extra,
  });
}

const revisionSecrets = () => server.list("v1", "secrets", "shop").filter((s) => s.metadata.labels?.owner === "opdeploy");
const lease = () => server.get("coordination.k8s.io/v1", "leases", "shop", "opdeploy-shop");
const log = (run: ActionRun) => `${run.stdout}\n${run.stderr}`;

/** Everything a run left readable — log (minus the mask commands the runner consumes), summary, outputs, every file under RUNNER_TEMP. */
async function everythingLeftBehind(run: ActionRun): Promise<string> {
  const texts = [run.stderr, run.summary, JSON.stringify(run.outputs)];
  texts.push(run.stdout.split("\n").filter((line) => !line.startsWith("::add-mask::")).join("\n"));
  for (const entry of await readdir(run.runnerTemp, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) texts.push(await readFile(join(entry.parentPath, entry.name), "utf8"));
  }
  return texts.join("\n");
}

describe("mode deploy", () => {
  it("deploys phase by phase on push: grouped progress, gates, outputs, summary — and no credential anywhere", async () => {
    const kubeconfig = server.kubeconfig("shop");
    const run = await deploy(shopPlan());
    expect(run.code, log(run)).toBe(0);
    expect(run.outputs.verdict).toBe("succeeded");
    expect(run.outputs.revision).toBe("1");
    expect(run.outputs.errors).toBe("0");

    // Progress: one group per phase, a line per step as it happens, then gates and verdict.
    const groups = [...run.stdout.matchAll(/^::group::(.+)$/gm)].map((m) => m[1]);
    expect(groups).toEqual(["phase data", "phase apps", "gates and verdict: succeeded"]);
    const dataGroup = run.stdout.slice(run.stdout.indexOf("::group::phase data"), run.stdout.indexOf("::group::phase apps"));
    expect(dataGroup.split("\n").filter((l) => l.startsWith("db: "))).toEqual(["db: applied", "db: Ready", "db: validated"]);
    expect(run.stdout).toMatch(/^phase data: succeeded, gate passed: memory by requests [\d.]+% ≤ 60% passed · .*healthy 100% ≥ 100% passed$/m);
    expect(run.stdout).toMatch(/^opdeploy: lease opdeploy-shop acquired by /m);
    expect(run.stdout.match(/^::group::/gm)?.length).toBe(run.stdout.match(/^::endgroup::$/gm)?.length);

    // The cluster: revision 1 deployed, workloads applied by opdeploy, lease released.
    expect(revisionSecrets().map((s) => [s.metadata.name, s.metadata.labels.status])).toEqual([["opdeploy.shop.v1", "deployed"]]);
    expect(server.get("apps/v1", "deployments", "shop", "api")!.spec.template.spec.containers[0].image).toBe("shop/api:1");
    expect(lease()!.spec.holderIdentity).toBeUndefined();
    // Every request carried the kubeconfig's token: the input was the credential used.
    expect(server.requests.length).toBeGreaterThan(0);
    for (const request of server.requests) expect(request.authorization).toBe(`Bearer ${KUBE_TOKEN}`);

    // Summary: phases, steps, gates, verdict.
    expect(run.summary).toContain("### opdeploy deploy of `deploy/plan.yaml`: ✅ succeeded");
    expect(run.summary).toContain("plan `shop` · namespace `shop` · revision 1");
    expect(run.summary).toMatch(/^\| data \| succeeded \| db ✓ \| memory by requests [\d.]+% ≤ 60% passed<br>.*healthy 100% ≥ 100% passed \|$/m);
    expect(run.summary).toMatch(/^\| apps \| succeeded \| api ✓ \|/m);

    // Masked before anything else, never printed or written; the temp kubeconfig is gone.
    expect(run.stdout.split("\n").slice(0, 3)).toContain(`::add-mask::${KUBE_TOKEN}`);
    const leftBehind = await everythingLeftBehind(run);
    expect(leftBehind).not.toContain(KUBE_TOKEN);
    expect(leftBehind).not.toContain(kubeconfig.trim());
    expect(run.summary).not.toContain(`127.0.0.1:${server.port}`);
    expect((await readdir(run.runnerTemp)).filter((name) => name.startsWith("opdeploy-kubeconfig-"))).toEqual([]);
  });

  it("a step that cannot be scheduled fails; its phase is rolled back automatically and the verdict says so", async () => {
    server.unschedulable.add("api");
    const run = await deploy(shopPlan());
    expect(run.code).toBe(1);
    expect(run.outputs).toMatchObject({ verdict: "rolled-back", revision: "1" });
    const appsGroup = run.stdout.slice(run.stdout.indexOf("::group::phase apps"));
    expect(appsGroup).toMatch(/^api: applied$/m);
    expect(appsGroup).toMatch(/^api: FAILED$/m);
    expect(run.stdout).toMatch(/^::error::opdeploy: deploy of deploy\/plan.yaml rolled-back \(revision 1\): .*Insufficient memory/m);
    expect(run.summary).toContain("↩️ rolled-back");
    expect(run.summary).toMatch(/^\*\*Failure\*\* \(.+, `api`, phase apps\): /m);
    expect(run.summary).toMatch(/^\*\*Automatic rollback\*\* \(scope phase\): removed `api`/m);
    expect(revisionSecrets().map((s) => s.metadata.labels.status)).toEqual(["rolled-back"]);
    expect(server.get("apps/v1", "deployments", "shop", "api")).toBeUndefined();
    expect(server.get("apps/v1", "deployments", "shop", "db")).toBeDefined();
  });

  it("dry-run: true sends every apply with dryRun=All and records no revision and no lease", async () => {
    const run = await deploy(shopPlan(), { "dry-run": "true" });
    expect(run.code, log(run)).toBe(0);
    expect(run.outputs.verdict).toBe("succeeded");
    expect(run.outputs.revision).toBe("");
    // Preflight's SelfSubjectAccessReviews store nothing; every other write is a dry run.
    const writes = server.requests.filter((r) => r.method !== "GET" && !r.path.endsWith("/selfsubjectaccessreviews"));
    expect(writes.length).toBeGreaterThan(0);
    for (const write of writes) expect(write.query.dryRun, `${write.method} ${write.path}`).toBe("All");
    expect(revisionSecrets()).toEqual([]);
    expect(lease()).toBeUndefined();
    expect(server.get("apps/v1", "deployments", "shop", "api")).toBeUndefined();
    expect(run.stdout).toContain("::group::server-side dry run (dryRun=All)");
    expect(run.stdout).toMatch(/^Deployment\/api accepted \(server-side dry run\)$/m);
    expect(run.summary).toContain("deploy (server-side dry run)");
    expect(run.summary).toContain("- `Deployment/api`");
  });

  it("a live lease held by another deployer fails the step with its holder and expiry, touching nothing", async () => {
    const renewTime = new Date(Date.now() - 5_000);
    server.upsert("coordination.k8s.io/v1", "leases", {
      metadata: { name: "opdeploy-shop", namespace: "shop" },
      spec: { holderIdentity: "runner-17-deploy-bot", leaseDurationSeconds: 60, acquireTime: renewTime.toISOString(), renewTime: renewTime.toISOString() },
    });
    const run = await deploy(shopPlan());
    expect(run.code).toBe(1);
    expect(run.outputs.verdict).toBe("not-run");
    const until = new Date(renewTime.getTime() + 60_000).toISOString();
    const failure = run.stdout.split("\n").find((line) => line.startsWith("::error::"));
    expect(failure).toContain(`opdeploy: deploy of deploy/plan.yaml refused: lease shop/opdeploy-shop is held by runner-17-deploy-bot until ${until}`);
    expect(failure).toContain("concurrency:");
    expect(server.requests.filter((r) => (r.method === "PATCH" || r.method === "POST" || r.method === "DELETE") && !r.path.endsWith("/selfsubjectaccessreviews"))).toEqual([]);
    expect(lease()!.spec.holderIdentity).toBe("runner-17-deploy-bot");
  });

  it("a plan with check errors is annotated and never reaches the cluster", async () => {
    const run = await deploy(shopPlan({ cycle: true }));
    expect(run.code).toBe(1);
    expect(run.outputs.verdict).toBe("not-run");
    expect(Number(run.outputs.errors)).toBeGreaterThan(0);
    expect(run.stdout).toMatch(new RegExp(`^::error title=dependency-cycle,file=${PLAN_PATH},line=\\d+,col=\\d+::`, "m"));
    // The deploy guard shared with the CLI (`opdeploy deploy` refuses the same plan the same way).
    expect(run.stdout).toMatch(/^::error::opdeploy: refusing to deploy deploy\/plan.yaml: \d+ error findings? \(see the annotations; input force: true deploys anyway\); the cluster was not touched$/m);
    expect(server.requests).toEqual([]);
    // The kubeconfig was never written out.
    expect((await readdir(run.runnerTemp)).filter((name) => name.startsWith("opdeploy-kubeconfig-"))).toEqual([]);
  });

  it("force: true deploys a plan with check errors, saying what it overrode", async () => {
    const run = await deploy(shopPlan({ cycle: true }), { force: "true" });
    expect(run.stdout).toMatch(/^::warning::opdeploy: deploying deploy\/plan.yaml despite \d+ error findings? \(force: true\)$/m);
    expect(server.requests.some((r) => r.method === "PATCH")).toBe(true);
  });

  it("a cancelled run (SIGINT) stops at a step boundary; the next run resumes the same revision", async () => {
    let signalled = false;
    const first = await deploy(shopPlan(), {}, {
      onStdout: (stdout, child) => {
        if (!signalled && /^db: validated$/m.test(stdout)) {
          signalled = true;
          // api, applied next, takes a while to become Ready: the signal lands while it waits.
          server.autoReadyMs = 1_500;
          child.kill("SIGINT");
        }
      },
    });
    expect(signalled).toBe(true);
    expect(first.code, log(first)).toBe(130);
    expect(first.outputs.verdict).toBe("interrupted");
    expect(first.outputs.revision).toBe("1");
    expect(first.stdout).toMatch(/^::warning::opdeploy: SIGINT received \(workflow cancelled\): stopping at the next step boundary/m);
    expect(first.stdout).toMatch(/^::error::opdeploy: deploy of deploy\/plan.yaml interrupted; revision 1 keeps its completed steps and the next deploy resumes it$/m);
    expect(first.stdout).not.toMatch(/^api: validated$/m);
    expect(revisionSecrets().map((s) => s.metadata.labels.status)).toEqual(["deploying"]);
    expect(lease()!.spec.holderIdentity).toBeUndefined();
    expect(first.summary).toContain("⏸️ interrupted");
    const dbApplies = server.requestsTo("PATCH", "/deployments/db").length;
    expect(dbApplies).toBeGreaterThan(0);

    server.autoReadyMs = 5;
    const second = await deploy(shopPlan());
    expect(second.code, log(second)).toBe(0);
    expect(second.outputs).toMatchObject({ verdict: "succeeded", revision: "1" });
    expect(second.stdout).toMatch(/^opdeploy: resuming revision 1: 1 step\(s\) already done \(db\)$/m);
    expect(server.requestsTo("PATCH", "/deployments/db").length).toBe(dbApplies);
    expect(second.summary).toContain("db ✓ (resumed)");
    expect(revisionSecrets().map((s) => [s.metadata.name, s.metadata.labels.status])).toEqual([["opdeploy.shop.v1", "deployed"]]);
  });
});

describe("mode rollback", () => {
  it("returns to the revision named by to-revision (kubeconfig given as a file path)", async () => {
    expect((await deploy(shopPlan({ apiImage: "shop/api:1" }))).outputs.revision).toBe("1");
    const second = await deploy(shopPlan({ apiImage: "shop/api:2", worker: true }));
    expect(second.outputs).toMatchObject({ verdict: "succeeded", revision: "2" });
    expect(server.get("apps/v1", "deployments", "shop", "api")!.spec.template.spec.containers[0].image).toBe("shop/api:2");

    const workspace = await planWorkspace(shopPlan({ apiImage: "shop/api:2", worker: true }));
    await writeFile(join(workspace, "kubeconfig.yaml"), server.kubeconfig("shop"), { mode: 0o600 });
    const run = await runAction({ inputs: { plan: PLAN_PATH, mode: "rollback", "to-revision": "1", kubeconfig: "kubeconfig.yaml" }, workspace, bundle, ...PUSH });
    expect(run.code, log(run)).toBe(0);
    expect(run.outputs).toMatchObject({ verdict: "succeeded", revision: "3" });
    expect(run.stdout).toContain("::group::rollback");
    expect(run.stdout).toMatch(/^api: restored to v1$/m);
    expect(run.stdout).toMatch(/^worker: removed \(volumes kept\)$/m);
    expect(server.get("apps/v1", "deployments", "shop", "api")!.spec.template.spec.containers[0].image).toBe("shop/api:1");
    expect(server.get("apps/v1", "deployments", "shop", "worker")).toBeUndefined();
    expect(revisionSecrets().map((s) => [s.metadata.labels.version, s.metadata.labels.status]).sort()).toEqual([
      ["1", "superseded"],
      ["2", "rolled-back"],
      ["3", "deployed"],
    ]);
    expect(run.summary).toContain("from revision 2 to revision 1 · recorded as revision 3");
    expect(run.summary).toMatch(/^\| worker \| removed \| yes \|$/m);
    // The file's token was masked as soon as it was read, and printed nowhere.
    expect(run.stdout).toContain(`::add-mask::${KUBE_TOKEN}`);
    expect(await everythingLeftBehind(run)).not.toContain(KUBE_TOKEN);
    // ...while the path itself is not masked (it would star out every line naming it).
    expect(run.stdout).not.toContain("::add-mask::kubeconfig.yaml");
  });

  it("names a revision that does not exist clearly", async () => {
    await deploy(shopPlan());
    const run = await deploy(shopPlan(), { mode: "rollback", "to-revision": "7", "settle-seconds": "" });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^::error::opdeploy: rollback of deploy\/plan.yaml failed: rollback: plan shop has no revision 7$/m);
  });
});

describe("deploy inputs", () => {
  it("rejects a bad to-revision, dry-run on rollback and to-revision on deploy, all at once", async () => {
    const bad = await deploy(shopPlan(), { mode: "rollback", "to-revision": "v1", "dry-run": "true" });
    expect(bad.code).toBe(1);
    const failure = bad.stdout.split("\n").find((line) => line.startsWith("::error::"))!;
    expect(failure).toContain('to-revision: expected a whole number from 1 to');
    expect(failure).toContain("dry-run: mode rollback has no dry run");
    const misplaced = await deploy(shopPlan(), { "to-revision": "2" });
    expect(misplaced.stdout).toMatch(/^::error::inputs: to-revision: only mode rollback uses it \(mode is deploy\)$/m);
    expect(server.requests).toEqual([]);
  });
});

describe("deploy helpers (in process)", () => {
  it("safeErrorMessage drops credentials, URL user info and everything after the first line", () => {
    const error = new Error("connect to https://admin:hunter2@k8s.example:6443: Bearer abc.def-123 refused for tok3n-value\n 5 |     token: tok3n-value");
    expect(safeErrorMessage(error, ["tok3n-value"])).toBe("connect to https://***@k8s.example:6443: Bearer *** refused for ***");
  });

  it("leaseHolder reads holder and expiry from a Lease with MicroTime stamps", () => {
    const spec = { holderIdentity: "runner-3", leaseDurationSeconds: 60, renewTime: "2025-01-01T00:00:20.000000Z" };
    expect(leaseHolder({ spec })).toEqual({ holder: "runner-3", renewedAt: new Date("2025-01-01T00:00:20Z"), until: new Date("2025-01-01T00:01:20Z") });
    expect(leaseHolder({ spec: { ...spec, holderIdentity: "" } })).toBeUndefined();
    expect(leaseHolder(undefined)).toBeUndefined();
  });

  it("namesExistingFile takes a one-line value naming a file as a path, anything else as content", async () => {
    const workspace = await planWorkspace(shopPlan());
    expect(namesExistingFile(PLAN_PATH, workspace)).toBe(join(workspace, PLAN_PATH));
    expect(namesExistingFile("deploy", workspace)).toBeUndefined(); // a folder
    expect(namesExistingFile("apiVersion: v1\nkind: Config\n", workspace)).toBeUndefined();
    expect(namesExistingFile("no-such-file", workspace)).toBeUndefined();
  });
});
