import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closedPort, startSilentServer, type RunningServer } from "../../test/services/test-servers.js";
import { validateTcp } from "./tcp.js";

describe("validateTcp", () => {
  let silent: RunningServer;
  beforeAll(async () => {
    silent = await startSilentServer();
  });
  afterAll(() => silent.close());

  it("passes when something listens, even a server that never speaks (all TCP can prove)", async () => {
    const result = await validateTcp({ host: "127.0.0.1", port: silent.port });
    expect(result).toEqual({ ok: true, protocol: "tcp", target: `127.0.0.1:${silent.port}`, durationMs: expect.any(Number) });
  });

  it("reports a closed port as connection refused", async () => {
    const port = await closedPort();
    const result = await validateTcp({ host: "127.0.0.1", port }, { timeoutMs: 1000 });
    expect(result).toMatchObject({ ok: false, protocol: "tcp", reason: "connection refused" });
  });

  it("formats IPv6 targets with brackets", async () => {
    const port = await closedPort();
    const result = await validateTcp({ host: "::1", port }, { timeoutMs: 1000 });
    expect(result.target).toBe(`[::1]:${port}`);
    expect(result.ok).toBe(false);
  });
});
