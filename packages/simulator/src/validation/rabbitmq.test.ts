import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureLocalServices, missingServiceReason, type LocalServices } from "../../test/services/local-services.js";
import { closedPort, startSilentServer, type RunningServer } from "../../test/services/test-servers.js";
import { validateRabbitmq } from "./rabbitmq.js";

const missing = missingServiceReason("rabbitmq");
if (missing) console.warn(`skipping RabbitMQ validator tests: ${missing}`);

describe.skipIf(missing)("validateRabbitmq against a real RabbitMQ", () => {
  let rabbit: NonNullable<LocalServices["rabbitmq"]>;
  let silent: RunningServer;
  beforeAll(async () => {
    rabbit = (await ensureLocalServices(["rabbitmq"])).rabbitmq!;
    silent = await startSilentServer();
  });
  afterAll(() => silent?.close());

  it("passes with the user and vhost (AMQP handshake + channel)", async () => {
    const result = await validateRabbitmq(
      { host: rabbit.host, port: rabbit.port },
      { username: rabbit.user, password: rabbit.password, vhost: rabbit.vhost },
    );
    expect(result).toMatchObject({ ok: true, protocol: "rabbitmq", target: `${rabbit.host}:${rabbit.port}` });
  });

  it("fails on a wrong password, without echoing it", async () => {
    const wrong = "wrong-amqp-password";
    const result = await validateRabbitmq(
      { host: rabbit.host, port: rabbit.port },
      { username: rabbit.user, password: wrong, vhost: rabbit.vhost },
    );
    expect(result).toMatchObject({ ok: false, reason: `login refused for user "${rabbit.user}" (wrong user or password)` });
    expect(JSON.stringify(result)).not.toContain(wrong);
  });

  it("fails for a vhost the user may not use", async () => {
    const result = await validateRabbitmq(
      { host: rabbit.host, port: rabbit.port },
      { username: rabbit.user, password: rabbit.password, vhost: "no-such-vhost" },
    );
    expect(result.ok).toBe(false);
    expect(result.reason).toBe(`vhost "no-such-vhost" not found or not allowed for user "${rabbit.user}"`);
  });

  it("reports a closed port as connection refused", async () => {
    const port = await closedPort();
    const result = await validateRabbitmq({ host: "127.0.0.1", port }, { username: rabbit.user, password: rabbit.password });
    expect(result).toMatchObject({ ok: false, reason: "connection refused" });
  });

  it("times out on a server that accepts and never answers", async () => {
    const result = await validateRabbitmq(
      { host: "127.0.0.1", port: silent.port },
      { username: rabbit.user, password: rabbit.password, timeoutMs: 500 },
    );
    expect(result).toMatchObject({ ok: false, reason: "timed out after 500 ms" });
  });
});
