/**
 * Quantity suffixes, as kubernetes/apimachinery `pkg/api/resource/suffix.go` reads and writes them.
 * Suffixes are case-sensitive: `k` is 10^3 but `K` is refused, `Ki` is 2^10 but `ki` is refused.
 */
import type { QuantityFormat } from "./quantity.js";

export interface SuffixMeaning {
  base: 2 | 10;
  /** Power of `base`: Mi is (2, 20), m is (10, -3), e6 is (10, 6). */
  exponent: number;
  format: QuantityFormat;
}

const DECIMAL_SUFFIXES: Readonly<Record<string, number>> = {
  n: -9,
  u: -6,
  m: -3,
  "": 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};

const BINARY_SUFFIXES: Readonly<Record<string, number>> = {
  Ki: 10,
  Mi: 20,
  Gi: 30,
  Ti: 40,
  Pi: 50,
  Ei: 60,
};

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Go's `int32(x)`: keep the low 32 bits, two's complement. Kubernetes truncates exponents so. */
export function wrapInt32(x: number | bigint): number {
  return Number(BigInt.asIntN(32, BigInt(x)));
}

/**
 * suffixHandler.interpret: the table suffixes first, then `e<int>` / `E<int>` where the integer
 * is what Go's strconv.ParseInt(s, 10, 64) accepts, truncated to int32 as upstream does.
 * Returns undefined when Kubernetes answers ErrSuffix.
 */
export function interpretSuffix(suffix: string): SuffixMeaning | undefined {
  if (Object.hasOwn(DECIMAL_SUFFIXES, suffix)) {
    return { base: 10, exponent: DECIMAL_SUFFIXES[suffix]!, format: "DecimalSI" };
  }
  if (Object.hasOwn(BINARY_SUFFIXES, suffix)) {
    return { base: 2, exponent: BINARY_SUFFIXES[suffix]!, format: "BinarySI" };
  }
  if (suffix.length > 1 && (suffix[0] === "e" || suffix[0] === "E")) {
    const digits = suffix.slice(1);
    if (!/^[+-]?[0-9]+$/.test(digits)) return undefined;
    const parsed = BigInt(digits);
    if (parsed < INT64_MIN || parsed > INT64_MAX) return undefined;
    return { base: 10, exponent: wrapInt32(parsed), format: "DecimalExponent" };
  }
  return undefined;
}

/**
 * The suffix a canonical decimal value prints with (suffixHandler.constructBytes). DecimalSI has
 * names only for 10^-9 … 10^18; beyond them upstream falls back to an `e` exponent rather than
 * dropping it (quantity.go CanonicalizeBytes), and so do we.
 */
export function decimalSuffixFor(exponent: number, format: "DecimalSI" | "DecimalExponent"): string {
  if (format === "DecimalSI") {
    for (const [name, e] of Object.entries(DECIMAL_SUFFIXES)) {
      if (e === exponent) return name;
    }
  }
  return exponent === 0 ? "" : `e${exponent}`;
}

/** Binary suffixes by power of 1024: index 0 is no suffix, 1 is Ki … 6 is Ei. */
export const BINARY_SUFFIX_BY_POWER: readonly string[] = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];

/**
 * A hint for a suffix Kubernetes refuses but people often write (`K`, `KB`, `gi`, `Gib`, `mi`):
 * not a Kubernetes rule, only help for the error message.
 */
export function suffixHint(suffix: string): string | undefined {
  const lower = suffix.toLowerCase().replace(/b$/, "");
  if (lower === "") return undefined;
  const decimal = Object.keys(DECIMAL_SUFFIXES).find((s) => s !== "" && s.toLowerCase() === lower);
  const binary = Object.keys(BINARY_SUFFIXES).find((s) => s.toLowerCase() === lower || s[0]!.toLowerCase() === lower);
  const options: string[] = [];
  if (binary) options.push(`"${binary}" (2^${BINARY_SUFFIXES[binary]})`);
  if (decimal && lower !== "m") options.push(`"${decimal}" (10^${DECIMAL_SUFFIXES[decimal]})`);
  if (lower === "m") options.push(`"M" (10^6)`, `"m" (10^-3, milli)`);
  if (options.length === 0) return undefined;
  return `suffixes are case-sensitive and have no "B"; did you mean ${options.join(" or ")}?`;
}
