/**
 * Mode check with a kubeconfig on a pull request: the report adds what deploy of the head plan
 * would change on the live cluster (server-side dry runs; nothing applied) — against the fake
 * GitHub API and FakeApiServer (protocol test doubles). A fork's pull request never gets it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildTestBundle } from "./helpers/deploy-fixtures.js";
import { startFakeGitHub, type FakeGitHub } from "./helpers/fake-github.js";
import { fakeApiServer, type FakeApiServer } from "./helpers/fake-kubernetes.js";
import { createPlanRepository } from "./helpers/git-repo.js";
import { PLAN_PATH, PR_NUMBER, REPOSITORY, pullRequestEvent, runOnPullRequest } from "./helpers/pull-request-run.js";

const KUBE_TOKEN = "kube-tok-diff-never-print-0451";
const PLAN = `name: shop
cluster:
  nodes:
    - {count: 1, memory: 8Gi, cpu: "4"}
phases:
  - name: apps
    services: [api]
services:
  api: {memory: 128Mi, cpu: 100m, port: 8080, validate: none, image: "shop/api:1.0.0"}
`;

let github: FakeGitHub;
let bundle: string;
let server: FakeApiServer;

beforeAll(async () => {
  bundle = await buildTestBundle();
  github = await startFakeGitHub(REPOSITORY, PR_NUMBER);
  server = await fakeApiServer({ token: KUBE_TOKEN });
  await server.start();
  server.addNode("node-1", "8Gi", "4");
});
afterAll(async () => {
  github?.close();
  await server?.stop();
});
afterEach(() => github.reset());

describe("the cluster diff in the PR report", () => {
  it("lists what deploy would create, with no write to the cluster and no credential anywhere", async () => {
    const repo = await createPlanRepository(PLAN_PATH, PLAN, PLAN.replace("shop/api:1.0.0", "shop/api:1.1.0"));
    const run = await runOnPullRequest({ github, bundle, repo, inputs: { mode: "check", "fail-on": "never", kubeconfig: server.kubeconfig("shop") } });
    expect(run.code, run.stdout).toBe(0);
    const body = github.comments[0]!.body;
    expect(body).toContain("### What deploy would change (namespace `shop`, server-side dry run)");
    expect(body).toMatch(/\| created \| `Deployment\/api` \| api \|/);
    expect(run.summary).toContain("What deploy would change");
    // Only dry runs reached the server.
    const writes = server.requests.filter((r) => r.method !== "GET");
    expect(writes.length).toBeGreaterThan(0);
    for (const w of writes) expect(w.query.dryRun, `${w.method} ${w.path}`).toBe("All");
    // ::add-mask:: is how the runner learns what to hide; everything else must not hold it.
    const printed = run.stdout.split("\n").filter((line) => !line.startsWith("::add-mask::")).join("\n");
    expect(printed + run.summary + body).not.toContain(KUBE_TOKEN);
  });

  it("is not computed for a pull request from a fork", async () => {
    const before = server.requests.length;
    const repo = await createPlanRepository(PLAN_PATH, PLAN, PLAN);
    const run = await runOnPullRequest({ github, bundle, repo, inputs: { mode: "check", "fail-on": "never", kubeconfig: server.kubeconfig("shop") }, event: pullRequestEvent(repo.baseSha, "mallory/platform") });
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toMatch(/::warning::opdeploy: not comparing with the cluster: the pull request comes from a fork/);
    expect(server.requests.length).toBe(before);
    expect(github.comments[0]!.body).not.toContain("What deploy would change");
  });
});
