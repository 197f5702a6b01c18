/**
 * Reading the figures people write in plan documents into the plan's YAML input notation.
 * The figures are kept as written where the YAML format accepts them ("1.15Gi", "600m", "1.45"),
 * so the YAML decoder, not the importer, does the Kubernetes quantity arithmetic once.
 */

const NUMBER = String.raw`(\d+(?:\.\d+)?|\.\d+)`;

/**
 * A memory quantity in Kubernetes notation: "128Mi", "1Gi", "1.15Gi", "512 MiB" -> "512Mi".
 * Binary suffixes keep their meaning; "MB"/"GB" become the decimal "M"/"G" (1e6/1e9 bytes),
 * which is what those words mean, even if the author may have thought in binary units.
 * A trailing "memory"/"RAM" word is allowed. Returns undefined if the text is not a quantity.
 */
export function parseMemory(text: string): string | undefined {
  const m = new RegExp(String.raw`^${NUMBER}\s*(Ki|Mi|Gi|Ti|Pi|Ei|k|K|M|G|T|P|E)?(iB|B)?(?:\s+(?:of\s+)?(?:memory|ram|mem))?$`, "i").exec(
    text.trim(),
  );
  if (!m) return undefined;
  const number = m[1] ?? "";
  let unit = m[2] ?? "";
  const byteWord = m[3] ?? "";
  // Case matters for Kubernetes suffixes ("m" is milli); accept only the spellings people mean.
  if (unit !== "") {
    const lower = unit.toLowerCase();
    const binary = lower.endsWith("i") || byteWord.toLowerCase() === "ib";
    const letter = lower[0] ?? "";
    if (binary) unit = `${letter === "k" ? "K" : letter.toUpperCase()}i`;
    else unit = letter === "k" ? "k" : letter.toUpperCase();
    // "128m" as memory is almost certainly a typo for Mi, not 0.128 bytes: refuse it.
    if (m[2] === "m") return undefined;
  } else if (byteWord !== "" && byteWord.toLowerCase() !== "b") {
    return undefined;
  }
  return `${number}${unit}`;
}

/**
 * A CPU quantity: "500m" -> "500m", "0.5" -> "0.5", "1.45 CPU cores" -> "1.45", "2 vCPU" -> "2",
 * "250 millicores" -> "250m". Returns undefined if the text is not one.
 */
export function parseCpu(text: string): string | undefined {
  const t = text.trim();
  const milli = new RegExp(String.raw`^${NUMBER}\s*(?:m|millicores?|millicpus?|mcpu)(?:\s+cpu)?$`, "i").exec(t);
  if (milli && !t.includes(".")) return `${milli[1]}m`;
  const cores = new RegExp(String.raw`^${NUMBER}(?:\s*(?:v?cpus?|cpu\s+cores?|cores?|vcores?))?$`, "i").exec(t);
  if (cores) return cores[1];
  return undefined;
}

/** "<50%", ">= 85 %", "50 percent" -> "50%". Returns the first percentage in the text. */
export function findPercent(text: string): string | undefined {
  const m = /(\d+(?:\.\d+)?)\s*(?:%|percent\b)/i.exec(text);
  return m ? `${m[1]}%` : undefined;
}

const DURATION_UNITS: Record<string, "s" | "m" | "h"> = {
  s: "s", sec: "s", secs: "s", second: "s", seconds: "s",
  m: "m", min: "m", mins: "m", minute: "m", minutes: "m",
  h: "h", hr: "h", hrs: "h", hour: "h", hours: "h",
};

/** "15-20 minutes" -> "15m-20m", "10 minutes" -> "10m", "1 to 2 hours" -> "1h-2h". */
export function parseExpectedDuration(text: string): string | undefined {
  const range = /(\d+(?:\.\d+)?)\s*(?:-|–|—|to)\s*(\d+(?:\.\d+)?)\s*([a-z]+)/i.exec(text);
  if (range) {
    const unit = DURATION_UNITS[(range[3] ?? "").toLowerCase()];
    if (unit) return `${range[1]}${unit}-${range[2]}${unit}`;
  }
  const single = /(\d+(?:\.\d+)?)\s*([a-z]+)/i.exec(text);
  if (single) {
    const unit = DURATION_UNITS[(single[2] ?? "").toLowerCase()];
    if (unit) return `${single[1]}${unit}`;
  }
  return undefined;
}

/** "500ms" -> "500ms", "0.5s" / "0.5 seconds" -> "500ms": latency thresholds in milliseconds. */
export function findLatency(text: string): string | undefined {
  const m = /(\d+(?:\.\d+)?)\s*(ms|milliseconds?|s|secs?|seconds?)\b/i.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = (m[2] ?? "").toLowerCase();
  const ms = unit === "ms" || unit.startsWith("milli") ? n : n * 1000;
  return `${Math.round(ms)}ms`;
}

/** A TCP port cell: "5432" -> 5432; "-", "" -> null (no port); anything else -> undefined. */
export function parsePort(text: string): number | null | undefined {
  const t = text.trim();
  if (/^(|-|–|—|n\/?a|none)$/i.test(t)) return null;
  if (!/^\d{1,5}$/.test(t)) return undefined;
  const n = Number(t);
  return n >= 1 && n <= 65535 ? n : undefined;
}

export interface ParsedDependencies {
  names: string[];
  /** Parts of the cell that are not service names. */
  unreadable: string[];
}

/** "None" -> [], "All services" -> ["*"], "postgresql, rabbitmq" -> both names. */
export function parseDependencies(text: string): ParsedDependencies {
  const t = text.trim();
  if (/^(|-|–|—|none|n\/?a|nothing)$/i.test(t)) return { names: [], unreadable: [] };
  if (/^(\*|all|all (other )?services|everything)$/i.test(t)) return { names: ["*"], unreadable: [] };
  const names: string[] = [];
  const unreadable: string[] = [];
  for (const part of t.split(/\s*(?:,|;|\band\b|&)\s*/i)) {
    const name = part.trim();
    if (name === "") continue;
    if (/^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$/i.test(name)) names.push(name);
    else unreadable.push(name);
  }
  return { names, unreadable };
}

/** The YAML input notation of a validation: "postgres" | "redis" | "rabbitmq" | {http: path}. */
export type RawValidation = "postgres" | "redis" | "rabbitmq" | { http: string };

/**
 * Reads a "Validation" cell. The rule, first match wins:
 *   - mentions database / postgres / SQL            -> postgres (pg_isready-style check)
 *   - mentions cache / redis                        -> redis (PING)
 *   - mentions queue / rabbitmq / AMQP              -> rabbitmq
 *   - contains a path ("/healthz", "GET /ready")    -> {http: that path}
 *   - mentions health / HTTP / endpoint             -> {http: /healthz} (what the apps serve)
 * Anything else is left out and reported as a note.
 */
export function parseValidation(text: string): RawValidation | undefined {
  const t = text.toLowerCase();
  if (/\b(database|postgres(ql)?|pg_isready|sql)\b/.test(t)) return "postgres";
  if (/\b(cache|redis)\b/.test(t)) return "redis";
  if (/\b(queue|rabbitmq|rabbit|amqp)\b/.test(t)) return "rabbitmq";
  const path = /(?:^|\s)(\/[A-Za-z0-9._~\-/]*)/.exec(text);
  if (path?.[1]) return { http: path[1] };
  if (/\b(health|healthz|http|endpoints?|readiness|ready)\b/.test(t)) return { http: "/healthz" };
  return undefined;
}

/**
 * Validation inferred from the service name when the table has no Validation column: only the
 * three infrastructure services whose check is not an HTTP endpoint. Everything else is left
 * without validation, so the checker's `missing-validation` warning stays visible.
 */
export function inferValidationFromName(name: string): RawValidation | undefined {
  const n = name.toLowerCase();
  if (n === "postgresql" || n === "postgres") return "postgres";
  if (n === "redis") return "redis";
  if (n === "rabbitmq") return "rabbitmq";
  return undefined;
}
