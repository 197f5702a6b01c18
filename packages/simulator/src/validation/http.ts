import { CheckFailure, runCheck } from "./run-check.js";
import { timeoutOf } from "./result.js";
import type { CommonValidationOptions, ValidationResult, ValidationTarget } from "./result.js";

export interface HttpValidationOptions extends CommonValidationOptions {
  /** Request path, e.g. "/healthz". Default "/". */
  path?: string;
  /** Exact status expected. Default 200 (ignored when `accept2xx`). */
  expectStatus?: number;
  /** Accept any 2xx status instead of one exact status. */
  accept2xx?: boolean;
  /** Default "http". */
  scheme?: "http" | "https";
  /** Extra request headers (e.g. Host for an ingress). */
  headers?: Record<string, string>;
}

/**
 * Proves an HTTP endpoint answers GET `path` with the expected status within the deadline.
 * Redirects are not followed: a 302 to a login page is not a healthy health check. The body is
 * not read (health endpoints are judged by status, as Kubernetes httpGet probes are).
 */
export async function validateHttp(
  target: ValidationTarget,
  options: HttpValidationOptions = {},
): Promise<ValidationResult> {
  const timeoutMs = timeoutOf(options);
  const path = options.path ?? "/";
  if (!path.startsWith("/")) throw new RangeError(`validation: HTTP path must start with "/", got "${path}"`);
  const expected = options.expectStatus ?? 200;
  const host = target.host.includes(":") ? `[${target.host}]` : target.host;
  const url = `${options.scheme ?? "http"}://${host}:${target.port}${path}`;
  const abort = new AbortController();
  let body: ReadableStream | null = null;
  return runCheck({
    protocol: "http",
    target,
    timeoutMs,
    secrets: [],
    run: async () => {
      const response = await fetch(url, {
        method: "GET",
        redirect: "manual",
        headers: options.headers ?? {},
        signal: AbortSignal.any([abort.signal, AbortSignal.timeout(timeoutMs)]),
      });
      body = response.body;
      const passed = options.accept2xx ? response.status >= 200 && response.status < 300 : response.status === expected;
      if (!passed) {
        const wanted = options.accept2xx ? "2xx" : String(expected);
        throw new CheckFailure(`HTTP ${response.status} (expected ${wanted}) for GET ${path}`);
      }
    },
    cleanup: async () => {
      if (body) await (body as ReadableStream).cancel().catch(() => {});
      abort.abort();
    },
    explain: (error) => {
      if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
        return `timed out after ${timeoutMs} ms`;
      }
      return explainFetchCause(error);
    },
  });
}

/**
 * fetch rejects with a bare "fetch failed"; the cause says what happened. Socket errors with a
 * system code are left to the generic mapping (connection refused, host not found, ...).
 */
function explainFetchCause(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  if (!cause || typeof cause.message !== "string") return undefined;
  if (typeof cause.code === "string" && /^E[A-Z]+$/.test(cause.code)) return undefined;
  // undici: HPE_* parser errors (the port speaks another protocol, e.g. AMQP), UND_ERR_SOCKET
  // "other side closed" (the server hung up without an HTTP answer, e.g. PostgreSQL or Redis).
  if (typeof cause.code === "string" && cause.code.startsWith("HPE_")) {
    return `not an HTTP server (${cause.message})`;
  }
  if (cause.code === "UND_ERR_SOCKET") return `connection closed without an HTTP response (${cause.message})`;
  return `request failed: ${cause.message}`;
}
