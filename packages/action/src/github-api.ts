/**
 * The REST client for the PR comment, with Octokit's own retry and throttling plugins rather
 * than a hand-written loop: server errors (5xx) are retried with back-off, and GitHub's rate
 * limits are waited out as GitHub asks — the primary limit until `x-ratelimit-reset`, a
 * secondary limit for `retry-after` seconds (docs.github.com/rest/using-the-rest-api/
 * rate-limits-for-the-rest-api, "Exceeding the rate limit").
 */
import * as core from "@actions/core";
import { getOctokit } from "@actions/github";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";

export type Octokit = ReturnType<typeof getOctokit>;

/**
 * Longest wait for a rate limit before giving up: a dry run should not hold a runner for the
 * up-to-an-hour a primary limit can take to reset; the report is in the job summary anyway.
 */
export const MAX_RATE_LIMIT_WAIT_SECONDS = 60;
/** Rate-limit retries per request. */
export const RATE_LIMIT_RETRIES = 2;
/** Retries of a server error (5xx), after 1 s then 4 s (plugin-retry's quadratic back-off). */
export const SERVER_ERROR_RETRIES = 2;

interface RequestOptions {
  method?: string;
  url?: string;
}

function onLimit(kind: string) {
  return (retryAfter: number, options: RequestOptions, _octokit: unknown, retryCount: number): boolean => {
    const request = `${options.method ?? "?"} ${options.url ?? "?"}`;
    if (retryCount < RATE_LIMIT_RETRIES && retryAfter <= MAX_RATE_LIMIT_WAIT_SECONDS) {
      core.info(`opdeploy: GitHub API ${kind} on ${request}: retrying in ${retryAfter} s`);
      return true;
    }
    core.info(`opdeploy: GitHub API ${kind} on ${request}: not retrying (waited ${retryCount} times; next wait ${retryAfter} s)`);
    return false;
  };
}

export function createOctokit(token: string): Octokit {
  return getOctokit(
    token,
    {
      // 403 and 429 are left to the throttling plugin, which knows a rate limit from a refusal and
      // waits as long as GitHub says; plugin-retry would retry a 429 on its own fixed schedule.
      retry: { retries: SERVER_ERROR_RETRIES, doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451] },
      throttle: { onRateLimit: onLimit("rate limit"), onSecondaryRateLimit: onLimit("secondary rate limit") },
    },
    retry,
    throttling,
  );
}

interface ErrorLike {
  status?: unknown;
  message?: unknown;
  response?: { headers?: Record<string, string | number | undefined> };
}

/**
 * A rate-limit answer, per GitHub's documentation: 429, or 403 with `x-ratelimit-remaining: 0`
 * (primary) or a message naming the secondary rate limit. Other 403s are refusals (permissions).
 */
export function rateLimitOf(error: unknown): { kind: "primary" | "secondary"; resetAt?: Date; retryAfter?: number } | undefined {
  const { status, message, response } = (error ?? {}) as ErrorLike;
  if (status !== 403 && status !== 429) return undefined;
  const headers = response?.headers ?? {};
  const text = typeof message === "string" ? message : "";
  const secondary = /secondary rate limit/i.test(text);
  const exhausted = String(headers["x-ratelimit-remaining"]) === "0";
  if (!secondary && !exhausted && !/rate limit/i.test(text) && status !== 429) return undefined;
  const result: { kind: "primary" | "secondary"; resetAt?: Date; retryAfter?: number } = { kind: secondary ? "secondary" : "primary" };
  const reset = Number(headers["x-ratelimit-reset"]);
  if (exhausted && Number.isFinite(reset) && reset > 0) result.resetAt = new Date(reset * 1000);
  const retryAfter = Number(headers["retry-after"]);
  if (Number.isFinite(retryAfter) && retryAfter > 0) result.retryAfter = retryAfter;
  return result;
}
