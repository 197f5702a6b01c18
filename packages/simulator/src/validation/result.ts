/**
 * What every protocol validator returns. A validator never throws for a failed check: the
 * failure is `ok: false` with a `reason` a person can act on ("connection refused",
 * "password authentication failed for user \"app\"", "timed out after 2000 ms").
 * Reasons never contain passwords.
 */
export type ValidationProtocol = "postgres" | "redis" | "rabbitmq" | "http" | "tcp" | "none";

export interface ValidationResult {
  ok: boolean;
  protocol: ValidationProtocol;
  /** "host:port" (IPv6 hosts in brackets). */
  target: string;
  /** Wall-clock time of the whole check, in milliseconds (rounded). */
  durationMs: number;
  reason?: string;
}

/** Where a validator connects. */
export interface ValidationTarget {
  host: string;
  port: number;
}

/** Options every validator takes. */
export interface CommonValidationOptions {
  /** Bound on the whole check (connect + handshake + query), in ms. Default 5000. */
  timeoutMs?: number;
}

export const DEFAULT_VALIDATION_TIMEOUT_MS = 5000;

export function formatTarget(target: ValidationTarget): string {
  return target.host.includes(":") ? `[${target.host}]:${target.port}` : `${target.host}:${target.port}`;
}

export function timeoutOf(options: CommonValidationOptions | undefined): number {
  const timeoutMs = options?.timeoutMs ?? DEFAULT_VALIDATION_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new RangeError(`validation: timeoutMs must be a positive number, got ${timeoutMs}`);
  }
  return timeoutMs;
}

export function timedOutReason(timeoutMs: number): string {
  return `timed out after ${timeoutMs} ms`;
}
