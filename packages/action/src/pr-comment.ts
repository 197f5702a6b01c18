/**
 * One report comment per plan per pull request, edited in place on later pushes (a new comment
 * per push buries the conversation). The comment is found by a hidden HTML marker naming the
 * plan, so two plans checked in one PR keep two comments.
 *
 * REST endpoints (docs.github.com/rest/issues/comments): list with pagination, create, update.
 */
import type { getOctokit } from "@actions/github";

export type Octokit = ReturnType<typeof getOctokit>;

export interface CommentTarget {
  owner: string;
  repo: string;
  issueNumber: number;
}

export interface UpsertResult {
  action: "created" | "updated";
  id: number;
  url?: string;
}

/** GitHub's limit on an issue comment body, in characters. */
export const COMMENT_LIMIT = 65_536;

/** The marker text handed to renderPullRequestReport, which writes it as an HTML comment. */
export function reportMarker(planPath: string): string {
  return `opdeploy:report ${planPath}`;
}

/** The marker as it stands in the body: `<!-- opdeploy:report <plan path> -->` ("--" cannot appear inside). */
export function hiddenMarker(marker: string): string {
  return `<!-- ${marker.replace(/--/g, "- -")} -->`;
}

export async function findMarkedComment(octokit: Octokit, target: CommentTarget, marker: string): Promise<number | undefined> {
  const pages = octokit.paginate.iterator("GET /repos/{owner}/{repo}/issues/{issue_number}/comments", {
    owner: target.owner,
    repo: target.repo,
    issue_number: target.issueNumber,
    per_page: 100,
  });
  for await (const page of pages) {
    for (const comment of page.data) {
      if (comment.body?.includes(marker)) return comment.id;
    }
  }
  return undefined;
}

export async function upsertComment(octokit: Octokit, target: CommentTarget, marker: string, body: string): Promise<UpsertResult> {
  const existing = await findMarkedComment(octokit, target, marker);
  if (existing !== undefined) {
    const response = await octokit.request("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", {
      owner: target.owner,
      repo: target.repo,
      comment_id: existing,
      body,
    });
    return { action: "updated", id: existing, url: response.data.html_url };
  }
  const response = await octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
    owner: target.owner,
    repo: target.repo,
    issue_number: target.issueNumber,
    body,
  });
  return { action: "created", id: Number(response.data.id), url: response.data.html_url };
}

/** A message that tells what to change, for the failures a workflow author can fix. */
export function describeCommentFailure(error: unknown): string {
  const status = (error as { status?: unknown }).status;
  const message = error instanceof Error ? error.message : String(error);
  const firstLine = message.split("\n")[0] ?? "";
  const base = typeof status === "number" ? `${status} ${firstLine}` : firstLine;
  if (status === 403 || status === 404) {
    return `could not post the PR comment: ${base} — grant pull-requests: write (permissions: in the workflow); pull requests from forks get a read-only token`;
  }
  if (status === 401) return `could not post the PR comment: ${base} — the github-token input is not a valid token`;
  return `could not post the PR comment: ${base}`;
}
