/**
 * What the dry-run tests share: the example plans, a pull_request event as GitHub sends it, and
 * one run of the bundle on a pull request against the fake GitHub API.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { FakeGitHub } from "./fake-github.js";
import type { PlanRepository } from "./git-repo.js";
import { ACTION_ROOT, runAction, type ActionRun, type RunOptions } from "./run-action.js";

export const TOKEN = "ghs_TESTTOKEN1234567890abcdefSECRET";
export const REPOSITORY = "acme/platform";
export const PR_NUMBER = 7;
export const PLAN_PATH = "deploy/plan.yaml";
export const EXAMPLES = join(ACTION_ROOT, "..", "..", "examples", "openpolicy");

/** plan.yaml (the defective example) and plan.fixed.yaml. */
export async function examplePlans(): Promise<{ brokenPlan: string; fixedPlan: string }> {
  const [brokenPlan, fixedPlan] = await Promise.all([readFile(join(EXAMPLES, "plan.yaml"), "utf8"), readFile(join(EXAMPLES, "plan.fixed.yaml"), "utf8")]);
  return { brokenPlan, fixedPlan };
}

export function pullRequestEvent(baseSha: string, headRepository = REPOSITORY) {
  return {
    action: "synchronize",
    number: PR_NUMBER,
    pull_request: {
      number: PR_NUMBER,
      base: { sha: baseSha, ref: "main", repo: { full_name: REPOSITORY } },
      head: { sha: "f".repeat(40), ref: "change-plan", repo: { full_name: headRepository } },
    },
    repository: { full_name: REPOSITORY, name: "platform", owner: { login: "acme" } },
  };
}

export interface PullRequestRun {
  github: FakeGitHub;
  bundle: string;
  repo: PlanRepository;
  inputs: Record<string, string>;
  event?: unknown;
  extra?: Partial<RunOptions>;
}

export function runOnPullRequest({ github, bundle, repo, inputs, event, extra }: PullRequestRun): Promise<ActionRun> {
  return runAction({
    inputs: { plan: PLAN_PATH, "github-token": TOKEN, ...inputs },
    workspace: repo.workspace,
    event: event ?? pullRequestEvent(repo.baseSha),
    repository: REPOSITORY,
    apiUrl: github.url,
    bundle,
    ...extra,
  });
}
