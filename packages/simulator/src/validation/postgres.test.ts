import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureLocalServices, missingServiceReason, type LocalServices } from "../../test/services/local-services.js";
import { closedPort, startSilentServer, type RunningServer } from "../../test/services/test-servers.js";
import { validatePostgres } from "./postgres.js";

const missing = missingServiceReason("postgres");
if (missing) console.warn(`skipping PostgreSQL validator tests: ${missing}`);

describe.skipIf(missing)("validatePostgres against a real PostgreSQL", () => {
  let pg: NonNullable<LocalServices["postgres"]>;
  let silent: RunningServer;
  beforeAll(async () => {
    pg = (await ensureLocalServices(["postgres"])).postgres!;
    silent = await startSilentServer();
  });
  afterAll(() => silent?.close());

  it("passes with the service's credentials (connect + SELECT 1)", async () => {
    const result = await validatePostgres(
      { host: pg.host, port: pg.port },
      { user: pg.user, password: pg.password, database: pg.database },
    );
    expect(result).toMatchObject({ ok: true, protocol: "postgres", target: `${pg.host}:${pg.port}` });
    expect(result.reason).toBeUndefined();
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
  });

  it("fails on a wrong password with PostgreSQL's reason and no password in it", async () => {
    const wrong = "definitely-not-the-password";
    const result = await validatePostgres({ host: pg.host, port: pg.port }, { user: pg.user, password: wrong, database: pg.database });
    expect(result.ok).toBe(false);
    expect(result.reason).toBe(`password authentication failed for user "${pg.user}"`);
    expect(JSON.stringify(result)).not.toContain(wrong);
  });

  it("fails for a role that does not exist", async () => {
    const result = await validatePostgres({ host: pg.host, port: pg.port }, { user: "app", password: "x", database: pg.database });
    expect(result.ok).toBe(false);
    // PostgreSQL answers a missing role like a wrong password (it does not reveal which roles exist).
    expect(result.reason).toBe('password authentication failed for user "app"');
  });

  it("fails for a database that does not exist", async () => {
    const result = await validatePostgres({ host: pg.host, port: pg.port }, { user: pg.user, password: pg.password, database: "nope" });
    expect(result).toMatchObject({ ok: false, reason: 'database "nope" does not exist' });
  });

  it("reports a closed port as connection refused", async () => {
    const port = await closedPort();
    const result = await validatePostgres({ host: "127.0.0.1", port }, { user: pg.user, password: pg.password });
    expect(result).toMatchObject({ ok: false, protocol: "postgres", target: `127.0.0.1:${port}`, reason: "connection refused" });
  });

  it("times out on a server that accepts and never answers", async () => {
    const result = await validatePostgres({ host: "127.0.0.1", port: silent.port }, { user: pg.user, password: pg.password, timeoutMs: 500 });
    expect(result).toMatchObject({ ok: false, reason: "timed out after 500 ms" });
    expect(result.durationMs).toBeGreaterThanOrEqual(450);
  });
});
