/**
 * End-to-end tests of the bundled action: a fresh build of the bundle (in a temporary folder;
 * dist/index.js as committed with OPDEPLOY_ACTION_USE_DIST=1) runs as a child process with a
 * runner-like environment, against a temporary git repository (base commit + changed plan)
 * and a local fake of the GitHub REST API (helpers/fake-github.ts).
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildTestBundle } from "./helpers/deploy-fixtures.js";
import { startFakeGitHub, type FakeGitHub } from "./helpers/fake-github.js";
import { createPlanRepository, type PlanRepository } from "./helpers/git-repo.js";
import { examplePlans, PLAN_PATH, PR_NUMBER, pullRequestEvent, REPOSITORY, runOnPullRequest as runPullRequest, TOKEN } from "./helpers/pull-request-run.js";
import { runAction, type ActionRun } from "./helpers/run-action.js";

let brokenPlan: string;
let fixedPlan: string;
let github: FakeGitHub;
let bundle: string;

function runOnPullRequest(repo: PlanRepository, inputs: Record<string, string>, event = pullRequestEvent(repo.baseSha)): Promise<ActionRun> {
  return runPullRequest({ github, bundle, repo, inputs, event });
}

/** Every file the action wrote (reports, SARIF, Markdown) plus everything it printed or set. */
async function everythingWritten(run: ActionRun): Promise<string> {
  const texts = [run.stderr, run.summary, JSON.stringify(run.outputs)];
  // The one place the token may appear: the runner consumes `::add-mask::` and prints nothing.
  texts.push(run.stdout.split("\n").filter((line) => !line.startsWith("::add-mask::")).join("\n"));
  const reportRoot = join(run.runnerTemp, "opdeploy");
  for (const entry of await readdir(reportRoot, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) texts.push(await readFile(join(entry.parentPath, entry.name), "utf8"));
  }
  texts.push(...github.comments.map((c) => c.body), ...github.requests.map((r) => r.body));
  return texts.join("\n");
}

beforeAll(async () => {
  bundle = await buildTestBundle();
  ({ brokenPlan, fixedPlan } = await examplePlans());
  github = await startFakeGitHub(REPOSITORY, PR_NUMBER);
});

afterAll(() => github?.close());
afterEach(() => github.reset());

describe("pull-request dry run", () => {
  it("creates one comment, then updates it on the next run; summary, outputs, files agree", async () => {
    // Other people's comments, and the action's own report on another plan (left as it is).
    github.comments.push(
      { id: 1, body: "LGTM", user: { login: "alice", type: "User" } },
      { id: 2, body: "<!-- opdeploy:report other/plan.yaml -->\nanother plan's report", user: { login: "github-actions[bot]", type: "Bot" } },
      { id: 3, body: "nit: typo", user: { login: "bob", type: "User" } },
    );
    const repo = await createPlanRepository(PLAN_PATH, fixedPlan, brokenPlan);
    const first = await runOnPullRequest(repo, { mode: "simulate", "fail-on": "never" });
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(github.comments).toHaveLength(4);
    const created = github.comments[3]!;
    expect(created.body).toContain(`<!-- opdeploy:report ${PLAN_PATH} -->`);
    expect(created.body).toContain("compared with the base branch");
    expect(created.body.length).toBeLessThanOrEqual(65_536);
    expect(github.requests.filter((r) => r.method === "POST" && r.url.endsWith("/comments"))).toHaveLength(1);

    // The comment lists the findings the change introduced, against the base (plan.fixed.yaml).
    expect(created.body).toMatch(/### Findings: \d+ new, 0 fixed/);
    expect(created.body).toContain("dependency-cycle");

    // Job summary: the findings table and the Mermaid charts.
    expect(first.summary).toContain("| Rule | Severity | Location | Message |");
    expect(first.summary).toContain("```mermaid");
    expect(first.summary).toContain("gantt");

    // Outputs.
    expect(["succeeded", "rolled-back", "failed"]).toContain(first.outputs.verdict);
    expect(Number(first.outputs.errors)).toBeGreaterThan(0);
    expect(Number(first.outputs.warnings)).toBeGreaterThan(0);
    const report = JSON.parse(await readFile(first.outputs.report!, "utf8"));
    expect(report.verdict).toBe(first.outputs.verdict);
    expect(report.summary.errors).toBe(Number(first.outputs.errors));
    expect(report.base.sha).toBe(repo.baseSha);
    expect(report.base.summary.errors).toBe(0);
    const sarif = JSON.parse(await readFile(first.outputs.sarif!, "utf8"));
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe(PLAN_PATH);
    // Fixes are placed in the plan text, as `opdeploy check -f sarif` places them: the port move.
    const portFix = sarif.runs[0].results.find((r: { ruleId: string; fixes?: unknown[] }) => r.ruleId === "port-conflict" && r.fixes)?.fixes[0];
    expect(portFix.artifactChanges[0].artifactLocation.uri).toBe(PLAN_PATH);
    expect(portFix.artifactChanges[0].replacements[0].deletedRegion.startLine).toBeGreaterThan(1);
    expect(portFix.artifactChanges[0].replacements[0].insertedContent.text).toMatch(/^\d+$/);

    // Annotations on the plan file's lines, titled by rule.
    expect(first.stdout).toMatch(new RegExp(`^::error title=dependency-cycle,file=${PLAN_PATH},line=\\d+,col=\\d+::`, "m"));
    expect(first.stdout).toMatch(/^::warning title=port-conflict,file=deploy\/plan.yaml,line=\d+/m);

    // Every API call carried the token, in the header GitHub expects.
    expect(github.requests.length).toBeGreaterThan(0);
    for (const request of github.requests) expect(request.authorization).toBe(`token ${TOKEN}`);
    // Who the token is (the GITHUB_TOKEN: GET /user refused, GraphQL's viewer asked), then the list.
    expect(github.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      "GET /user",
      "POST /graphql",
      `GET /repos/${REPOSITORY}/issues/${PR_NUMBER}/comments?per_page=100`,
      `POST /repos/${REPOSITORY}/issues/${PR_NUMBER}/comments`,
    ]);
    expect(created.user.login).toBe("github-actions[bot]");

    const second = await runOnPullRequest(repo, { mode: "simulate", "fail-on": "never" });
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(github.comments).toHaveLength(4);
    const patches = github.requests.filter((r) => r.method === "PATCH");
    expect(patches).toHaveLength(1);
    expect(patches[0]!.url).toBe(`/repos/${REPOSITORY}/issues/comments/${created.id}`);
    expect(github.comments[1]!.body).toContain("another plan's report");

    for (const run of [first, second]) {
      expect(await everythingWritten(run)).not.toContain(TOKEN);
      // ...and it was masked, before anything else was printed.
      expect(run.stdout.split("\n")[0]).toBe(`::add-mask::${TOKEN}`);
    }
  });

  it("fails the step on error findings under fail-on: error, not under never", async () => {
    const repo = await createPlanRepository(PLAN_PATH, fixedPlan, brokenPlan);
    const failing = await runOnPullRequest(repo, { mode: "check", "fail-on": "error", comment: "false" });
    expect(failing.code).toBe(1);
    expect(failing.stdout).toMatch(/^::error::opdeploy: deploy\/plan.yaml: \d+ errors.*\(fail-on: error\)$/m);
    expect(failing.outputs.verdict).toBe("failed");
    expect(github.requests).toHaveLength(0);

    const tolerated = await runOnPullRequest(repo, { mode: "check", "fail-on": "never", comment: "false" });
    expect(tolerated.code).toBe(0);
    expect(tolerated.stdout).not.toMatch(/^::error::/m);
    expect(tolerated.outputs.errors).toBe(failing.outputs.errors);
  });

  it("fails on warnings under fail-on: warning only", async () => {
    // redis moved onto rabbitmq's port: a port-conflict warning and nothing worse.
    const withWarning = fixedPlan.replace("port: 6379", "port: 5672");
    expect(withWarning).not.toBe(fixedPlan);
    const repo = await createPlanRepository(PLAN_PATH, fixedPlan, withWarning);
    const strict = await runOnPullRequest(repo, { mode: "check", "fail-on": "warning", comment: "false" });
    expect(strict.outputs.errors).toBe("0");
    expect(Number(strict.outputs.warnings)).toBeGreaterThan(0);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/^::error::opdeploy: deploy\/plan.yaml: \d+ warnings? \(fail-on: warning\)$/m);
    const lenient = await runOnPullRequest(repo, { mode: "check", "fail-on": "error", comment: "false" });
    expect(lenient.code).toBe(0);
  });

  it.each([
    [403, "Resource not accessible by integration", /could not post the PR comment: 403 Resource not accessible by integration.*grant pull-requests: write/],
    [500, "Internal Server Error", /could not post the PR comment: 500 Internal Server Error/],
  ])("an API answer %i warns clearly and the step stands on the check", async (status, message, expected) => {
    const repo = await createPlanRepository(PLAN_PATH, fixedPlan, fixedPlan.replace("name: openpolicy", "name: openpolicy\n# unchanged but for this line"));
    github.failWith = { status, message };
    const clean = await runOnPullRequest(repo, { mode: "simulate", "fail-on": "error" });
    expect(clean.stdout).toMatch(new RegExp(`^::warning::${expected.source}`, "m"));
    expect(clean.code, clean.stdout).toBe(0);
    expect(clean.summary).toContain("**opdeploy**");
    expect(await everythingWritten(clean)).not.toContain(TOKEN);

    const broken = await createPlanRepository(PLAN_PATH, fixedPlan, brokenPlan);
    const failing = await runOnPullRequest(broken, { mode: "check", "fail-on": "error" });
    expect(failing.stdout).toMatch(new RegExp(`^::warning::${expected.source}`, "m"));
    expect(failing.code).toBe(1);
  });

  it("says so and goes on when the base revision is not in the checkout", async () => {
    const repo = await createPlanRepository(PLAN_PATH, fixedPlan, fixedPlan);
    const run = await runOnPullRequest(repo, { mode: "check" }, pullRequestEvent("0123456789abcdef0123456789abcdef01234567"));
    expect(run.code, run.stdout).toBe(0);
    expect(run.summary).toContain("Not compared with the base branch: base revision 0123456 is not in the checkout (use actions/checkout with fetch-depth: 0)");
    expect(github.comments[0]!.body).toContain("Not compared with the base branch");
    const report = JSON.parse(await readFile(run.outputs.report!, "utf8"));
    expect(report.base.unreadable).toMatch(/not in the checkout/);
  });

  it("says when the plan is new in the pull request", async () => {
    const repo = await createPlanRepository("deploy/other.yaml", fixedPlan, fixedPlan);
    const { writeFile } = await import("node:fs/promises");
    await writeFile(join(repo.workspace, PLAN_PATH), fixedPlan);
    const run = await runOnPullRequest(repo, { mode: "check", comment: "false" });
    expect(run.code, run.stdout).toBe(0);
    expect(run.summary).toMatch(/Not compared with the base branch: the plan does not exist at the base revision [0-9a-f]{7} \(new in this pull request\)/);
  });

  it("shortens the comment to GitHub's 65,536 characters, keeps the summary whole", async () => {
    // 600 services without validation: 600 warnings, ~150 kB of findings table.
    const names = Array.from({ length: 600 }, (_, i) => `service-with-a-rather-long-name-${i}`);
    const bigPlan = [
      "name: big",
      "cluster:",
      "  nodes:",
      '    - {count: 40, memory: 64Gi, cpu: "32"}',
      "phases:",
      "  - name: all",
      `    services: [${names.join(", ")}]`,
      "services:",
      ...names.map((name, i) => `  ${name}: {memory: 64Mi, cpu: 10m, port: ${10_000 + i}}`),
      "",
    ].join("\n");
    const repo = await createPlanRepository(PLAN_PATH, fixedPlan, bigPlan);
    const run = await runOnPullRequest(repo, { mode: "check", "fail-on": "never" });
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs.warnings).toBe("600");
    const body = github.comments[0]!.body;
    expect(body.length).toBeLessThanOrEqual(65_536);
    // The one full report is the job summary, on the run's page the footer links.
    expect(body).toContain("Report shortened to fit GitHub's limit; the full report is in `job summary of this run (linked below)`");
    expect(body.startsWith(`<!-- opdeploy:report ${PLAN_PATH} -->`)).toBe(true);
    expect(body).toContain("[run and full report](https://github.example/acme/platform/actions/runs/4242)");
    expect(Buffer.byteLength(run.summary)).toBeLessThanOrEqual(1024 * 1024);
    expect(run.summary).not.toContain("Report shortened");
    expect(run.summary.match(/`missing-validation`/g)?.length).toBeGreaterThanOrEqual(600);
    const full = await readFile(run.outputs.markdown!, "utf8");
    expect(full.match(/`missing-validation`/g)?.length).toBeGreaterThanOrEqual(600);
  });

  it("fails with every problem when the plan cannot be read, even under fail-on: never", async () => {
    const repo = await createPlanRepository(PLAN_PATH, fixedPlan, "name: broken\ncluster: {nodes: []}\nservices: 3\n");
    const run = await runOnPullRequest(repo, { mode: "check", "fail-on": "never", comment: "false" });
    expect(run.code).toBe(1);
    expect(run.outputs.verdict).toBe("invalid");
    expect(run.stdout).toMatch(/^::error title=plan-load,file=deploy\/plan.yaml,line=\d+/m);
    expect(run.stdout).toMatch(/^::error::opdeploy: the plan deploy\/plan.yaml cannot be read/m);
  });
});

describe("inputs", () => {
  it("reports every invalid input at once", async () => {
    const repo = await createPlanRepository(PLAN_PATH, fixedPlan, fixedPlan);
    const run = await runAction({
      inputs: { mode: "apply", "fail-on": "sometimes", runs: "0", comment: "yes", "github-token": TOKEN },
      workspace: repo.workspace,
      apiUrl: github.url,
      bundle,
    });
    expect(run.code).toBe(1);
    const failure = run.stdout.split("\n").find((line) => line.startsWith("::error::"))!;
    for (const name of ["mode", "plan", "fail-on", "runs", "comment"]) expect(failure).toContain(`  - ${name}: `);
    expect(failure).toContain("5 problems");
  });
});

describe("deploy and rollback", () => {
  const kubeconfig = [
    "apiVersion: v1",
    "kind: Config",
    "users:",
    "  - name: ci",
    "    user:",
    "      token: kube-TOKEN-do-not-print-42",
    "",
  ].join("\n");

  it("refuses a pull request from a fork, before any request", async () => {
    const repo = await createPlanRepository(PLAN_PATH, fixedPlan, fixedPlan);
    const run = await runOnPullRequest(repo, { mode: "deploy", kubeconfig }, pullRequestEvent(repo.baseSha, "mallory/platform"));
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^::error::opdeploy: refusing mode deploy on pull_request #7: its head \(mallory\/platform\) is a fork/m);
    expect(github.requests).toHaveLength(0);
    // Masked first: the kubeconfig's token line registered on its own.
    expect(run.stdout).toContain("::add-mask::kube-TOKEN-do-not-print-42");
    const printed = run.stdout.split("\n").filter((l) => !l.startsWith("::add-mask::")).join("\n") + run.stderr + run.summary;
    expect(printed).not.toContain("kube-TOKEN-do-not-print-42");
  });

  it("refuses a pull_request_target whose head repository was deleted", async () => {
    const repo = await createPlanRepository(PLAN_PATH, fixedPlan, fixedPlan);
    const event = pullRequestEvent(repo.baseSha);
    (event.pull_request.head as { repo: unknown }).repo = null;
    const run = await runAction({ inputs: { plan: PLAN_PATH, mode: "rollback" }, workspace: repo.workspace, eventName: "pull_request_target", event, apiUrl: github.url, bundle });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/refusing mode rollback on pull_request_target #7: its head \(a deleted repository\)/);
  });

  // The deploy itself, against a fake Kubernetes API server, is in deploy.test.ts.
  it("on push, fails clearly when the kubeconfig names no cluster, instead of pretending to deploy", async () => {
    const repo = await createPlanRepository(PLAN_PATH, fixedPlan, fixedPlan);
    const run = await runAction({ inputs: { plan: PLAN_PATH, mode: "deploy", kubeconfig, namespace: "prod" }, workspace: repo.workspace, eventName: "push", event: { ref: "refs/heads/main" }, apiUrl: github.url, bundle });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^::error::opdeploy: cannot connect to the cluster \(kubeconfig from the kubeconfig input\): .*no current cluster/m);
    expect(run.outputs.verdict).toBe("not-run");
    expect(run.stdout.split("\n").filter((l) => !l.startsWith("::add-mask::")).join("\n") + run.summary).not.toContain("kube-TOKEN-do-not-print-42");
  });
});
