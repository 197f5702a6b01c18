import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureLocalServices, missingServiceReason, type LocalServices } from "../../test/services/local-services.js";
import { closedPort, startSilentServer, type RunningServer } from "../../test/services/test-servers.js";
import { validateRedis } from "./redis.js";

const missing = missingServiceReason("redis");
if (missing) console.warn(`skipping Redis validator tests: ${missing}`);

describe.skipIf(missing)("validateRedis against a real Redis", () => {
  let redis: NonNullable<LocalServices["redis"]>;
  let silent: RunningServer;
  beforeAll(async () => {
    redis = (await ensureLocalServices(["redis"])).redis!;
    silent = await startSilentServer();
  });
  afterAll(() => silent?.close());

  it("passes with the password (AUTH + PING -> PONG)", async () => {
    const result = await validateRedis({ host: redis.host, port: redis.port }, { password: redis.password });
    expect(result).toMatchObject({ ok: true, protocol: "redis", target: `${redis.host}:${redis.port}` });
  });

  it("passes with the explicit ACL user `default`", async () => {
    const result = await validateRedis({ host: redis.host, port: redis.port }, { username: "default", password: redis.password });
    expect(result.ok).toBe(true);
  });

  it("fails on a wrong password, without echoing it", async () => {
    const wrong = "wrong-redis-password";
    const result = await validateRedis({ host: redis.host, port: redis.port }, { password: wrong });
    expect(result.ok).toBe(false);
    expect(result.reason).toMatch(/^password authentication failed for user "default" \(WRONGPASS/);
    expect(JSON.stringify(result)).not.toContain(wrong);
  });

  it("fails when the server requires a password and none is given", async () => {
    const result = await validateRedis({ host: redis.host, port: redis.port });
    expect(result.ok).toBe(false);
    expect(result.reason).toMatch(/^authentication required but no password was given \(NOAUTH/);
  });

  it("reports a closed port as connection refused", async () => {
    const port = await closedPort();
    const result = await validateRedis({ host: "127.0.0.1", port }, { password: redis.password });
    expect(result).toMatchObject({ ok: false, reason: "connection refused" });
  });

  it("times out on a server that accepts and never answers", async () => {
    const result = await validateRedis({ host: "127.0.0.1", port: silent.port }, { password: redis.password, timeoutMs: 500 });
    expect(result).toMatchObject({ ok: false, reason: "timed out after 500 ms" });
  });
});
