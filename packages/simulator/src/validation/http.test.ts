import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closedPort } from "../../test/services/test-servers.js";
import { validateHttp } from "./http.js";

describe("validateHttp against a local node:http server", () => {
  let server: http.Server;
  let port: number;
  beforeAll(async () => {
    server = http.createServer((request, response) => {
      switch (request.url) {
        case "/healthz":
          response.writeHead(200).end("ok");
          return;
        case "/readyz":
          response.writeHead(503).end("not ready");
          return;
        case "/created":
          response.writeHead(204).end();
          return;
        case "/login-redirect":
          response.writeHead(302, { location: "/healthz" }).end();
          return;
        case "/hang":
          return; // never answers
        default:
          response.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("passes on 200 (the default expectation)", async () => {
    const result = await validateHttp({ host: "127.0.0.1", port }, { path: "/healthz" });
    expect(result).toMatchObject({ ok: true, protocol: "http", target: `127.0.0.1:${port}` });
  });

  it("fails on 503 with the status in the reason", async () => {
    const result = await validateHttp({ host: "127.0.0.1", port }, { path: "/readyz" });
    expect(result).toMatchObject({ ok: false, reason: "HTTP 503 (expected 200) for GET /readyz" });
  });

  it("passes an expected non-200 status when asked for it", async () => {
    const result = await validateHttp({ host: "127.0.0.1", port }, { path: "/readyz", expectStatus: 503 });
    expect(result.ok).toBe(true);
  });

  it("accepts any 2xx with accept2xx, and rejects 204 without it", async () => {
    expect((await validateHttp({ host: "127.0.0.1", port }, { path: "/created", accept2xx: true })).ok).toBe(true);
    const strict = await validateHttp({ host: "127.0.0.1", port }, { path: "/created" });
    expect(strict).toMatchObject({ ok: false, reason: "HTTP 204 (expected 200) for GET /created" });
  });

  it("does not follow redirects", async () => {
    const result = await validateHttp({ host: "127.0.0.1", port }, { path: "/login-redirect", accept2xx: true });
    expect(result).toMatchObject({ ok: false, reason: "HTTP 302 (expected 2xx) for GET /login-redirect" });
  });

  it("times out on a server that never answers", async () => {
    const result = await validateHttp({ host: "127.0.0.1", port }, { path: "/hang", timeoutMs: 300 });
    expect(result).toMatchObject({ ok: false, reason: "timed out after 300 ms" });
    expect(result.durationMs).toBeGreaterThanOrEqual(250);
  });

  it("reports a closed port as connection refused", async () => {
    const closed = await closedPort();
    const result = await validateHttp({ host: "127.0.0.1", port: closed }, { path: "/healthz" });
    expect(result).toMatchObject({ ok: false, reason: "connection refused" });
  });

  it("rejects a path without a leading slash as a programming error", async () => {
    await expect(validateHttp({ host: "127.0.0.1", port }, { path: "healthz" })).rejects.toThrow(/must start with "\/"/);
  });
});
