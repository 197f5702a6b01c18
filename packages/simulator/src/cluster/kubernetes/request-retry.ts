/**
 * When and how long to wait before sending a Kubernetes API request again, after client-go's
 * REST client (k8s.io/client-go/rest/request.go `checkWait` / `retryAfterSeconds`,
 * rest/with_retry.go `IsNextRetry`, util/net `IsConnectionReset` / `IsProbableEOF`):
 *
 * - 429 Too Many Requests is retried for every method: API Priority and Fairness rejects the
 *   request before it is processed (https://kubernetes.io/docs/concepts/cluster-administration/flow-control/),
 *   and says how long to wait in Retry-After;
 * - 5xx answers and dropped connections (reset, refused, timed out, early EOF) are retried only
 *   for idempotent requests — GET, PUT, DELETE, and server-side apply, which sets the same fields
 *   to the same values however often it is sent. A POST may have been carried out before the
 *   connection dropped, so it is not sent twice;
 * - between attempts: the server's Retry-After when it gives one (seconds or an HTTP date,
 *   RFC 9110 §10.2.3, capped), else exponential back-off with jitter so many clients do not
 *   come back in step; a bounded number of attempts in all.
 */

export interface RetryPolicy {
  /** Attempts in all, the first included (1 = never retry). */
  attempts: number;
  /** Back-off before the second attempt; doubles after each (ms). */
  baseMs: number;
  /** Largest back-off (ms). */
  maxMs: number;
  /** Largest wait a Retry-After header may ask for (ms); longer answers are capped. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseMs: 250, maxMs: 8_000, maxRetryAfterMs: 60_000 };

/** Error codes of a connection that failed or dropped before a complete answer arrived. */
const TRANSIENT_NETWORK_CODES = new Set(["ECONNRESET", "ECONNREFUSED", "ECONNABORTED", "EPIPE", "ETIMEDOUT", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH", "UND_ERR_SOCKET"]);

/** The failure of one attempt, as far as retrying is concerned. */
export type AttemptOutcome = { status: number; retryAfter?: string | undefined } | { networkCode: string };

export function isTransientNetworkCode(code: string | undefined): boolean {
  return code !== undefined && TRANSIENT_NETWORK_CODES.has(code);
}

/** Whether this outcome may be retried (the attempt budget is checked by the caller). */
export function retryable(outcome: AttemptOutcome, idempotent: boolean): boolean {
  if ("networkCode" in outcome) {
    // A refused connection never reached the server: safe for any method.
    if (outcome.networkCode === "ECONNREFUSED") return true;
    return idempotent && isTransientNetworkCode(outcome.networkCode);
  }
  if (outcome.status === 429) return true;
  return idempotent && outcome.status >= 500 && outcome.status <= 599 && outcome.status !== 501;
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | undefined, nowMs: number = Date.now()): number | undefined {
  if (header === undefined || header.trim() === "") return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/**
 * Milliseconds to wait before attempt `attempt + 1` (attempt counts from 1). Retry-After wins
 * (capped); else base·2^(attempt-1), capped, scaled by a random factor in [0.5, 1).
 */
export function retryDelayMs(policy: RetryPolicy, attempt: number, outcome: AttemptOutcome, random: () => number = Math.random): number {
  const asked = "status" in outcome ? retryAfterMs(outcome.retryAfter) : undefined;
  if (asked !== undefined) return Math.min(asked, policy.maxRetryAfterMs);
  const exponential = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exponential * (0.5 + random() / 2));
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
