/**
 * deploy / history / rollback / status through the bundled CLI, against FakeApiServer — a
 * protocol test double of the Kubernetes API (see its header), not Kubernetes. The CLI runs as a
 * child process with a kubeconfig file pointing at the fake server; its token must never show up
 * in anything the CLI prints.
 */
import { spawn } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Io } from "../src/cli-io.js";
import { createProgress } from "../src/progress.js";
import { CLI, REPO_ROOT, buildCli, runCli, type CliRun } from "./run-cli.js";
import { SHOP_PLAN, fakeClusterPerTest } from "./fake-cluster-fixture.js";

const TOKEN = "tok-9f8e7d6c5b4a-never-print-me";


let dir: string;
let planFile: string;
let planV2File: string;
const fake = fakeClusterPerTest(TOKEN, () => dir);
const printed: string[] = [];

beforeAll(async () => {
  await buildCli();
  dir = await mkdtemp(join(tmpdir(), "opdeploy-deploy-"));
  planFile = join(dir, "shop.yaml");
  await writeFile(planFile, SHOP_PLAN);
  // Version 2 adds a worker to the apps phase.
  planV2File = join(dir, "shop-v2.yaml");
  await writeFile(
    planV2File,
    SHOP_PLAN.replace("services: [api]", "services: [api, worker]").concat("  worker: {memory: 64Mi, cpu: 50m, dependsOn: [db], validate: none}\n"),
  );
}, 60_000);

afterAll(() => {
  // Whatever the CLI printed in this file, the kubeconfig's token never appears.
  expect(printed.length).toBeGreaterThan(0);
  for (const text of printed) expect(text).not.toContain(TOKEN);
});

async function cli(args: string[]): Promise<CliRun> {
  const run = await runCli([...args, "--kubeconfig", fake.kubeconfig]);
  printed.push(run.stdout, run.stderr);
  return run;
}

const revisionSecrets = () => fake.server.list("v1", "secrets", "shop").filter((s) => s.metadata.labels?.owner === "opdeploy");

describe("opdeploy deploy", () => {
  it("--dry-run sends every object with dryRun=All and records nothing", async () => {
    const run = await cli(["deploy", planFile, "--dry-run", "-f", "json"]);
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout) as { dryRun: boolean; objects: string[]; verdict: string };
    expect(json.dryRun).toBe(true);
    expect(json.verdict).toBe("succeeded");
    expect(json.objects).toEqual(expect.arrayContaining(["Deployment/api"]));
    const patches = fake.server.requests.filter((r) => r.method === "PATCH");
    expect(patches.length).toBe(json.objects.length);
    for (const p of patches) expect(p.query.dryRun).toBe("All");
    expect(revisionSecrets()).toEqual([]);
    expect(fake.server.get("coordination.k8s.io/v1", "leases", "shop", "opdeploy-shop")).toBeUndefined();

    // --phase by name or number: only that phase's objects.
    const apps = await cli(["deploy", planFile, "--dry-run", "--phase", "2", "-f", "json"]);
    expect(apps.code).toBe(0);
    const objects = (JSON.parse(apps.stdout) as { objects: string[] }).objects;
    expect(objects).toContain("Deployment/api");
    expect(objects.some((o) => o.endsWith("/db"))).toBe(false);
    const unknown = await cli(["deploy", planFile, "--dry-run", "--phase", "nope"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no phase "nope" (phases: 1 data, 2 apps)');
  });

  it("deploys phase by phase (JSON like simulate's plus the revision), then history and status report it", async () => {
    const run = await cli(["deploy", planFile, "--settle", "0", "-f", "json"]);
    expect(run.stderr).toMatch(/\d\d:\d\d:\d\d revision 1 started/);
    expect(run.stderr).toMatch(/\d\d:\d\d:\d\d db: succeeded/);
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout) as { verdict: string; revision: number; phases: { name: string; status: string }[]; events: { type: string }[] };
    expect(json.verdict).toBe("succeeded");
    expect(json.revision).toBe(1);
    expect(json.phases.map((p) => [p.name, p.status])).toEqual([
      ["data", "succeeded"],
      ["apps", "succeeded"],
    ]);
    expect(json.events.filter((e) => e.type === "PhaseSucceeded").length).toBe(2);
    expect(revisionSecrets().map((s) => [s.metadata.name, s.metadata.labels.status])).toEqual([["opdeploy.shop.v1", "deployed"]]);

    const history = await cli(["history", planFile, "-f", "json"]);
    expect(history.code).toBe(0);
    expect(JSON.parse(history.stdout)).toMatchObject([{ revision: 1, status: "deployed", stepsDone: 2, stepsTotal: 2 }]);
    const table = await cli(["history", planFile]);
    expect(table.stdout.split("\n")[0]).toMatch(/^REVISION\s+STATUS\s+UPDATED\s+STEPS DONE/);
    expect(table.stdout).toMatch(/^1\s+deployed\s+\d{4}-\d\d-\d\dT[\d:]+Z\s+2\/2/m);

    fake.server.emitEvent("shop", { kind: "Deployment", name: "api" }, "ScalingReplicaSet", "Scaled up replica set api-1 to 1", "Normal");
    const status = await cli(["status", planFile, "-f", "json"]);
    expect(status.code).toBe(0);
    const report = JSON.parse(status.stdout) as {
      revision: { version: number; status: string };
      phases: { name: string; status: string; done: number; total: number }[];
      services: { name: string; ready: number; replicas: number; restarts: number; lastEvent: { reason: string } | null }[];
      nodes: { name: string; memory: { requested: number; allocatable: number } }[];
    };
    expect(report.revision).toMatchObject({ version: 1, status: "deployed" });
    expect(report.phases).toEqual([
      { name: "data", status: "done", done: 1, total: 1 },
      { name: "apps", status: "done", done: 1, total: 1 },
    ]);
    expect(report.services.map((s) => [s.name, s.ready, s.replicas, s.restarts])).toEqual([
      ["db", 1, 1, 0],
      ["api", 1, 1, 0],
    ]);
    expect(report.services.find((s) => s.name === "api")!.lastEvent?.reason).toBe("ScalingReplicaSet");
    // Requests of the two pods the fake controller made: 256Mi + 128Mi on an 8Gi node.
    expect(report.nodes).toMatchObject([{ name: "node-1", memory: { requested: 384 * 2 ** 20, allocatable: 8 * 2 ** 30 } }]);

    const text = await cli(["status", planFile]);
    expect(text.stdout).toContain("NODES (used / requested / allocatable)");
    expect(text.stdout).toMatch(/memory used [█░]{20}/);
  });

  it("a phase that cannot be scheduled is rolled back automatically: text summary, exit 1", async () => {
    fake.server.unschedulable.add("api");
    const run = await cli(["deploy", planFile, "--settle", "0"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^deploy (rolled-back|failed) — revision 1/);
    expect(run.stdout).toMatch(/failure: Unschedulable: /);
    expect(run.stdout).toMatch(/rollback \(phase\) completed/);
    expect(fake.server.get("apps/v1", "deployments", "shop", "api")).toBeUndefined();
    expect(fake.server.get("apps/v1", "statefulsets", "shop", "db") ?? fake.server.get("apps/v1", "deployments", "shop", "db")).toBeDefined();
    expect(revisionSecrets()[0]!.metadata.labels.status).toMatch(/rolled-back|failed/);
  });

  it("rollback returns to the previous revision and records it as a new one", async () => {
    expect((await cli(["deploy", planFile, "--settle", "0"])).code).toBe(0);
    const v2 = await cli(["deploy", planV2File, "--settle", "0"]);
    expect(v2.code).toBe(0);
    expect(v2.stdout).toMatch(/deploy succeeded — revision 2/);
    expect(fake.server.get("apps/v1", "deployments", "shop", "worker")).toBeDefined();

    const run = await cli(["rollback", planV2File, "-f", "json"]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ verdict: "succeeded", from: 2, to: 1, revision: 3 });
    expect(fake.server.get("apps/v1", "deployments", "shop", "worker")).toBeUndefined();
    const history = JSON.parse((await cli(["history", planFile, "-f", "json"])).stdout) as { revision: number; status: string; description: string }[];
    expect(history.map((h) => [h.revision, h.status])).toEqual([
      [1, "superseded"],
      [2, "rolled-back"],
      [3, "deployed"],
    ]);
    expect(history[2]!.description).toBe("rollback to v1");

    const missing = await cli(["rollback", planFile, "--to-revision", "9"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("has no revision 9");
  });

  it("a live lock is a cluster error (exit 3) naming the holder and when it expires", async () => {
    const now = new Date().toISOString();
    fake.server.upsert("coordination.k8s.io/v1", "leases", {
      apiVersion: "coordination.k8s.io/v1",
      kind: "Lease",
      metadata: { name: "opdeploy-shop", namespace: "shop" },
      spec: { holderIdentity: "ci-runner-7", leaseDurationSeconds: 60, acquireTime: now, renewTime: now },
    });
    const run = await cli(["deploy", planFile, "--settle", "0"]);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/being deployed by ci-runner-7 .*renewed .*expires in \d+ s/);
    expect(revisionSecrets()).toEqual([]);
  });

  it("unreachable or refusing API servers are exit 3, without credentials in the message", async () => {
    const refused = join(dir, "kubeconfig-refused");
    await writeFile(refused, fake.server.kubeconfig("shop").replace(`127.0.0.1:${fake.server.port}`, "127.0.0.1:1"));
    const down = await runCli(["status", planFile, "--kubeconfig", refused]);
    printed.push(down.stdout, down.stderr);
    expect(down.code).toBe(3);
    expect(down.stderr).toMatch(/ECONNREFUSED|connect/);

    const wrong = join(dir, "kubeconfig-wrong-token");
    const wrongToken = "wrong-token-0123456789abcdef";
    await writeFile(wrong, fake.server.kubeconfig("shop").replace(TOKEN, wrongToken));
    const denied = await runCli(["history", planFile, "--kubeconfig", wrong]);
    printed.push(denied.stdout, denied.stderr);
    expect(denied.code).toBe(3);
    expect(denied.stderr).toContain("401");
    expect(denied.stderr + denied.stdout).not.toContain(wrongToken);
  });

  it("Ctrl-C stops at a step boundary (exit 130, how to resume); running it again resumes", async () => {
    fake.server.autoReadyMs = 400;
    const child = spawn(process.execPath, [CLI, "deploy", planFile, "--settle", "0", "--kubeconfig", fake.kubeconfig], {
      cwd: REPO_ROOT,
      env: { ...process.env, NO_COLOR: "1" },
    });
    let stderr = "";
    let stdout = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      if (stderr.includes("db: succeeded") && !child.killed) child.kill("SIGINT");
    });
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    printed.push(stdout, stderr);
    expect(code).toBe(130);
    expect(stderr).toContain("run the same command again: opdeploy deploy");
    expect(stdout).toMatch(/deploy interrupted — revision 1/);
    expect(revisionSecrets()[0]!.metadata.labels.status).toBe("deploying");

    fake.server.autoReadyMs = 5;
    const again = await cli(["deploy", planFile, "--settle", "0", "-f", "json"]);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ verdict: "succeeded", revision: 1, resumed: ["db"] });
  });
});

describe("opdeploy status --watch", () => {
  it("repeats plain blocks when stdout is not a terminal, and Ctrl-C ends it with exit 0", async () => {
    expect((await cli(["deploy", planFile, "--settle", "0"])).code).toBe(0);
    const child = spawn(process.execPath, [CLI, "status", planFile, "--watch", "--interval", "1", "--kubeconfig", fake.kubeconfig], {
      cwd: REPO_ROOT,
      env: { ...process.env, NO_COLOR: "1" },
    });
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
      if ((stdout.match(/^PHASES$/gm) ?? []).length >= 2 && !child.killed) child.kill("SIGINT");
    });
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    printed.push(stdout, stderr);
    expect(code).toBe(0);
    expect(stdout).not.toContain("\x1b[2J");
    expect((stdout.match(/^shop in namespace shop — revision 1 deployed/gm) ?? []).length).toBeGreaterThanOrEqual(2);
  });
});

describe("progress on stderr", () => {
  const io = (lines: string[]): Io => ({ out: () => {}, err: (t) => lines.push(t), color: false, errColor: false, env: {}, cwd: "." });

  it("writes timestamped lines when stderr is not a terminal (CI logs)", () => {
    const lines: string[] = [];
    const progress = createProgress(io(lines), { tty: false, now: () => new Date("2025-01-02T03:04:05Z") });
    progress.update("db: started");
    progress.update("revision 1 started", { lasting: true });
    progress.done();
    expect(lines).toEqual(["03:04:05 db: started", "03:04:05 revision 1 started"]);
  });

  it("rewrites one live line on a terminal, keeping milestones above it", () => {
    let screen = "";
    const progress = createProgress(io([]), { tty: true, write: (t) => (screen += t), now: () => new Date("2025-01-02T03:04:05Z") });
    progress.update("db: started");
    progress.update("db: ready");
    progress.update("revision 1: deployed", { lasting: true });
    progress.done();
    expect(screen).toBe("[0s] db: started\r\x1b[2K[0s] db: ready\r\x1b[2K03:04:05 revision 1: deployed\n");
  });
});

describe("second deploys (issue 8)", () => {
  it("refuses a plan with check errors before touching the cluster, unless --force", async () => {
    // A dependency cycle is an error finding: `check` says no, so `deploy` says no.
    const broken = join(dir, "shop-cycle.yaml");
    await writeFile(broken, SHOP_PLAN.replace("validate: none}\n  api:", "dependsOn: [api], validate: none}\n  api:"));
    const refused = await cli(["deploy", broken, "--settle", "0"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/refusing to deploy .*shop-cycle\.yaml: \d+ error finding/);
    expect(refused.stderr).toContain("--force");
    expect(fake.server.requests.filter((r) => r.method !== "GET")).toEqual([]);
  });

  it("--phase 2 on an empty namespace is refused, naming the missing phase; after phase 1 it runs", async () => {
    const refused = await cli(["deploy", planFile, "--phase", "2", "--settle", "0"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("--phase apps needs the earlier phases in place first; missing phase data: db (not on the cluster)");
    expect(fake.server.requests.filter((r) => r.method === "PATCH")).toEqual([]);
    expect(revisionSecrets()).toEqual([]);

    const first = await cli(["deploy", planFile, "--phase", "1", "--settle", "0", "-f", "json"]);
    expect(first.code).toBe(0);
    const second = await cli(["deploy", planFile, "--phase", "2", "--settle", "0", "-f", "json"]);
    expect(second.code).toBe(0);
    expect((JSON.parse(second.stdout) as { verdict: string }).verdict).toBe("succeeded");
  });

  it("re-deploying the unchanged plan changes no workload", async () => {
    expect((await cli(["deploy", planFile, "--settle", "0"])).code).toBe(0);
    const generations = () => fake.server.list("apps/v1", "deployments", "shop").map((d) => [d.metadata.name, d.metadata.generation]);
    const before = generations();
    const again = await cli(["deploy", planFile, "--settle", "0", "-f", "json"]);
    expect(again.code).toBe(0);
    expect(generations()).toEqual(before);
    // The rehearsal of this second deploy gives the deploy's answer, phase by phase.
    const agree = (stdout: string) => (JSON.parse(stdout) as { rehearsed: { phase: string; rehearsedStatus: string; observedStatus: string }[] }).rehearsed.map((r) => [r.phase, r.rehearsedStatus, r.observedStatus]);
    expect(agree(again.stdout)).toEqual([["data", "succeeded", "succeeded"], ["apps", "succeeded", "succeeded"]]);
    // So does an upgrade (a worker added) from there.
    const upgrade = await cli(["deploy", planV2File, "--settle", "0", "-f", "json"]);
    expect(upgrade.code).toBe(0);
    expect(agree(upgrade.stdout)).toEqual([["data", "succeeded", "succeeded"], ["apps", "succeeded", "succeeded"]]);
  });

  it("a second plan in the namespace cannot take over the first plan's objects, and its rollback leaves them", async () => {
    expect((await cli(["deploy", planFile, "--settle", "0"])).code).toBe(0);
    const other = join(dir, "shop2.yaml");
    await writeFile(other, SHOP_PLAN.replace("name: shop", "name: shop2\nnamespace: shop"));
    const taken = await cli(["deploy", other, "--settle", "0"]);
    expect(taken.code).not.toBe(0);
    expect(taken.stderr).toMatch(/belongs to plan shop\b.*plan shop2 does not take over/);
    const api = fake.server.get("apps/v1", "deployments", "shop", "api");
    expect(api?.metadata.labels?.["opdeploy.io/plan"]).toBe("shop");
    // Rolling back shop2 (it has a failed revision) removes nothing of shop's.
    const rollback = await cli(["rollback", other]);
    expect(rollback.stderr).not.toMatch(/TypeError|at .*\.js:\d+/);
    expect(fake.server.get("apps/v1", "deployments", "shop", "api")).toBeDefined();
    expect(fake.server.get("apps/v1", "deployments", "shop", "db")).toBeDefined();
  });
});

describe("opdeploy logs", () => {
  it("shows a failing service's pods: state, last events and log tails, with secrets redacted", async () => {
    expect((await cli(["deploy", planFile, "--settle", "0"])).code).toBe(0);
    const deployment = fake.server.get("apps/v1", "deployments", "shop", "api")!;
    for (const pod of fake.server.list("v1", "pods", "shop").filter((p) => p.metadata.labels?.["opdeploy.io/workload"] === "api")) fake.server.remove("v1", "pods", "shop", pod.metadata.name);
    fake.server.upsert("v1", "pods", {
      metadata: { name: "api-broken", namespace: "shop", labels: { ...deployment.spec.template.metadata.labels } },
      spec: { ...structuredClone(deployment.spec.template.spec), nodeName: "node-1" },
      status: {
        phase: "Running",
        conditions: [{ type: "PodScheduled", status: "True" }],
        containerStatuses: [{ name: "api", ready: false, restartCount: 2, state: { waiting: { reason: "CrashLoopBackOff", message: "back-off 20s" } } }],
      },
    });
    fake.server.setPodLog("shop", "api-broken", "api", "boot\nDATABASE_URL=postgres://app:s3cr3t-pw@db:5432/shop\n", true);
    fake.server.setPodLog("shop", "api-broken", "api", "boot\n");
    const run = await cli(["logs", planFile, "api"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("api · pod api-broken: Running (CrashLoopBackOff: back-off 20s), 2 restarts");
    expect(run.stdout).toContain("api, previous instance (last 2 lines):");
    expect(run.stdout).toContain("DATABASE_URL=postgres://app:***@db:5432/shop");
    expect(run.stdout).not.toContain("s3cr3t-pw");
    const json = await cli(["logs", planFile, "-f", "json"]);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout) as { service: string; pods: { pod: string }[] }[];
    expect(report.map((r) => r.service)).toEqual(["api"]);
    const unknown = await cli(["logs", planFile, "nope"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('the plan has no service "nope"');
  });
});

describe("deploy reports", () => {
  it("puts the rehearsal beside what happened, per phase, in text and JSON", async () => {
    const run = await cli(["deploy", planFile, "--settle", "0"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^rehearsed vs observed:$/m);
    expect(run.stdout).toMatch(/^ {2}data: \d+ s \/ \d+ s/m);
    const json = await cli(["deploy", planFile, "--settle", "0", "-f", "json"]);
    const parsed = JSON.parse(json.stdout) as { rehearsed: { phase: string; rehearsedSeconds: number; observedSeconds: number }[] };
    expect(parsed.rehearsed.map((r) => r.phase)).toEqual(["data", "apps"]);
    expect(parsed.rehearsed[0]!.rehearsedSeconds).toBeGreaterThan(0);
  });
});
