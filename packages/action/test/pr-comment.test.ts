/**
 * The PR comment end to end — the bundled action against the fake GitHub API: which comment is
 * "ours", what the comment says when the run fails, rate limits, and GitHub references in plan
 * text. Timings come from the fake's request log (when each request arrived).
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildTestBundle } from "./helpers/deploy-fixtures.js";
import { primaryRateLimit, secondaryRateLimit, startFakeGitHub, type FakeGitHub, type StoredComment } from "./helpers/fake-github.js";
import { createPlanRepository } from "./helpers/git-repo.js";
import { examplePlans, PLAN_PATH, PR_NUMBER, REPOSITORY, runOnPullRequest, TOKEN } from "./helpers/pull-request-run.js";
import type { ActionRun } from "./helpers/run-action.js";

const MARKER = `<!-- opdeploy:report ${PLAN_PATH} -->`;
const LIST = `/repos/${REPOSITORY}/issues/${PR_NUMBER}/comments`;

let github: FakeGitHub;
let bundle: string;
let fixedPlan: string;

beforeAll(async () => {
  bundle = await buildTestBundle();
  ({ fixedPlan } = await examplePlans());
  github = await startFakeGitHub(REPOSITORY, PR_NUMBER);
});

afterAll(() => github?.close());
afterEach(() => github.reset());

async function check(headPlan: string, inputs: Record<string, string> = {}, env?: Record<string, string>): Promise<ActionRun> {
  const repo = await createPlanRepository(PLAN_PATH, fixedPlan, headPlan);
  return runOnPullRequest({ github, bundle, repo, inputs: { mode: "check", "fail-on": "never", ...inputs }, ...(env ? { extra: { env } } : {}) });
}

function comment(id: number, login: string, body: string): StoredComment {
  return { id, body, user: { login, type: login.endsWith("[bot]") ? "Bot" : "User" } };
}

const warnings = (run: ActionRun) => run.stdout.split("\n").filter((line) => line.startsWith("::warning::"));
const requestLines = () => github.requests.map((r) => `${r.method} ${r.url}`);

describe("which comment is the action's own", () => {
  it("updates only a comment its own bot wrote that starts with the marker, found past 100 comments", async () => {
    for (let id = 1; id <= 150; id++) github.comments.push(comment(id, id % 2 ? "alice" : "bob", `comment ${id}`));
    // A person quoting the marker — even at the very start — and the bot quoting it mid-text.
    github.comments[39] = comment(40, "mallory", `${MARKER}\n**opdeploy**: simulation succeeded (quoted by a person)`);
    github.comments[59] = comment(60, "github-actions[bot]", `> quoting the report:\n> ${MARKER}`);
    github.comments[129] = comment(130, "github-actions[bot]", `${MARKER}\nthe previous report`);
    const before = github.comments.map((c) => ({ ...c }));

    const run = await check(fixedPlan);
    expect(run.code, run.stdout).toBe(0);
    expect(requestLines()).toEqual(["GET /user", "POST /graphql", `GET ${LIST}?per_page=100`, `GET ${LIST}?per_page=100&page=2`, `PATCH /repos/${REPOSITORY}/issues/comments/130`]);
    expect(github.comments).toHaveLength(150);
    expect(github.comments[129]!.body.startsWith(MARKER)).toBe(true);
    expect(github.comments[129]!.body).toContain("**opdeploy**: not simulated");
    for (const [i, c] of github.comments.entries()) if (c.id !== 130) expect(c).toEqual(before[i]);
    expect(run.stdout).toContain("updated the report comment on #7 as github-actions[bot]");
  });

  it("leaves a person's comment quoting the marker alone and posts its own", async () => {
    github.comments.push(comment(1, "mallory", `${MARKER}\nsee what the bot said`));
    const run = await check(fixedPlan);
    expect(run.code, run.stdout).toBe(0);
    expect(github.comments).toHaveLength(2);
    expect(github.comments[0]!.body).toBe(`${MARKER}\nsee what the bot said`);
    expect(github.comments[1]!.user.login).toBe("github-actions[bot]");
    expect(github.comments[1]!.body.startsWith(MARKER)).toBe(true);
    expect(github.requests.filter((r) => r.method === "PATCH")).toHaveLength(0);
  });

  it("with a person's token (GET /user answers), edits that person's report, not the bot's", async () => {
    github.identity = { kind: "user", login: "CI-Robot" };
    github.comments.push(comment(1, "github-actions[bot]", `${MARKER}\nreport by the GITHUB_TOKEN`), comment(2, "ci-robot", `${MARKER}\nreport by the PAT`));
    const run = await check(fixedPlan);
    expect(run.code, run.stdout).toBe(0);
    expect(requestLines()).toEqual(["GET /user", `GET ${LIST}?per_page=100`, `PATCH /repos/${REPOSITORY}/issues/comments/2`]);
    expect(github.comments[0]!.body).toBe(`${MARKER}\nreport by the GITHUB_TOKEN`);
    expect(github.comments[1]!.body).toContain("**opdeploy**");
  });
});

describe("failures reach the comment and the summary", () => {
  it("an unreadable plan replaces the previous verdict, in the comment and the summary", async () => {
    const good = await check(fixedPlan);
    expect(good.code, good.stdout).toBe(0);
    expect(github.comments[0]!.body).toContain("**opdeploy**: not simulated · 0 errors");

    const run = await check("name: broken\ncluster: {nodes: []}\nservices: 3\n");
    expect(run.code).toBe(1);
    expect(run.outputs.verdict).toBe("invalid");
    expect(github.comments).toHaveLength(1);
    const body = github.comments[0]!.body;
    expect(body.startsWith(MARKER)).toBe(true);
    expect(body).toMatch(new RegExp(`the plan \`${PLAN_PATH}\` cannot be read · ${run.outputs.errors} problems?`));
    expect(body).not.toContain("0 errors");
    // Each problem with its line and field, as the annotations have them.
    const annotations = [...run.stdout.matchAll(/^::error title=plan-load,file=deploy\/plan.yaml,line=(\d+),col=(\d+)::/gm)];
    expect(annotations.length).toBe(Number(run.outputs.errors));
    for (const [, line, col] of annotations) expect(body).toContain(`| ${PLAN_PATH}:${line}:${col} |`);
    expect(body).toContain("`services`");
    expect(run.summary).toContain("cannot be read");
    expect(run.summary).toContain("`services`");
  });

  it("a failure of the action itself is reported too, without the token", async () => {
    const good = await check(fixedPlan);
    expect(good.code, good.stdout).toBe(0);
    // RUNNER_TEMP naming a file: the report files cannot be written (ENOTDIR), a real crash.
    const notADirectory = join(good.runnerTemp, "not-a-directory");
    await writeFile(notADirectory, "");
    const run = await check(fixedPlan, {}, { RUNNER_TEMP: notADirectory });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^::error::ENOTDIR: not a directory/m);
    const body = github.comments[0]!.body;
    expect(body.startsWith(MARKER)).toBe(true);
    expect(body).toContain(`the dry run of \`${PLAN_PATH}\` failed before it could report`);
    expect(body).toContain("ENOTDIR: not a directory");
    expect(body).not.toContain("not simulated");
    expect(run.summary).toContain("failed before it could report");
    expect(body + run.summary).not.toContain(TOKEN);
  });
});

describe("rate limits", () => {
  const gapAfter = (index: number) => github.requests[index + 1]!.at - github.requests[index]!.at;

  it("waits out a primary rate limit (429) until x-ratelimit-reset, then goes on", async () => {
    github.queued.push(primaryRateLimit(429, 1));
    const run = await check(fixedPlan);
    expect(run.code, run.stdout).toBe(0);
    expect(warnings(run)).toEqual([]);
    // The reset is in whole seconds (ceil(now) + 1) and the throttling plugin adds a second of its
    // own (plugin-throttling: ceil((reset − now) / 1000) + 1): 1 to 3 s, by when the run started.
    expect(run.stdout).toMatch(/GitHub API rate limit on GET \/user: retrying in [123] s/);
    expect(requestLines().slice(0, 2)).toEqual(["GET /user", "GET /user"]);
    expect(gapAfter(0)).toBeGreaterThanOrEqual(900);
    expect(github.comments).toHaveLength(1);
  });

  it("waits out a secondary rate limit (403) for retry-after seconds, and retries a 502", async () => {
    github.queued.push(secondaryRateLimit(403, 1), { status: 502, message: "Server Error" });
    const run = await check(fixedPlan);
    expect(run.code, run.stdout).toBe(0);
    expect(warnings(run)).toEqual([]);
    expect(run.stdout).toMatch(/GitHub API secondary rate limit on GET \/user: retrying in 1 s/);
    expect(requestLines().slice(0, 3)).toEqual(["GET /user", "GET /user", "GET /user"]);
    expect(gapAfter(0)).toBeGreaterThanOrEqual(900);
    expect(gapAfter(1)).toBeGreaterThanOrEqual(900);
    expect(github.comments).toHaveLength(1);
  });

  it("names a rate limit that outlasts the retries as a rate limit, not a missing permission", async () => {
    github.failWith = secondaryRateLimit(403, 1);
    const secondary = await check(fixedPlan);
    expect(secondary.code, secondary.stdout).toBe(0);
    expect(github.requests).toHaveLength(3);
    expect(warnings(secondary)).toEqual([
      expect.stringMatching(/^::warning::could not post the PR comment: GitHub API secondary rate limit \(403 You have exceeded a secondary rate limit.*\); GitHub asked to wait 1 s — gave up waiting/),
    ]);
    expect(secondary.stdout).not.toContain("grant pull-requests");

    github.requests.length = 0;
    github.failWith = primaryRateLimit(429, 3600);
    const primary = await check(fixedPlan);
    expect(primary.code, primary.stdout).toBe(0);
    // An hour's wait is not worth a runner: no retry.
    expect(github.requests).toHaveLength(1);
    expect(warnings(primary)).toEqual([expect.stringMatching(/^::warning::could not post the PR comment: GitHub API rate limit \(429 API rate limit exceeded.*\); it resets at \d\d:\d\d:\d\d UTC/)]);
  });
});

describe("GitHub references in plan text", () => {
  it("are neutralised outside code, so the bot pings nobody and links no issue", async () => {
    const plan = fixedPlan.replace("- name: infrastructure", '- name: "infrastructure @platform-team see #12 and GH-34"');
    expect(plan).not.toBe(fixedPlan);
    const run = await check(plan, { mode: "simulate" });
    expect(run.code, run.stdout).toBe(0);
    const body = github.comments[0]!.body;
    expect(body).toContain("@\u200Dplatform-team see #\u200D12 and GH-\u200D34");
    const prose = body.replace(/^```[\s\S]*?^```$/gm, "").replace(/`[^`\n]*`/g, "");
    expect(prose).not.toMatch(/(^|[^\w])@[A-Za-z0-9]/);
    expect(prose).not.toMatch(/(?<!&)#\d|GH-\d/);
    // Inside the Mermaid chart the text is code, drawn as it is.
    expect(body).toMatch(/```mermaid[\s\S]*@platform-team[\s\S]*```/);
    expect(run.summary).toContain("@\u200Dplatform-team");
  });
});
