/**
 * One report comment per plan per pull request, edited in place on later pushes (a new comment
 * per push buries the conversation). The comment to edit is the one that (1) the token's own
 * identity wrote and (2) starts with the hidden marker naming the plan: a person who quotes the
 * marker, or another bot's comment, is never edited, and two plans checked in one PR keep two
 * comments.
 *
 * REST endpoints (docs.github.com/rest/issues/comments): list with pagination, create, update;
 * docs.github.com/rest/users/users#get-the-authenticated-user for the token's login.
 */
import * as core from "@actions/core";
import { rateLimitOf, type Octokit } from "./github-api.js";

export interface CommentTarget {
  owner: string;
  repo: string;
  issueNumber: number;
}

export interface UpsertResult {
  action: "created" | "updated";
  id: number;
  url?: string;
  /** The login the token acts as: only its comments were candidates for the update. */
  login: string;
}

/** GitHub's limit on an issue comment body, in characters. */
export const COMMENT_LIMIT = 65_536;

/**
 * The author of comments posted with a workflow's GITHUB_TOKEN, as the REST API reports it in
 * `user.login` (with `user.type: "Bot"`). Used when the token's login cannot be asked for.
 */
export const ACTIONS_BOT_LOGIN = "github-actions[bot]";

/** The marker text handed to renderPullRequestReport, which writes it as an HTML comment. */
export function reportMarker(planPath: string): string {
  return `opdeploy:report ${planPath}`;
}

/** The marker as it stands in the body: `<!-- opdeploy:report <plan path> -->` ("--" cannot appear inside). */
export function hiddenMarker(marker: string): string {
  return `<!-- ${marker.replace(/--/g, "- -")} -->`;
}

/**
 * The login the token acts as. A user token (PAT) answers GET /user. An installation token —
 * the workflow's GITHUB_TOKEN or a GitHub App's — gets 403 "Resource not accessible by
 * integration" there, but GraphQL's `viewer` names its bot (`<app slug>[bot]`). Should that fail
 * too, the GITHUB_TOKEN's bot is assumed: at worst a new comment is posted instead of an update,
 * never someone else's comment edited.
 */
export async function tokenLogin(octokit: Octokit): Promise<string> {
  try {
    const { data } = await octokit.request("GET /user");
    return data.login;
  } catch (error) {
    if ((error as { status?: unknown }).status !== 403 || rateLimitOf(error)) throw error;
  }
  try {
    const result = await octokit.graphql<{ viewer?: { login?: unknown } }>("query { viewer { login } }");
    if (typeof result.viewer?.login === "string" && result.viewer.login !== "") return result.viewer.login;
  } catch (error) {
    if (rateLimitOf(error)) throw error;
    core.info(`opdeploy: could not ask GitHub which bot the token is (${(error as Error).message.split("\n")[0]}); assuming ${ACTIONS_BOT_LOGIN}`);
  }
  return ACTIONS_BOT_LOGIN;
}

interface ListedComment {
  id: number;
  body?: string | null;
  user?: { login?: string; type?: string } | null;
}

/** Logins compare case-insensitively; a bot may be named with or without its "[bot]" suffix. */
export function isOwnReport(comment: ListedComment, login: string, marker: string): boolean {
  const author = comment.user?.login;
  if (!author || !(comment.body ?? "").startsWith(marker)) return false;
  const normal = (name: string) => name.toLowerCase();
  if (normal(author) === normal(login)) return true;
  const bare = (name: string) => normal(name).replace(/\[bot\]$/, "");
  return comment.user?.type === "Bot" && bare(author) === bare(login);
}

export async function findOwnComment(octokit: Octokit, target: CommentTarget, login: string, marker: string): Promise<number | undefined> {
  const pages = octokit.paginate.iterator("GET /repos/{owner}/{repo}/issues/{issue_number}/comments", {
    owner: target.owner,
    repo: target.repo,
    issue_number: target.issueNumber,
    per_page: 100,
  });
  for await (const page of pages) {
    for (const comment of page.data) {
      if (isOwnReport(comment, login, marker)) return comment.id;
    }
  }
  return undefined;
}

export async function upsertComment(octokit: Octokit, target: CommentTarget, marker: string, body: string): Promise<UpsertResult> {
  const login = await tokenLogin(octokit);
  const existing = await findOwnComment(octokit, target, login, marker);
  if (existing !== undefined) {
    const response = await octokit.request("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", {
      owner: target.owner,
      repo: target.repo,
      comment_id: existing,
      body,
    });
    return { action: "updated", id: existing, url: response.data.html_url, login };
  }
  const response = await octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
    owner: target.owner,
    repo: target.repo,
    issue_number: target.issueNumber,
    body,
  });
  return { action: "created", id: Number(response.data.id), url: response.data.html_url, login };
}

/** A message that tells what to change, for the failures a workflow author can fix. */
export function describeCommentFailure(error: unknown): string {
  const status = (error as { status?: unknown }).status;
  const message = error instanceof Error ? error.message : String(error);
  const firstLine = message.split("\n")[0] ?? "";
  const base = typeof status === "number" ? `${status} ${firstLine}` : firstLine;
  const limit = rateLimitOf(error);
  if (limit) {
    const when = limit.resetAt
      ? `; it resets at ${limit.resetAt.toISOString().slice(11, 19)} UTC`
      : limit.retryAfter !== undefined
        ? `; GitHub asked to wait ${limit.retryAfter} s`
        : "";
    return `could not post the PR comment: GitHub API ${limit.kind === "secondary" ? "secondary " : ""}rate limit (${base})${when} — gave up waiting; the report is in the job summary`;
  }
  if (status === 403 || status === 404) {
    return `could not post the PR comment: ${base} — grant pull-requests: write (permissions: in the workflow); pull requests from forks get a read-only token`;
  }
  if (status === 401) return `could not post the PR comment: ${base} — the github-token input is not a valid token`;
  return `could not post the PR comment: ${base}`;
}
