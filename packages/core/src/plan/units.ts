/**
 * Figures as plan authors write them — Kubernetes quantities, percentages, durations — turned into
 * the model's units (bytes, millicores, percent 0–100, seconds or milliseconds). Each parser returns
 * either a value or the reason it could not, so the schema can report every bad figure at once.
 */
import { QuantityError, parseQuantity, type Quantity } from "../quantity/index.js";

/** The result of a parse that does not throw: the value, or the reason it was refused. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(reason: string): Parsed<T> => ({ ok: false, reason });

/** How a number prints in a message: YAML numbers like 0.5 stay 0.5, strings keep their quotes. */
function shown(raw: string | number): string {
  return typeof raw === "string" ? JSON.stringify(raw) : String(raw);
}

/**
 * A memory (bytes) or CPU (millicores) amount. Uses Kubernetes rounding: Quantity.value() and
 * milliValue() round up, away from zero (apimachinery pkg/api/resource/quantity.go), so `0.1m` CPU
 * is 1 millicore and `1.15Gi` is 1234803098 bytes. Bare numbers are read as the same quantity
 * written without a suffix (`cpu: 0.5` = 500m, `memory: 1024` = 1024 bytes).
 */
export function parseResourceAmount(raw: string | number, resource: "memory" | "cpu"): Parsed<number> {
  // Plans repeat a few figures ("64Mi", "100m") across thousands of services: each distinct one
  // is parsed once (a 100,000-service plan allocated ~300 MB parsing the same strings again).
  const key = `${resource}${typeof raw === "number" ? "#" : ":"}${raw}`;
  const cached = amountCache.get(key);
  if (cached !== undefined) return cached;
  const parsed = Object.freeze(parseResourceAmountOnce(raw, resource));
  if (amountCache.size >= AMOUNT_CACHE_SIZE) amountCache.clear();
  amountCache.set(key, parsed);
  return parsed;
}

const AMOUNT_CACHE_SIZE = 4096;
const amountCache = new Map<string, Parsed<number>>();

function parseResourceAmountOnce(raw: string | number, resource: "memory" | "cpu"): Parsed<number> {
  if (typeof raw === "number" && !Number.isFinite(raw)) {
    return fail(`${shown(raw)} is not a ${resource} quantity: it must be a finite number`);
  }
  const text = typeof raw === "number" ? String(raw) : raw;
  let amount: bigint;
  try {
    const quantity = parseQuantity(text);
    if (resource === "memory") {
      const unusable = unusableMemory(text, quantity);
      if (unusable !== undefined) return fail(unusable);
    }
    amount = resource === "memory" ? quantity.value() : quantity.milliValue();
  } catch (error) {
    const reason = error instanceof QuantityError ? error.reason : error instanceof Error ? error.message : String(error);
    return fail(`${shown(raw)} is not a valid ${resource} quantity: ${reason}`);
  }
  if (amount < 0n) return fail(`${resource} must not be negative, got ${shown(raw)}`);
  if (amount > BigInt(Number.MAX_SAFE_INTEGER)) {
    const unit = resource === "memory" ? "bytes" : "millicores";
    return fail(`${shown(raw)} is too large: ${amount} ${unit} is above 2^53 - 1`);
  }
  return ok(Number(amount));
}

/**
 * Memory quantities Kubernetes accepts but rounds into something else: `m` is milli, so `128m`
 * is 0.128 bytes, which Quantity.value() rounds up to 1 byte (apimachinery
 * pkg/api/resource/quantity.go) — almost always a slip for `128Mi`. Anything between 0 and 1 byte
 * is likewise rounded to 1 byte and cannot be what was meant.
 */
function unusableMemory(text: string, quantity: Quantity): string | undefined {
  const milli = /^\s*([+]?(?:\d+(?:\.\d*)?|\.\d+))m\s*$/.exec(text);
  if (milli && quantity.sign() !== 0) {
    return `${JSON.stringify(text)} is ${milli[1]} thousandths of a byte (\`m\` means milli, and Kubernetes rounds it up to whole bytes); did you mean ${milli[1]}Mi?`;
  }
  if (quantity.sign() > 0 && quantity.cmp(ONE_BYTE) < 0) {
    return `${JSON.stringify(text)} is less than 1 byte (Kubernetes would round it up to 1 byte); write memory in bytes or with Ki, Mi, Gi`;
  }
  return undefined;
}

const ONE_BYTE = parseQuantity("1");

const PERCENT = /^\s*(\d+(?:\.\d*)?|\.\d+)\s*%\s*$/;

/** `50%` or a bare number of percent (`50`), between 0 and 100. */
export function parsePercent(raw: string | number): Parsed<number> {
  let value: number;
  if (typeof raw === "number") {
    value = raw;
  } else {
    const match = PERCENT.exec(raw);
    if (!match) return fail(`${shown(raw)} is not a percentage: write it like 50% or 50`);
    value = Number(match[1]);
  }
  if (!Number.isFinite(value) || value < 0 || value > 100) {
    return fail(`${shown(raw)} is out of range: a percentage is between 0% and 100%`);
  }
  return ok(value);
}

const DURATION_UNITS_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
const DURATION = /^(?:\d+(?:\.\d*)?|\.\d+)(?:ms|s|m|h)(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ms|s|m|h))*$/;
const DURATION_PART = /(\d+(?:\.\d*)?|\.\d+)(ms|s|m|h)/g;

/** Milliseconds in a duration string such as `500ms`, `15s`, `10m`, `1h` or `1m30s`. */
function durationStringMs(text: string): number | undefined {
  const compact = text.trim();
  if (!DURATION.test(compact)) return undefined;
  let total = 0;
  for (const [, amount, unit] of compact.matchAll(DURATION_PART)) {
    total += Number(amount) * DURATION_UNITS_MS[unit as keyof typeof DURATION_UNITS_MS];
  }
  return total;
}

/**
 * A duration in `unit` (the model keeps seconds, and milliseconds for latency). A bare number is
 * already in that unit. The result must be whole: the simulator's clock and the rollback timers
 * count in whole seconds (milliseconds for latency), and rounding silently would change the plan.
 */
export function parseDuration(raw: string | number, unit: "s" | "ms"): Parsed<number> {
  const unitName = unit === "s" ? "seconds" : "milliseconds";
  let value: number;
  if (typeof raw === "number") {
    value = raw;
  } else {
    const ms = durationStringMs(raw);
    if (ms === undefined) {
      return fail(`${shown(raw)} is not a duration: write it like 500ms, 15s, 10m, 1h or a number of ${unitName}`);
    }
    value = unit === "s" ? ms / 1000 : ms;
  }
  if (!Number.isFinite(value) || value < 0) return fail(`${shown(raw)} must be a duration of 0 or more`);
  if (!Number.isInteger(value)) return fail(`${shown(raw)} is not a whole number of ${unitName}`);
  if (value > Number.MAX_SAFE_INTEGER) return fail(`${shown(raw)} is too long`);
  return ok(value);
}

/**
 * How long a phase is expected to take, in seconds: `15m-20m`, `15-20m` (the unit after the second
 * figure applies to both), a single duration `15m` (min = max) or a number of seconds.
 */
export function parseDurationRange(raw: string | number): Parsed<[number, number]> {
  if (typeof raw === "number") {
    const single = parseDuration(raw, "s");
    return single.ok ? ok([single.value, single.value]) : single;
  }
  const parts = raw.split("-").map((part) => part.trim());
  if (parts.length === 1) {
    const single = parseDuration(raw, "s");
    return single.ok ? ok([single.value, single.value]) : single;
  }
  const hint = `write it like 15m-20m, 15-20m or 15m`;
  if (parts.length !== 2 || !parts[0] || !parts[1]) return fail(`${shown(raw)} is not a duration range: ${hint}`);
  let [low, high] = parts as [string, string];
  if (/^(?:\d+(?:\.\d*)?|\.\d+)$/.test(low)) {
    const unit = /(ms|s|m|h)$/.exec(high);
    if (unit) low += unit[1];
  }
  const min = parseDuration(low, "s");
  const max = parseDuration(high, "s");
  if (!min.ok || !max.ok) return fail(`${shown(raw)} is not a duration range: ${hint}`);
  if (min.value > max.value) return fail(`${shown(raw)} starts after it ends: the first figure must not exceed the second`);
  return ok([min.value, max.value]);
}
