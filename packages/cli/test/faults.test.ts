/**
 * The bundled CLI when things go wrong around it: SIGTERM and SIGINT during a deploy (exit 130 at
 * a step boundary, resumable), no kubeconfig, a kubeconfig with a YAML error that holds a
 * token, and `perf` against a port nobody listens on. The cluster is FakeApiServer, a protocol
 * test double of the Kubernetes API (packages/simulator/test/kubernetes/fake-api-server.ts).
 */
import { spawn } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { SHOP_PLAN, fakeClusterPerTest } from "./fake-cluster-fixture.js";
import { CLI, REPO_ROOT, buildCli, runCli } from "./run-cli.js";

const TOKEN = "tok-5e2d-faults-never-print";

/** The same plan with an HTTP check on api, which is what `perf` loads. */
const PERF_PLAN = SHOP_PLAN.replace("dependsOn: [db], validate: none", "dependsOn: [db], validate: {http: /healthz}");

let dir: string;
let planFile: string;
let perfPlanFile: string;
const fake = fakeClusterPerTest(TOKEN, () => dir);

beforeAll(async () => {
  await buildCli();
  dir = await mkdtemp(join(tmpdir(), "opdeploy-faults-"));
  planFile = join(dir, "shop.yaml");
  await writeFile(planFile, SHOP_PLAN);
  perfPlanFile = join(dir, "shop-perf.yaml");
  await writeFile(perfPlanFile, PERF_PLAN);
}, 60_000);

const revisionStatuses = () => fake.server.list("v1", "secrets", "shop").filter((s) => s.metadata.labels?.owner === "opdeploy").map((s) => s.metadata.labels.status as string);
const leaseHolder = () => fake.server.get("coordination.k8s.io/v1", "leases", "shop", "opdeploy-shop")?.spec.holderIdentity as string | undefined;

/** Runs `deploy` and sends `signal` once db's step is done, while api waits to become Ready. */
async function deployAndSignal(signal: NodeJS.Signals, entry: string = CLI): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [entry, "deploy", planFile, "--settle", "0", "--no-traffic", "--kubeconfig", fake.kubeconfig], {
    cwd: REPO_ROOT,
    env: { ...process.env, NO_COLOR: "1" },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
    if (stderr.includes("db: succeeded") && !child.killed) {
      fake.server.autoReadyMs = 600;
      child.kill(signal);
    }
  });
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  return { code, stdout, stderr };
}

describe("signals during deploy", () => {
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    it(`${signal} stops at a step boundary with exit 130; the revision stays resumable and the lease is released`, async () => {
      const run = await deployAndSignal(signal);
      expect(run.code, run.stderr).toBe(130);
      expect(run.stderr).toContain("interrupted; stopping at the next step boundary");
      expect(run.stderr).toContain("To resume, run the same command again: opdeploy deploy");
      expect(run.stdout).toMatch(/deploy interrupted — revision 1/);
      expect(revisionStatuses()).toEqual(["deploying"]);
      expect(leaseHolder()).toBeUndefined();
      expect(run.stdout + run.stderr).not.toContain(TOKEN);

      fake.server.autoReadyMs = 5;
      const again = await runCli(["deploy", planFile, "--settle", "0", "--no-traffic", "-f", "json", "--kubeconfig", fake.kubeconfig]);
      expect(again.code, again.stderr).toBe(0);
      expect(JSON.parse(again.stdout)).toMatchObject({ verdict: "succeeded", revision: 1, resumed: ["db"] });
    }, 60_000);
  }
});

describe("signals through the repository's `pnpm -s opdeploy` entry (scripts/opdeploy.mjs)", () => {
  it("SIGINT to the wrapper reaches the deploy itself: exit 130, resumable, lease released — no deploy left running", async () => {
    const run = await deployAndSignal("SIGINT", join(REPO_ROOT, "scripts", "opdeploy.mjs"));
    expect(run.code, run.stderr).toBe(130);
    expect(run.stdout).toMatch(/deploy interrupted — revision 1/);
    expect(revisionStatuses()).toEqual(["deploying"]);
    expect(leaseHolder()).toBeUndefined();
    // Nothing goes on in the background: no request reaches the server once the process is gone.
    const before = fake.server.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(fake.server.requests.length).toBe(before);
  }, 60_000);
});

describe("resume recognises the plan by content", () => {
  it("an interrupted deploy resumes when the path is spelled ./shop.yaml from another directory and a comment was added", async () => {
    const run = await deployAndSignal("SIGTERM");
    expect(run.code, run.stderr).toBe(130);
    fake.server.autoReadyMs = 5;
    await writeFile(planFile, `# reviewed on Monday: ready to go\n${SHOP_PLAN}`);
    const again = await runCli(["deploy", "./shop.yaml", "--settle", "0", "--no-traffic", "-f", "json", "--kubeconfig", fake.kubeconfig], { cwd: dir });
    await writeFile(planFile, SHOP_PLAN);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ verdict: "succeeded", revision: 1, resumed: ["db"] });
    expect(again.stderr).toMatch(/resuming revision 1: 1 step\(s\) already done \(db\)/);
  }, 60_000);
});

describe("a hung API server", () => {
  it("deploy gives up at the API deadline with exit 3, naming the call, instead of waiting for minutes", async () => {
    fake.server.injectFault({ hang: true, times: Infinity });
    const started = Date.now();
    const run = await runCli(["deploy", planFile, "--settle", "0", "--no-traffic", "--kubeconfig", fake.kubeconfig], { env: { OPDEPLOY_API_TIMEOUT: "0.5" } });
    expect(run.code, run.stderr).toBe(3);
    expect(run.stderr).toMatch(/^opdeploy deploy: .*GET \/\S+: no answer from the API server within 500 ms$/m);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(fake.server.faulted.length).toBeGreaterThan(0);
    expect(run.stdout + run.stderr).not.toContain(TOKEN);
  }, 60_000);
});

describe("kubeconfig trouble", () => {
  it("no kubeconfig anywhere: exit 3 and where it looked, for every command that needs a cluster", async () => {
    const home = await mkdtemp(join(tmpdir(), "opdeploy-home-"));
    const env = { HOME: home, KUBECONFIG: undefined, KUBERNETES_SERVICE_HOST: undefined };
    const commands: [string, string][] = [["deploy", planFile], ["status", planFile], ["history", planFile], ["rollback", planFile], ["validate", perfPlanFile], ["perf", perfPlanFile]];
    for (const [command, plan] of commands) {
      const run = await runCli([command, plan], { env });
      expect(run.code, `${command}: ${run.stderr}`).toBe(3);
      expect(run.stderr).toContain(`opdeploy ${command}: no kubeconfig found (looked in: $KUBECONFIG, ~/.kube/config)`);
      expect(run.stderr).not.toMatch(/skipTLSVerify|at .*\.js:\d+/);
    }
  }, 60_000);

  it("a kubeconfig with a YAML syntax error: exit 3 with file and line, and not a byte of its token", async () => {
    const broken = join(dir, "broken-kubeconfig");
    await writeFile(broken, fake.server.kubeconfig("shop").replace(`    token: ${TOKEN}`, `   token: ${TOKEN}\n    client-key-data: S0VZLWRhdGEtbmV2ZXItcHJpbnQ=`));
    for (const args of [["deploy", planFile, "--kubeconfig", broken], ["history", planFile]]) {
      const run = await runCli(args, { env: { KUBECONFIG: broken } });
      expect(run.code, run.stderr).toBe(3);
      expect(run.stderr).toMatch(new RegExp(`kubeconfig ${broken.replace(/[/.]/g, "\\$&")}: not valid YAML at line \\d+, column \\d+`));
      for (const secret of [TOKEN, "S0VZLWRhdGEtbmV2ZXItcHJpbnQ=", "token:"]) expect(run.stdout + run.stderr).not.toContain(secret);
    }
  }, 60_000);
});

describe("perf against a closed port", () => {
  it("reports the refused connection as an error (exit 1), not as thousands of requests", async () => {
    const port = await closedPort();
    const run = await runCli(["perf", perfPlanFile, "--service", "api", "--endpoint", `api=127.0.0.1:${port}`, "--duration", "1"]);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toContain("ERROR: api: no response: 1 connection refused (ECONNREFUSED)");
    expect(run.stdout).toMatch(/^api\s+1\s+-\s/m);
    expect(run.stdout).not.toContain("within the triggers");

    const json = await runCli(["perf", perfPlanFile, "--service", "api", "--endpoint", `api=127.0.0.1:${port}`, "--duration", "1", "-f", "json"]);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as { ok: boolean; errors: string[]; services: { unreachable: boolean; errorCodes: Record<string, number> }[] };
    expect(report.ok).toBe(false);
    expect(report.errors).toEqual(["api: no response: 1 connection refused (ECONNREFUSED)"]);
    expect(report.services[0]).toMatchObject({ unreachable: true, errorCodes: { ECONNREFUSED: 1 } });
  }, 60_000);
});

async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
