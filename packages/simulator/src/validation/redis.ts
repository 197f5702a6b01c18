import { Redis } from "ioredis";
import { CheckFailure, runCheck } from "./run-check.js";
import { timeoutOf } from "./result.js";
import type { CommonValidationOptions, ValidationResult, ValidationTarget } from "./result.js";

export interface RedisValidationOptions extends CommonValidationOptions {
  /** ACL user (Redis 6+); omit for the `default` user / `requirepass`. */
  username?: string;
  password?: string;
  /** Use TLS (rediss). Default false. */
  tls?: boolean;
}

/**
 * Proves Redis accepts these credentials and answers commands: connect, AUTH (when a password is
 * given), `PING` -> `PONG`, once, with no reconnects or retries, under one deadline. A curl to
 * the Redis port (what the old scripts did) can never pass: Redis does not speak HTTP.
 */
export async function validateRedis(
  target: ValidationTarget,
  options: RedisValidationOptions = {},
): Promise<ValidationResult> {
  const timeoutMs = timeoutOf(options);
  const client = new Redis({
    host: target.host,
    port: target.port,
    ...(options.username !== undefined ? { username: options.username } : {}),
    ...(options.password !== undefined ? { password: options.password } : {}),
    ...(options.tls ? { tls: {} } : {}),
    // One attempt only: a validator reports the state it finds, it does not wait it out.
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    reconnectOnError: () => false,
    enableOfflineQueue: false,
    enableReadyCheck: false,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
  });
  // ioredis reports the real cause (ECONNREFUSED, WRONGPASS from the AUTH it sends on connect) as
  // an 'error' event; the promises then reject with a generic "Connection is closed." or "Stream
  // isn't writeable". Keep the first event error and report it instead.
  let firstEventError: unknown;
  client.on("error", (error) => {
    firstEventError ??= error;
  });
  return runCheck({
    protocol: "redis",
    target,
    timeoutMs,
    secrets: [options.password],
    run: async () => {
      try {
        await client.connect();
        const reply = await client.ping();
        if (reply !== "PONG") throw new CheckFailure(`PING answered ${JSON.stringify(reply)} (expected PONG)`);
      } catch (error) {
        throw error instanceof CheckFailure ? error : (firstEventError ?? error);
      }
    },
    cleanup: () => client.disconnect(),
    explain: (error) => explainRedisError(error, options),
  });
}

function explainRedisError(error: unknown, options: RedisValidationOptions): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const message = error.message;
  const user = options.username ?? "default";
  if (/^WRONGPASS|invalid password|invalid username-password/i.test(message)) {
    return `password authentication failed for user "${user}" (${message})`;
  }
  if (/^NOAUTH/.test(message)) return `authentication required but no password was given (${message})`;
  if (/Command timed out/i.test(message)) return `timed out after ${timeoutOf(options)} ms`;
  if (/Connection is closed/i.test(message)) return "connection closed by server";
  return undefined;
}
