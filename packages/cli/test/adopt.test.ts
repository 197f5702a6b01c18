/**
 * Adopting an existing cluster through the bundled CLI (docs/adopting.md): `opdeploy diff`,
 * `opdeploy snapshot` and `opdeploy calibrate` against FakeApiServer — a protocol test double of
 * the Kubernetes API, not Kubernetes (packages/simulator/test/kubernetes/fake-api-server.ts).
 */
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { SHOP_PLAN, fakeClusterPerTest } from "./fake-cluster-fixture.js";
import { buildCli, runCli, type CliRun } from "./run-cli.js";

const TOKEN = "tok-51d0-adopt-never-print";

let dir: string;
let planFile: string;
const fake = fakeClusterPerTest(TOKEN, () => dir);

beforeAll(async () => {
  await buildCli();
  dir = await mkdtemp(join(tmpdir(), "opdeploy-adopt-"));
  planFile = join(dir, "shop.yaml");
  await writeFile(planFile, SHOP_PLAN);
}, 60_000);

async function cli(args: string[]): Promise<CliRun> {
  const run = await runCli([...args, "--kubeconfig", fake.kubeconfig], { cwd: dir });
  expect(run.stdout + run.stderr).not.toContain(TOKEN);
  return run;
}

/** Writes that were not dry runs. */
const realWrites = (since = 0) => fake.server.requests.slice(since).filter((r) => r.method !== "GET" && r.query.dryRun !== "All" && !r.path.includes("selfsubjectaccessreviews"));

async function deploy(file: string): Promise<void> {
  const run = await cli(["deploy", file, "--settle", "0"]);
  expect(run.code, run.stderr).toBe(0);
}

describe("opdeploy diff", () => {
  it("before the first deploy: every object created, exit 1, nothing written; after it: no changes, exit 0", async () => {
    const first = await cli(["diff", planFile]);
    expect(first.code, first.stderr).toBe(1);
    expect(first.stdout).toMatch(/^created\s+Deployment\/api {2}\(api\)$/m);
    expect(first.stdout).toMatch(/^\d+ created$/m);
    expect(first.stderr).toMatch(/^diff of .*shop\.yaml against http:\/\/127\.0\.0\.1:\d+, namespace shop \(server-side dry run: nothing is applied\)$/m);
    expect(realWrites()).toEqual([]);

    await deploy(planFile);
    const again = await cli(["diff", planFile]);
    expect(again.code, again.stdout).toBe(0);
    expect(again.stdout).toMatch(/^no changes: \d+ unchanged$/m);
  });

  it("a changed plan: the object's unified diff, exit 1; -f json carries the same", async () => {
    await deploy(planFile);
    const bigger = join(dir, "shop-bigger.yaml");
    await writeFile(bigger, SHOP_PLAN.replace("api: {memory: 128Mi", "api: {memory: 192Mi"));
    const text = await cli(["diff", bigger]);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/^changed\s+Deployment\/api/m);
    expect(text.stdout).toMatch(/^-\s+memory: 128Mi$/m);
    expect(text.stdout).toMatch(/^\+\s+memory: 192Mi$/m);
    const json = await cli(["diff", bigger, "-f", "json"]);
    expect(json.code).toBe(1);
    const diff = JSON.parse(json.stdout) as { changed: boolean; summary: Record<string, number>; objects: { kind: string; name: string; change: string; diff?: string }[] };
    expect(diff.changed).toBe(true);
    expect(diff.summary.changed).toBe(1);
    expect(diff.objects.find((o) => o.kind === "Deployment" && o.name === "api")!.diff).toMatch(/^\+\s+memory: 192Mi$/m);
  });

  it("an unreachable API server is exit 3", async () => {
    const down = join(dir, "kubeconfig-down");
    await writeFile(down, fake.server.kubeconfig("shop").replace(`127.0.0.1:${fake.server.port}`, "127.0.0.1:1"));
    const run = await runCli(["diff", planFile, "--kubeconfig", down]);
    expect(run.code, run.stderr).toBe(3);
    expect(run.stderr).toMatch(/^opdeploy diff: .*127\.0\.0\.1:1/m);
    expect(run.stdout + run.stderr).not.toContain(TOKEN);
  });
});

describe("opdeploy snapshot and calibrate", () => {
  it("snapshot → simulate --from → calibrate, end to end", async () => {
    await deploy(planFile);
    const api = fake.server.list("v1", "pods", "shop").find((p) => p.metadata.name.startsWith("api-"))!;
    const t0 = Date.parse("2026-11-30T10:00:00Z");
    fake.server.setStatus("v1", "pods", "shop", api.metadata.name, {
      phase: "Running",
      conditions: [
        { type: "PodScheduled", status: "True", lastTransitionTime: new Date(t0).toISOString() },
        { type: "Ready", status: "True", lastTransitionTime: new Date(t0 + 23_000).toISOString() },
      ],
      containerStatuses: [{ name: "api", ready: true, restartCount: 0, state: { running: { startedAt: new Date(t0 + 2_000).toISOString() } } }],
    });
    fake.server.podUsage.set(`shop/${api.metadata.name}`, [{ name: "api", usage: { memory: "96Mi", cpu: "12m" } }]);

    const before = fake.server.requests.length;
    const snap = await cli(["snapshot", "-o", "state.yaml", "--objects", "live.yaml"]);
    expect(snap.code, snap.stderr).toBe(0);
    expect(snap.stderr).toMatch(/^wrote state\.yaml: 2 service\(s\) from namespace shop: usage measured for 1, start-up observed for 1$/m);
    const state = await readFile(join(dir, "state.yaml"), "utf8");
    expect(state).toContain("usage: {memory: 96Mi, cpu: 12m}");
    expect(state).toMatch(/^ {4}startup: 21s$/m);
    // Notes point into the saved objects.
    expect(snap.stderr).toMatch(/^live\.yaml:\d+: /m);
    expect(await readFile(join(dir, "live.yaml"), "utf8")).toContain("kind: Deployment");
    expect(realWrites(before)).toEqual([]);

    const rehearsal = await runCli(["simulate", "shop.yaml", "--from", "state.yaml"], { cwd: dir });
    expect(rehearsal.code, rehearsal.stderr).toBe(0);

    const preview = await runCli(["calibrate", "shop.yaml", "--from", "state.yaml", "--dry-run"], { cwd: dir });
    expect(preview.code, preview.stderr).toBe(0);
    expect(preview.stderr).toContain("api: usage.memory unset → 96Mi");
    expect(await readFile(planFile, "utf8")).toBe(SHOP_PLAN);
    const json = await runCli(["calibrate", "shop.yaml", "--from", "state.yaml", "--dry-run", "-f", "json"], { cwd: dir });
    expect(json.code, json.stderr).toBe(0);
    const report = JSON.parse(json.stdout) as { changes: { service: string; field: string; old: string; new: string }[]; written: string | null; unmeasured: string[] };
    expect(report.changes.filter((c) => c.service === "api")).toEqual([
      { service: "api", field: "usage.memory", old: "unset", new: "96Mi" },
      { service: "api", field: "usage.cpu", old: "unset", new: "12m" },
      { service: "api", field: "startup", old: "10s (default)", new: "21s" },
    ]);
    expect(report.written).toBeNull();

    const calibrated = await runCli(["calibrate", "shop.yaml", "--from", "state.yaml", "-o", "shop.calibrated.yaml"], { cwd: dir });
    expect(calibrated.code, calibrated.stderr).toBe(0);
    expect(calibrated.stderr.split("\n").filter((l) => l.startsWith("api: "))).toEqual(["api: usage.memory unset → 96Mi", "api: usage.cpu unset → 12m", "api: startup 10s (default) → 21s"]);
    const out = await readFile(join(dir, "shop.calibrated.yaml"), "utf8");
    expect(out).toContain("api: {memory: 128Mi, cpu: 100m, port: 8080, dependsOn: [db], validate: none, usage: {memory: 96Mi, cpu: 12m}, startup: 21s}");
    const check = await runCli(["check", "shop.calibrated.yaml"], { cwd: dir });
    expect(check.code, check.stdout + check.stderr).toBe(0);
  });

  it("bad input: no --from, a missing state file, a namespace with nothing in it", async () => {
    const noFrom = await runCli(["calibrate", "shop.yaml"], { cwd: dir });
    expect(noFrom.code).toBe(2);
    expect(noFrom.stderr).toMatch(/^opdeploy calibrate: missing --from STATE/m);
    const missing = await runCli(["calibrate", "shop.yaml", "--from", "nope.yaml"], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^opdeploy calibrate: cannot read state nope\.yaml: /m);
    const format = await cli(["snapshot", "-f", "json"]);
    expect(format.code).toBe(2);
    expect(format.stderr).toMatch(/^opdeploy snapshot: --format must be one of yaml/m);
    const empty = await cli(["snapshot", "-n", "empty"]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toBe("opdeploy snapshot: namespace empty has no Deployment or StatefulSet: nothing to make a plan of\n");
  });
});
