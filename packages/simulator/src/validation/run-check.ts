import { describeNetworkError, messageOf } from "./describe-error.js";
import { redactSecrets } from "./redact.js";
import { formatTarget, timedOutReason } from "./result.js";
import type { ValidationProtocol, ValidationResult, ValidationTarget } from "./result.js";

/** Thrown inside a check to fail it with this exact reason. */
export class CheckFailure extends Error {}

export interface CheckSpec {
  protocol: ValidationProtocol;
  target: ValidationTarget;
  timeoutMs: number;
  /** Secrets that must not appear in the reason. */
  secrets: ReadonlyArray<string | undefined>;
  /** The check itself; resolves when the service answered correctly. */
  run: () => Promise<void>;
  /** Releases sockets/clients; called once, after success, failure or the deadline. */
  cleanup: () => void | Promise<void>;
  /** Protocol-specific reason for an error, or undefined for the generic mapping. */
  explain?: (error: unknown) => string | undefined;
}

/**
 * Runs one check under a hard deadline (drivers' own timeouts do not cover every phase, e.g. a
 * server that accepts the TCP connection and never speaks) and turns the outcome into a
 * ValidationResult. Never rejects.
 */
export async function runCheck(spec: CheckSpec): Promise<ValidationResult> {
  const started = performance.now();
  const target = formatTarget(spec.target);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), spec.timeoutMs);
  });
  let reason: string | undefined;
  try {
    const outcome = await Promise.race([spec.run().then(() => "done" as const), deadline]);
    if (outcome === "timeout") reason = timedOutReason(spec.timeoutMs);
  } catch (error) {
    reason =
      error instanceof CheckFailure
        ? error.message
        : (spec.explain?.(error) ?? describeNetworkError(error, spec.timeoutMs) ?? messageOf(error));
  } finally {
    clearTimeout(timer);
    await boundedCleanup(spec.cleanup);
  }
  const durationMs = Math.round(performance.now() - started);
  const result: ValidationResult = { ok: reason === undefined, protocol: spec.protocol, target, durationMs };
  if (reason !== undefined) result.reason = redactSecrets(reason, spec.secrets);
  return result;
}

/** Cleanup gets at most this long: a graceful close on a silent server would otherwise hang. */
const CLEANUP_BUDGET_MS = 1000;

async function boundedCleanup(cleanup: () => void | Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      Promise.resolve().then(cleanup),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, CLEANUP_BUDGET_MS);
        timer.unref();
      }),
    ]);
  } catch {
    // Closing a half-open client can fail; the check's outcome is already decided.
  } finally {
    clearTimeout(timer);
  }
}
