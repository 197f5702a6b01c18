/**
 * A stand-in for the parts of the GitHub REST API the action calls, on a loopback port, behaving
 * as api.github.com does where the action depends on it:
 * - issue comments listed 30 per page by default, at most 100 (`per_page`), with a `Link` header
 *   naming the next, last, first and previous pages (docs.github.com/rest/using-the-rest-api/
 *   using-pagination-in-the-rest-api);
 * - every comment carries its author (`user.login`, `user.type`); a created one is authored by
 *   whoever the token is;
 * - GET /user answers a user token with its login, and refuses an installation token (the
 *   workflow's GITHUB_TOKEN) with 403 "Resource not accessible by integration"; GraphQL's
 *   `viewer` names the installation's bot (`github-actions[bot]`);
 * - rate-limit headers on every answer, and the two rate-limit refusals GitHub documents
 *   (docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api): a primary limit
 *   (403/429 with `x-ratelimit-remaining: 0` and `x-ratelimit-reset`) and a secondary limit
 *   (403/429 with a message saying so and `retry-after`).
 * Every request is recorded, with the time it arrived, for the assertions.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  url: string;
  authorization: string | undefined;
  body: string;
  at: number;
}

export interface StoredComment {
  id: number;
  body: string;
  user: { login: string; type: "User" | "Bot" };
}

/** Who the token is: a person's token (GET /user works) or an installation's (it does not). */
export type TokenIdentity = { kind: "user"; login: string } | { kind: "installation"; botLogin: string };

export interface CannedAnswer {
  status: number;
  message: string;
  headers?: Record<string, string>;
}

export interface FakeGitHub {
  url: string;
  requests: RecordedRequest[];
  comments: StoredComment[];
  identity: TokenIdentity;
  /** Answered, in order, to the next requests (one each) before normal service resumes. */
  queued: CannedAnswer[];
  /** When set, every request is answered with this status, headers and GitHub's error body. */
  failWith: CannedAnswer | undefined;
  /** Back to an empty pull request, the GITHUB_TOKEN's identity and normal service. */
  reset(): void;
  close(): Promise<void>;
}

export const DEFAULT_PER_PAGE = 30;
export const MAX_PER_PAGE = 100;
const RATE_LIMIT = 5000;

/** The answer GitHub gives when the primary rate limit is used up; it resets `resetInSeconds` from now. */
export function primaryRateLimit(status: 403 | 429, resetInSeconds: number): CannedAnswer {
  return {
    status,
    message: "API rate limit exceeded for installation. If you reach out to GitHub Support for help, please include the request ID.",
    headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(Math.ceil(Date.now() / 1000) + resetInSeconds) },
  };
}

/** The answer to too many requests in a short time, whatever the remaining quota. */
export function secondaryRateLimit(status: 403 | 429, retryAfterSeconds: number): CannedAnswer {
  return {
    status,
    message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.",
    headers: { "retry-after": String(retryAfterSeconds) },
  };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

/** `<url?page=n>; rel="next", ...` as GitHub writes it, keeping the request's other parameters. */
function linkHeader(base: URL, page: number, last: number): string {
  const at = (n: number) => {
    const url = new URL(base);
    url.searchParams.set("page", String(n));
    return `<${url}>`;
  };
  const links: string[] = [];
  if (page > 1) links.push(`${at(page - 1)}; rel="prev"`);
  if (page < last) links.push(`${at(page + 1)}; rel="next"`, `${at(last)}; rel="last"`);
  if (page > 1) links.push(`${at(1)}; rel="first"`);
  return links.join(", ");
}

type Send = (status: number, payload: unknown, headers?: Record<string, string>) => void;

interface Repository {
  name: string;
  issueNumber: number;
  nextId: number;
}

function tokenLogin(state: FakeGitHub): string {
  return state.identity.kind === "user" ? state.identity.login : state.identity.botLogin;
}

/** The API itself, once canned answers are out of the way. */
function answer(state: FakeGitHub, repo: Repository, request: { method: string; url: URL; body: string }, send: Send): void {
  const { method, url, body } = request;
  const listPath = `/repos/${repo.name}/issues/${repo.issueNumber}/comments`;
  const withUrl = (c: StoredComment) => ({ ...c, html_url: `https://github.example/${repo.name}/pull/${repo.issueNumber}#issuecomment-${c.id}` });
  if (method === "GET" && url.pathname === "/user") {
    if (state.identity.kind === "installation") return send(403, { message: "Resource not accessible by integration", documentation_url: "https://docs.github.com/rest/users/users#get-the-authenticated-user", status: "403" });
    return send(200, { login: state.identity.login, id: 1, type: "User" });
  }
  if (method === "POST" && url.pathname === "/graphql") {
    const query = (JSON.parse(body) as { query?: string }).query ?? "";
    if (/viewer\s*\{\s*login\s*\}/.test(query)) return send(200, { data: { viewer: { login: tokenLogin(state) } } });
    return send(200, { errors: [{ message: "this fake answers only { viewer { login } }" }] });
  }
  if (method === "GET" && url.pathname === listPath) {
    const perPage = Math.min(MAX_PER_PAGE, Number(url.searchParams.get("per_page") ?? DEFAULT_PER_PAGE));
    const page = Number(url.searchParams.get("page") ?? "1");
    const last = Math.max(1, Math.ceil(state.comments.length / perPage));
    const link = linkHeader(url, page, last);
    return send(200, state.comments.slice((page - 1) * perPage, page * perPage).map(withUrl), link ? { link } : {});
  }
  if (method === "POST" && url.pathname === listPath) {
    const login = tokenLogin(state);
    const comment: StoredComment = { id: repo.nextId++, body: (JSON.parse(body) as { body: string }).body, user: { login, type: login.endsWith("[bot]") ? "Bot" : "User" } };
    state.comments.push(comment);
    return send(201, withUrl(comment));
  }
  const match = new RegExp(`^/repos/${repo.name}/issues/comments/(\\d+)$`).exec(url.pathname);
  if (method === "PATCH" && match) {
    const comment = state.comments.find((c) => c.id === Number(match[1]));
    if (!comment) return send(404, { message: "Not Found" });
    // GitHub lets only the author (logins are case-insensitive) or a maintainer edit a comment.
    if (comment.user.login.toLowerCase() !== tokenLogin(state).toLowerCase()) return send(403, { message: "You must be the author of this comment to edit it" });
    comment.body = (JSON.parse(body) as { body: string }).body;
    return send(200, withUrl(comment));
  }
  send(404, { message: "Not Found", documentation_url: "https://docs.github.com/rest" });
}

export async function startFakeGitHub(repository: string, issueNumber: number): Promise<FakeGitHub> {
  const repo: Repository = { name: repository, issueNumber, nextId: 1000 };
  let used = 0;
  const state: FakeGitHub = {
    url: "",
    requests: [],
    comments: [],
    identity: { kind: "installation", botLogin: "github-actions[bot]" },
    queued: [],
    failWith: undefined,
    reset() {
      state.requests.length = 0;
      state.comments.length = 0;
      state.queued.length = 0;
      state.failWith = undefined;
      state.identity = { kind: "installation", botLogin: "github-actions[bot]" };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer(async (request, response: ServerResponse) => {
    const body = await readBody(request);
    const url = new URL(request.url ?? "/", state.url);
    const method = request.method ?? "";
    state.requests.push({ method, url: url.pathname + url.search, authorization: request.headers.authorization, body, at: Date.now() });
    used += 1;
    const rateHeaders = {
      "x-ratelimit-limit": String(RATE_LIMIT),
      "x-ratelimit-remaining": String(Math.max(0, RATE_LIMIT - used)),
      "x-ratelimit-used": String(used),
      "x-ratelimit-reset": String(Math.ceil(Date.now() / 1000) + 3600),
      "x-ratelimit-resource": url.pathname === "/graphql" ? "graphql" : "core",
    };
    const send: Send = (status, payload, headers = {}) => {
      response.writeHead(status, { "content-type": "application/json; charset=utf-8", ...rateHeaders, ...headers });
      response.end(JSON.stringify(payload));
    };
    const canned = state.queued.shift() ?? state.failWith;
    if (canned) send(canned.status, { message: canned.message, documentation_url: "https://docs.github.com/rest" }, canned.headers);
    else answer(state, repo, { method, url, body }, send);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}
