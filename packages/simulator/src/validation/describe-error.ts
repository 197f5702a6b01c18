import { timedOutReason } from "./result.js";

/**
 * Turns a socket-level error into a short human reason. Node sets `code` on system errors
 * (ECONNREFUSED, ...); fetch wraps them in `cause`; AggregateError (happy eyeballs, several
 * addresses for one name) carries them in `errors`.
 */
export function describeNetworkError(error: unknown, timeoutMs: number): string | undefined {
  const code = findErrorCode(error);
  switch (code) {
    case "ECONNREFUSED":
      return "connection refused";
    case "ECONNRESET":
      return "connection reset by peer";
    case "EPIPE":
      return "connection closed by peer";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "host not found";
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return "host unreachable";
    case "ETIMEDOUT":
      return timedOutReason(timeoutMs);
    case "EADDRNOTAVAIL":
      return "address not available";
    default:
      return undefined;
  }
}

export function findErrorCode(error: unknown, depth = 0): string | undefined {
  if (depth > 4 || typeof error !== "object" || error === null) return undefined;
  const withCode = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof withCode.code === "string" && /^E[A-Z_]+$/.test(withCode.code)) return withCode.code;
  if (Array.isArray(withCode.errors)) {
    for (const inner of withCode.errors) {
      const code = findErrorCode(inner, depth + 1);
      if (code) return code;
    }
  }
  return findErrorCode(withCode.cause, depth + 1);
}

export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
