import pg from "pg";
import { CheckFailure, runCheck } from "./run-check.js";
import { timedOutReason, timeoutOf } from "./result.js";
import type { CommonValidationOptions, ValidationResult, ValidationTarget } from "./result.js";

export interface PostgresValidationOptions extends CommonValidationOptions {
  user: string;
  password?: string;
  /** Default: "postgres". */
  database?: string;
  /** TLS as in node-postgres (`true` = verify against system CAs). Default: no TLS. */
  ssl?: boolean | { rejectUnauthorized?: boolean };
}

/**
 * Proves PostgreSQL accepts these credentials for this database and executes a statement:
 * connect (startup + authentication), then `SELECT 1`, under one deadline. Unlike `pg_isready`
 * (which only asks the postmaster whether it accepts connections, and answers "yes" during
 * startup from an init container's temporary server), this fails on a wrong password, a missing
 * database or role, or a server that cannot run queries.
 */
export async function validatePostgres(
  target: ValidationTarget,
  options: PostgresValidationOptions,
): Promise<ValidationResult> {
  const timeoutMs = timeoutOf(options);
  const client = new pg.Client({
    host: target.host,
    port: target.port,
    user: options.user,
    password: options.password ?? "",
    database: options.database ?? "postgres",
    ssl: options.ssl ?? false,
    connectionTimeoutMillis: timeoutMs,
    // Server-side bound on the statement, and client-side bound on waiting for its answer.
    statement_timeout: timeoutMs,
    query_timeout: timeoutMs,
    application_name: "opdeploy-validate",
  });
  // A connection dropped after the check must not surface as an unhandled 'error' event.
  client.on("error", () => {});
  return runCheck({
    protocol: "postgres",
    target,
    timeoutMs,
    secrets: [options.password],
    run: async () => {
      await client.connect();
      const result = await client.query<{ ok: number }>("SELECT 1 AS ok");
      if (result.rows[0]?.ok !== 1) throw new CheckFailure(`SELECT 1 returned ${JSON.stringify(result.rows)}`);
    },
    cleanup: () => client.end(),
    explain: (error) => explainPostgresError(error, timeoutMs),
  });
}

function explainPostgresError(error: unknown, timeoutMs: number): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const message = error.message;
  // node-postgres words its own deadlines like this (lib/client.js, lib/query.js).
  if (/timeout|timed out/i.test(message) && !("severity" in error)) return timedOutReason(timeoutMs);
  // Server errors (ErrorResponse) carry SQLSTATE and a message such as
  // `password authentication failed for user "app"` (28P01) or `database "x" does not exist`
  // (3D000): those messages are already what a person needs.
  if ("severity" in error && typeof (error as { code?: unknown }).code === "string") return message;
  if (/Connection terminated unexpectedly/i.test(message)) return "connection closed by server during startup";
  return undefined;
}
