/**
 * A Kubernetes resource quantity, after kubernetes/apimachinery `pkg/api/resource/quantity.go`
 * and `amount.go`: an exact decimal number (never a float) plus the format it was written in,
 * which decides how it prints.
 *
 * Internally `value = mantissa × 10^exponent` with bigint mantissa, trailing zeros moved into the
 * exponent. Parsing rounds to nano (10^-9) precision, so the exponent of a parsed quantity is
 * always >= -9; arithmetic keeps that.
 *
 * Where we differ from upstream, on purpose:
 * - Value()/MilliValue() return int64 upstream and silently overflow past 2^63; ours return exact
 *   bigints (and `valueNumber()` / `milliValueNumber()` refuse what a JS number cannot hold).
 * - Upstream String() caches the input text when a cheap test calls it canonical, so "+1", "01"
 *   and "1.500" print back as written; `toString()` here always computes the canonical form
 *   (CanonicalizeBytes), which is what those print as once the cache is cleared.
 * - A BinarySI value of 1024Ei or more (reachable only through add) prints upstream with its
 *   suffix dropped; ours stays an exact `<n>Ei`.
 */
import { QuantityError } from "./errors.js";
import { BINARY_SUFFIX_BY_POWER, decimalSuffixFor } from "./suffix.js";

/**
 * How a {@link Quantity} prints: binary suffixes, decimal suffixes or an exponent, as in
 * apimachinery.
 */
export type QuantityFormat = "BinarySI" | "DecimalSI" | "DecimalExponent";

/**
 * Exact arithmetic that would need to write out more than this many decimal digits (e.g. adding
 * `1e200000` to `1`, both valid quantities) throws a QuantityError of kind "range" instead of
 * exhausting memory. Nothing a cluster can hold comes near it.
 */
export const MAX_EXPANSION_DIGITS = 100_000;

function pow10(n: number, what: () => string): bigint {
  if (n > MAX_EXPANSION_DIGITS) {
    throw new QuantityError(what(), "range", `needs more than ${MAX_EXPANSION_DIGITS} digits written out`);
  }
  return 10n ** BigInt(n);
}

function abs(n: bigint): bigint {
  return n < 0n ? -n : n;
}

function digitCount(n: bigint): number {
  return n === 0n ? 0 : abs(n).toString().length;
}

/** Divide by 10^down and round away from zero, as inf.RoundUp / int64Amount.AsScale do. */
export function divideAwayFromZero(mantissa: bigint, down: number): bigint {
  if (mantissa === 0n || down <= 0) return mantissa * 10n ** BigInt(Math.max(0, -down));
  if (down > digitCount(mantissa)) return mantissa > 0n ? 1n : -1n;
  const p = 10n ** BigInt(down);
  const q = mantissa / p;
  if (mantissa % p === 0n) return q;
  return mantissa > 0n ? q + 1n : q - 1n;
}

/**
 * A Kubernetes resource quantity ("128Mi", "250m", "1e3"), exact, with the API server's arithmetic
 * and canonical printing (k8s.io/apimachinery resource.Quantity).
 */
export class Quantity {
  readonly #mantissa: bigint;
  readonly #exponent: number;
  /** How the quantity prints: "BinarySI" (Ki, Mi, …), "DecimalSI" (m, k, M, …) or "DecimalExponent" (e3). */
  readonly format: QuantityFormat;

  /**
   * The quantity `mantissa × 10^exponent` in `format`. Prefer parseQuantity, quantityFromBytes
   * or quantityFromMillis; this is for code that already holds an exact decimal.
   */
  constructor(mantissa: bigint, exponent: number, format: QuantityFormat) {
    if (!Number.isSafeInteger(exponent)) {
      throw new QuantityError(`${mantissa}e${exponent}`, "range", "the exponent must be a safe integer");
    }
    if (mantissa === 0n) {
      exponent = 0;
    } else if (mantissa % 10n === 0n) {
      // Move trailing zeros into the exponent; via the digits, so a long mantissa costs O(n).
      const digits = mantissa.toString();
      const trailingZeros = digits.length - digits.replace(/0+$/, "").length;
      mantissa = BigInt(digits.slice(0, digits.length - trailingZeros));
      exponent += trailingZeros;
    }
    this.#mantissa = mantissa;
    this.#exponent = exponent;
    this.format = format;
  }

  /** The exact value as `mantissa × 10^exponent` (mantissa has no trailing zeros; zero is 0 × 10^0). */
  get decimal(): { mantissa: bigint; exponent: number } {
    return { mantissa: this.#mantissa, exponent: this.#exponent };
  }

  isZero(): boolean {
    return this.#mantissa === 0n;
  }

  /** -1, 0 or 1. */
  sign(): -1 | 0 | 1 {
    return this.#mantissa === 0n ? 0 : this.#mantissa > 0n ? 1 : -1;
  }

  /** -1, 0 or 1 as this is less than, equal to or greater than `other` (formats are ignored). */
  cmp(other: Quantity): -1 | 0 | 1 {
    const a = this.sign();
    const b = other.sign();
    if (a !== b) return a > b ? 1 : -1;
    if (a === 0) return 0;
    // Same sign: the order of magnitude decides unless equal, as cmpDec does upstream; only then
    // align the two mantissas (their exponents then differ by at most their digit counts).
    const magnitudeA = digitCount(this.#mantissa) + this.#exponent;
    const magnitudeB = digitCount(other.#mantissa) + other.#exponent;
    if (magnitudeA !== magnitudeB) return (magnitudeA > magnitudeB ? a : -a) as -1 | 1;
    const e = Math.min(this.#exponent, other.#exponent);
    const x = this.#mantissa * 10n ** BigInt(this.#exponent - e);
    const y = other.#mantissa * 10n ** BigInt(other.#exponent - e);
    return x === y ? 0 : x > y ? 1 : -1;
  }

  equals(other: Quantity): boolean {
    return this.cmp(other) === 0;
  }

  /**
   * The exact sum. As Quantity.Add upstream: the result keeps this quantity's format, unless this
   * is zero, in which case it takes `other`'s.
   */
  add(other: Quantity): Quantity {
    const format = this.isZero() ? other.format : this.format;
    if (other.isZero()) return new Quantity(this.#mantissa, this.#exponent, format);
    if (this.isZero()) return new Quantity(other.#mantissa, other.#exponent, format);
    const e = Math.min(this.#exponent, other.#exponent);
    const what = () => `${this.toString()} + ${other.toString()}`;
    const x = this.#mantissa * pow10(this.#exponent - e, what);
    const y = other.#mantissa * pow10(other.#exponent - e, what);
    return new Quantity(x + y, e, format);
  }

  /** The exact difference; format as Quantity.Sub upstream (zero minus y takes y's format). */
  sub(other: Quantity): Quantity {
    const format = this.isZero() ? other.format : this.format;
    return new Quantity(this.#mantissa, this.#exponent, format).add(other.neg().withFormat(format));
  }

  neg(): Quantity {
    return new Quantity(-this.#mantissa, this.#exponent, this.format);
  }

  /** The same value, printed in another format. */
  withFormat(format: QuantityFormat): Quantity {
    return new Quantity(this.#mantissa, this.#exponent, format);
  }

  /**
   * ceil(q / 10^scale), rounded away from zero (ScaledValue upstream): scaledValue(-3) is the
   * milli value. Exact, never overflows.
   */
  scaledValue(scale: number): bigint {
    if (this.#mantissa === 0n) return 0n;
    const shift = this.#exponent - scale;
    if (shift >= 0) return this.#mantissa * pow10(shift, () => this.toString());
    return divideAwayFromZero(this.#mantissa, -shift);
  }

  /**
   * This value rounded up, away from zero, to a multiple of 10^scale (RoundUp upstream, as API
   * defaulting applies with scale -3 to every resource list: SetDefaults_ResourceList).
   */
  roundUp(scale: number): Quantity {
    if (this.#exponent >= scale) return this;
    return new Quantity(this.scaledValue(scale), scale, this.format);
  }

  /** The value rounded up away from zero to a whole number (Value upstream): `3m` → 1, `-3m` → -1. */
  value(): bigint {
    return this.scaledValue(0);
  }

  /** ceil(q × 1000), rounded away from zero (MilliValue upstream): `1n` → 1. */
  milliValue(): bigint {
    return this.scaledValue(-3);
  }

  /** value() as a number; throws a QuantityError when it is not a safe integer. */
  valueNumber(): number {
    return toSafeNumber(this.value(), this);
  }

  /** milliValue() as a number; throws a QuantityError when it is not a safe integer. */
  milliValueNumber(): number {
    return toSafeNumber(this.milliValue(), this);
  }

  /**
   * The canonical form (CanonicalizeBytes upstream): the largest suffix that keeps the mantissa a
   * whole number. Decimal: `1.5` → `1500m`, `1000` → `1k`, `1e19` → `10e18`. Binary: whole values
   * of 1024 or more take the largest power of 1024 that divides them (`1.5Gi` → `1536Mi`);
   * smaller or fractional ones print as DecimalSI (`1.1Ki` → `1126400m`). Zero is `0`.
   */
  toString(): string {
    if (this.#mantissa === 0n) return "0";
    let format = this.format;
    if (format === "BinarySI") {
      const small = this.#exponent <= 3 && abs(this.#mantissa) * 10n ** BigInt(Math.max(0, this.#exponent)) < 1024n;
      // Normalized: a negative exponent means a fractional value, which BinarySI would round.
      if (small || this.#exponent < 0) format = "DecimalSI";
    }
    if (format !== "BinarySI") {
      // Lower the exponent to a multiple of 3 (amount.go AsCanonicalBytes).
      const down = ((this.#exponent % 3) + 3) % 3;
      const mantissa = this.#mantissa * 10n ** BigInt(down);
      return `${mantissa}${decimalSuffixFor(this.#exponent - down, format)}`;
    }
    let whole = this.#mantissa * pow10(this.#exponent, () => `${this.#mantissa}e${this.#exponent}`);
    let power = 0;
    while (power < BINARY_SUFFIX_BY_POWER.length - 1 && whole % 1024n === 0n) {
      whole /= 1024n;
      power += 1;
    }
    return `${whole}${BINARY_SUFFIX_BY_POWER[power]}`;
  }

  /** JSON carries the canonical string, as the Kubernetes API does. */
  toJSON(): string {
    return this.toString();
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `Quantity(${this.toString()}, ${this.format})`;
  }
}

function toSafeNumber(n: bigint, q: Quantity): number {
  if (n > BigInt(Number.MAX_SAFE_INTEGER) || n < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new QuantityError(q.toString(), "range", `${n} is beyond what a JavaScript number holds exactly`);
  }
  return Number(n);
}

function toBigInt(n: number | bigint, what: string): bigint {
  if (typeof n === "bigint") return n;
  if (!Number.isSafeInteger(n)) {
    throw new QuantityError(String(n), "format", `${what} must be a safe integer`);
  }
  return BigInt(n);
}

/**
 * A whole number of bytes as a BinarySI quantity (NewQuantity(n, BinarySI)): 2^30 prints `1Gi`,
 * 1536 prints `1536` (not a multiple of 1024: binary prints it whole), 1000 prints `1k` (below
 * 1024 binary values print as DecimalSI).
 */
export function quantityFromBytes(bytes: number | bigint): Quantity {
  return new Quantity(toBigInt(bytes, "a byte count"), 0, "BinarySI");
}

/** Millicores (or any milli-unit) as a DecimalSI quantity (NewMilliQuantity(n, DecimalSI)): 1500 → `1500m`, 2000 → `2`. */
export function quantityFromMillis(millis: number | bigint): Quantity {
  return new Quantity(toBigInt(millis, "a milli value"), -3, "DecimalSI");
}
