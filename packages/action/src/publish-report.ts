/**
 * Where a dry-run report is shown: the job summary and (on a pull request) one PR comment.
 * Both are views of the result, not the result: failing to write either warns, and the step's
 * outcome stands on the check alone.
 *
 * Before anything is published, GitHub references in the text are neutralised (the body quotes
 * the plan, and the comment is posted as our bot) and the token is cut out of it: the runner
 * masks secrets in the log, not in what the action sends to the API.
 */
import * as core from "@actions/core";
import { context } from "@actions/github";
import { createOctokit } from "./github-api.js";
import { neutraliseReferences } from "./github-references.js";
import { describeCommentFailure, upsertComment } from "./pr-comment.js";
import type { PullRequestEvent } from "./pull-request.js";

export interface Publication {
  githubToken: string;
  /** Post the comment (the `comment` input). */
  comment: boolean;
  pullRequest: PullRequestEvent | undefined;
  /** The hidden marker the comment body starts with. */
  marker: string;
}

/** What GitHub will display: references neutralised, the token never. */
export function displayable(markdown: string, token: string): string {
  const text = neutraliseReferences(markdown);
  return token === "" ? text : text.split(token).join("***");
}

export async function writeJobSummary(markdown: string, token: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) {
    core.info("opdeploy: GITHUB_STEP_SUMMARY is not set (not on a runner): no job summary written");
    return;
  }
  try {
    await core.summary.addRaw(displayable(markdown, token)).write();
  } catch (error) {
    core.warning(`could not write the job summary: ${(error as Error).message}`);
  }
}

export async function postComment(publication: Publication, body: string): Promise<void> {
  const { pullRequest, githubToken } = publication;
  if (!publication.comment) return;
  if (!pullRequest) {
    core.info(`opdeploy: no pull request in event ${context.eventName || "(none)"}: report in the job summary only`);
    return;
  }
  if (githubToken === "") {
    core.warning("could not post the PR comment: no github-token (the default is ${{ github.token }})");
    return;
  }
  const { owner, repo } = context.repo;
  try {
    const octokit = createOctokit(githubToken);
    const result = await upsertComment(octokit, { owner, repo, issueNumber: pullRequest.number }, publication.marker, displayable(body, githubToken));
    core.info(`opdeploy: ${result.action} the report comment on #${pullRequest.number} as ${result.login}${result.url ? ` (${result.url})` : ""}`);
  } catch (error) {
    core.warning(describeCommentFailure(error));
  }
}

/** A failure report, to both places (the summary and the comment say the same). */
export async function publishFailure(publication: Publication, markdown: string): Promise<void> {
  await writeJobSummary(markdown, publication.githubToken);
  await postComment(publication, markdown);
}

/**
 * The longest rendering whose displayable form fits `limitChars`: neutralising adds a character
 * per reference, so the renderer's own limit is lowered by the overflow until it fits.
 */
export function fitDisplayable(render: (maxLength: number) => string, limitChars: number, token: string): string {
  let maxLength = limitChars;
  for (let attempt = 0; attempt < 8; attempt++) {
    const text = displayable(render(maxLength), token);
    if (text.length <= limitChars) return text;
    maxLength -= text.length - limitChars;
  }
  return displayable(render(maxLength), token).slice(0, limitChars);
}
