/**
 * `opdeploy preflight` and the preflight step of `opdeploy deploy`, through the bundled CLI,
 * against FakeApiServer — a protocol test double of the Kubernetes API, not Kubernetes
 * (packages/simulator/test/kubernetes/fake-api-server.ts).
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { SHOP_PLAN, fakeClusterPerTest } from "./fake-cluster-fixture.js";
import { buildCli, runCli, type CliRun } from "./run-cli.js";

const TOKEN = "tok-7c1e-preflight-never-print";
const ACCESS_REVIEWS = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";

let dir: string;
let planFile: string;
const fake = fakeClusterPerTest(TOKEN, () => dir);

beforeAll(async () => {
  await buildCli();
  dir = await mkdtemp(join(tmpdir(), "opdeploy-preflight-"));
  planFile = join(dir, "shop.yaml");
  await writeFile(planFile, SHOP_PLAN);
}, 60_000);

async function cli(args: string[]): Promise<CliRun> {
  const run = await runCli([...args, "--kubeconfig", fake.kubeconfig]);
  expect(run.stdout + run.stderr).not.toContain(TOKEN);
  return run;
}

/** Requests that could change something: anything but reads and access reviews (which store nothing). */
const writes = () => fake.server.requests.filter((r) => r.method !== "GET" && r.path !== ACCESS_REVIEWS);

describe("opdeploy preflight", () => {
  it("a cluster that can take the plan: exit 0; the images on no node are warnings", async () => {
    const run = await cli(["preflight", planFile]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^preflight of .*shop\.yaml against http:\/\/127\.0\.0\.1:\d+, namespace shop$/m);
    expect(run.stdout).toContain("preflight-image-unverified");
    expect(run.stdout).toMatch(/0 errors, 2 warnings/);
    expect(writes()).toEqual([]);
  });

  it("blocking findings: exit 1, all at once, in JSON and SARIF as check prints them", async () => {
    fake.server.denied.add("patch apps/deployments");
    fake.server.missingNamespaces.add("shop");
    const json = await cli(["preflight", planFile, "-f", "json"]);
    expect(json.code, json.stderr).toBe(1);
    const report = JSON.parse(json.stdout) as { findings: { rule: string; severity: string; message: string }[]; summary: { errors: number } };
    expect(report.findings.filter((f) => f.severity === "error").map((f) => f.rule)).toEqual(["preflight-missing-reference", "preflight-permission"]);
    expect(report.summary.errors).toBe(2);

    const sarif = await cli(["preflight", planFile, "-f", "sarif"]);
    expect(sarif.code).toBe(1);
    const log = JSON.parse(sarif.stdout) as { runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string; ruleIndex: number; level: string }[] }[] };
    const run = log.runs[0]!;
    const permission = run.results.find((r) => r.ruleId === "preflight-permission")!;
    expect(permission.level).toBe("error");
    expect(run.tool.driver.rules[permission.ruleIndex]!.id).toBe("preflight-permission");
    expect(writes()).toEqual([]);
  });

  it("an unreachable API server is exit 3", async () => {
    const down = join(dir, "kubeconfig-down");
    await writeFile(down, fake.server.kubeconfig("shop").replace(`127.0.0.1:${fake.server.port}`, "127.0.0.1:1"));
    const run = await runCli(["preflight", planFile, "--kubeconfig", down]);
    expect(run.code, run.stderr).toBe(3);
    expect(run.stderr).toMatch(/^opdeploy preflight: .*127\.0\.0\.1:1/m);
    expect(run.stdout + run.stderr).not.toContain(TOKEN);
  });
});

describe("opdeploy deploy runs preflight first", () => {
  it("a preflight failure exits 1 before anything is applied: no object, no revision, no lease", async () => {
    fake.server.denied.add("create coordination.k8s.io/leases");
    const run = await cli(["deploy", planFile, "--settle", "0"]);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toMatch(/the deployer may not create coordination\.k8s\.io\/leases in shop/);
    expect(run.stderr).toContain("refusing to deploy");
    expect(run.stderr).toContain("--skip-preflight deploys anyway); nothing was applied");
    expect(writes()).toEqual([]);
    expect(fake.server.list("apps/v1", "deployments", "shop")).toEqual([]);
    expect(fake.server.list("v1", "secrets", "shop")).toEqual([]);
    expect(fake.server.get("coordination.k8s.io/v1", "leases", "shop", "opdeploy-shop")).toBeUndefined();
  });

  it("--skip-preflight deploys without asking (the fake does not enforce RBAC)", async () => {
    fake.server.denied.add("create coordination.k8s.io/leases");
    const run = await cli(["deploy", planFile, "--settle", "0", "--no-traffic", "--skip-preflight"]);
    expect(run.code, run.stderr).toBe(0);
    expect(fake.server.requests.filter((r) => r.path === ACCESS_REVIEWS)).toEqual([]);
    expect(fake.server.get("apps/v1", "deployments", "shop", "api")).toBeDefined();
  });

  it("warnings do not block: the deploy goes on and says what preflight saw", async () => {
    const run = await cli(["deploy", planFile, "--settle", "0", "--no-traffic"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^preflight \(namespace shop\):$/m);
    expect(run.stderr).toContain("image db:latest of db is on no node");
    expect(fake.server.get("apps/v1", "deployments", "shop", "api")).toBeDefined();
  });
});
