/**
 * A stand-in for the GitHub REST API's issue-comment endpoints, on a loopback port: enough of
 * GET (paginated with a Link header, as api.github.com does), POST and PATCH for the action's
 * comment upsert, with every request recorded for the assertions.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  url: string;
  authorization: string | undefined;
  body: string;
}

export interface StoredComment {
  id: number;
  body: string;
  user: { login: string };
}

export interface FakeGitHub {
  url: string;
  requests: RecordedRequest[];
  comments: StoredComment[];
  /** When set, every request is answered with this status and GitHub's error body. */
  failWith: { status: number; message: string } | undefined;
  close(): Promise<void>;
}

/** Small on purpose, so a handful of comments already spans several pages. */
export const PAGE_SIZE = 2;

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

export async function startFakeGitHub(repository: string, issueNumber: number): Promise<FakeGitHub> {
  let nextId = 1000;
  const listPath = `/repos/${repository}/issues/${issueNumber}/comments`;
  const commentPath = new RegExp(`^/repos/${repository}/issues/comments/(\\d+)$`);
  const state: FakeGitHub = {
    url: "",
    requests: [],
    comments: [],
    failWith: undefined,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer(async (request, response) => {
    const body = await readBody(request);
    const url = new URL(request.url ?? "/", state.url);
    state.requests.push({ method: request.method ?? "", url: url.pathname + url.search, authorization: request.headers.authorization, body });
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      response.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
      response.end(JSON.stringify(payload));
    };
    if (state.failWith) {
      send(state.failWith.status, { message: state.failWith.message, documentation_url: "https://docs.github.com/rest" });
      return;
    }
    if (request.method === "GET" && url.pathname === listPath) {
      const page = Number(url.searchParams.get("page") ?? "1");
      const slice = state.comments.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
      const last = Math.max(1, Math.ceil(state.comments.length / PAGE_SIZE));
      const link: Record<string, string> = page < last ? { link: `<${state.url}${listPath}?per_page=100&page=${page + 1}>; rel="next", <${state.url}${listPath}?per_page=100&page=${last}>; rel="last"` } : {};
      send(200, slice.map((c) => ({ ...c, html_url: `https://github.example/c/${c.id}` })), link);
      return;
    }
    if (request.method === "POST" && url.pathname === listPath) {
      const comment = { id: nextId++, body: (JSON.parse(body) as { body: string }).body, user: { login: "github-actions[bot]" } };
      state.comments.push(comment);
      send(201, { ...comment, html_url: `https://github.example/c/${comment.id}` });
      return;
    }
    const match = commentPath.exec(url.pathname);
    if (request.method === "PATCH" && match) {
      const comment = state.comments.find((c) => c.id === Number(match[1]));
      if (!comment) return send(404, { message: "Not Found" });
      comment.body = (JSON.parse(body) as { body: string }).body;
      send(200, { ...comment, html_url: `https://github.example/c/${comment.id}` });
      return;
    }
    send(404, { message: "Not Found" });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}
