import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ensureLocalServices,
  missingServiceReason,
  type LocalServices,
} from "../../test/services/local-services.js";
import { closedPort } from "../../test/services/test-servers.js";
import { validateService } from "./validate-service.js";

describe("validateService dispatch (HTTP, TCP, none)", () => {
  let server: http.Server;
  let port: number;
  beforeAll(async () => {
    server = http.createServer((request, response) => {
      response.writeHead(request.url === "/readyz" ? 200 : 404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("http uses the model's path and expected status on the endpoint port", async () => {
    const passed = await validateService({ kind: "http", path: "/readyz" }, { host: "127.0.0.1", port });
    expect(passed).toMatchObject({ ok: true, protocol: "http" });
    const failed = await validateService({ kind: "http", path: "/missing", expectStatus: 200 }, { host: "127.0.0.1", port });
    expect(failed).toMatchObject({ ok: false, reason: "HTTP 404 (expected 200) for GET /missing" });
  });

  it("http/tcp ports named in the model go through resolvePort (e.g. a port-forward)", async () => {
    const mapped = await validateService(
      { kind: "http", path: "/readyz", port: 9016 },
      { host: "127.0.0.1", port: 1 },
      {},
      { resolvePort: (modelPort) => (modelPort === 9016 ? port : modelPort) },
    );
    expect(mapped).toMatchObject({ ok: true, target: `127.0.0.1:${port}` });
    const tcp = await validateService({ kind: "tcp", port: 9016 }, { host: "127.0.0.1", port: 1 }, {}, { resolvePort: () => port });
    expect(tcp).toMatchObject({ ok: true, protocol: "tcp" });
  });

  it("none passes and says nothing was checked", async () => {
    const result = await validateService({ kind: "none" }, { host: "127.0.0.1", port: 1 });
    expect(result).toMatchObject({ ok: true, protocol: "none", reason: "no validation configured (nothing was checked)" });
  });
});

const missing = (["postgres", "redis", "rabbitmq"] as const)
  .map((name) => missingServiceReason(name))
  .filter((reason): reason is string => reason !== undefined);
if (missing.length > 0) console.warn(`skipping validateService protocol tests: ${missing.join("; ")}`);

describe.skipIf(missing.length > 0)("validateService against the real local services", () => {
  let services: Required<LocalServices>;
  beforeAll(async () => {
    services = (await ensureLocalServices(["postgres", "redis", "rabbitmq"])) as Required<LocalServices>;
  });

  it("postgres: the model's database/user with the resolved password", async () => {
    const { host, port, user, password, database } = services.postgres;
    const result = await validateService({ kind: "postgres", database, user }, { host, port }, { password });
    expect(result).toMatchObject({ ok: true, protocol: "postgres" });
  });

  it("redis and rabbitmq with resolved credentials", async () => {
    const redis = await validateService({ kind: "redis" }, services.redis, { password: services.redis.password });
    expect(redis).toMatchObject({ ok: true, protocol: "redis" });
    const { host, port, user, password, vhost } = services.rabbitmq;
    const rabbit = await validateService({ kind: "rabbitmq" }, { host, port }, { user, password, vhost });
    expect(rabbit).toMatchObject({ ok: true, protocol: "rabbitmq" });
  });

  it("the old script's mistake: an HTTP check against the PostgreSQL or AMQP port fails, and says why", async () => {
    const { host, port } = services.postgres;
    const result = await validateService({ kind: "http", path: "/health" }, { host, port }, {}, { timeoutMs: 2000 });
    expect(result).toMatchObject({ ok: false, reason: "connection closed without an HTTP response (other side closed)" });
    const amqp = await validateService({ kind: "http", path: "/health" }, services.rabbitmq, {}, { timeoutMs: 2000 });
    expect(amqp.ok).toBe(false);
    expect(amqp.reason).toMatch(/^not an HTTP server \(/);
  });

  it("a stopped service fails with connection refused for each protocol", async () => {
    const port = await closedPort();
    const endpoint = { host: "127.0.0.1", port };
    for (const validation of [{ kind: "postgres" as const }, { kind: "redis" as const }, { kind: "rabbitmq" as const }]) {
      const result = await validateService(validation, endpoint, { password: "x" });
      expect(result, validation.kind).toMatchObject({ ok: false, protocol: validation.kind, reason: "connection refused" });
    }
  });
});
