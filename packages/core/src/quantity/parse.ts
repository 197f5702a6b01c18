/**
 * parseQuantity: kubernetes/apimachinery `pkg/api/resource/quantity.go` ParseQuantity and its
 * scanner parseQuantityString, step for step, on bigints.
 *
 *   <quantity>     ::= <signedNumber><suffix>
 *   <number>       ::= <digits> | <digits>.<digits> | <digits>. | .<digits>
 *   <suffix>       ::= Ki | Mi | Gi | Ti | Pi | Ei | n | u | m | "" | k | M | G | T | P | E
 *                    | e<signedNumber> | E<signedNumber>
 *
 * The scanner is more lenient than the grammar, and so are we, since Kubernetes is: `.`, `-`,
 * `Gi`, `k`, `m`, `e3`, `1.` and `1.G` are all accepted (the bare ones as zero). What it refuses
 * we refuse: `1K`, `1gi`, `1KB`, `1e`, `1e3.5`, `1.1.M`, `1,000`, `0x10`, `""`, and any
 * surrounding whitespace (the API's JSON decoder trims before parsing; we do not, as upstream's
 * ParseQuantity does not).
 */
import { QuantityError } from "./errors.js";
import { Quantity } from "./quantity.js";
import { interpretSuffix, suffixHint, wrapInt32 } from "./suffix.js";

/** Upstream maxInt64Factors: decimal digits an int64 always holds. */
const MAX_INT64_FACTORS = 18;
/** Parsed values keep nano precision (Nano scale); finer non-zero values round away from zero. */
const NANO = -9;
/** Upstream caps BinarySI quantities, silently, at 2^63-1 ("8Ei" parses as 2^63-1). */
const MAX_BINARY_QUANTITY = new Quantity(2n ** 63n - 1n, 0, "BinarySI");

interface ScannedQuantity {
  positive: boolean;
  /** Sign, integer digits (leading zeros kept) and fraction: what upstream hands to inf.Dec. */
  value: string;
  /** Integer digits without leading zeros; "0" when there are none. */
  num: string;
  /** Fraction digits (may be empty). */
  denom: string;
  suffix: string;
}

const isDigit = (c: string | undefined) => c !== undefined && c >= "0" && c <= "9";
const SUFFIX_LETTERS = "eEinumkKMGTP";

/** parseQuantityString: returns undefined where upstream returns ErrFormatWrong. */
function scan(str: string): ScannedQuantity | undefined {
  let positive = true;
  let pos = 0;
  const end = str.length;
  if (pos < end) {
    if (str[0] === "-") {
      positive = false;
      pos++;
    } else if (str[0] === "+") {
      pos++;
    }
  }
  // Strip leading zeros; a string of only a sign and zeros is zero.
  for (;;) {
    if (pos >= end) return { positive, value: "0", num: "0", denom: "", suffix: "" };
    if (str[pos] !== "0") break;
    pos++;
  }
  const numStart = pos;
  while (pos < end && isDigit(str[pos])) pos++;
  let num = str.slice(numStart, pos);
  if (pos >= end) return { positive, value: str, num, denom: "", suffix: "" };
  if (num.length === 0) num = "0";

  let denom = "";
  if (str[pos] === ".") {
    pos++;
    const denomStart = pos;
    while (pos < end && isDigit(str[pos])) pos++;
    denom = str.slice(denomStart, pos);
    if (pos >= end) return { positive, value: str, num, denom, suffix: "" };
  }
  const value = str.slice(0, pos);

  const suffixStart = pos;
  while (pos < end && SUFFIX_LETTERS.includes(str[pos]!)) pos++;
  if (pos >= end) return { positive, value, num, denom, suffix: str.slice(suffixStart) };
  if (str[pos] === "-" || str[pos] === "+") pos++;
  while (pos < end && isDigit(str[pos])) pos++;
  if (pos >= end) return { positive, value, num, denom, suffix: str.slice(suffixStart) };
  return undefined;
}

function describeFormatError(str: string): string {
  if (str.length === 0) return "it is empty";
  if (/^\s|\s$/.test(str)) return "it has leading or trailing whitespace";
  const tail = /^[+-]?[0-9.]*([A-Za-z]+)$/.exec(str)?.[1];
  const hint = tail === undefined ? undefined : suffixHint(tail);
  if (hint) return `unknown suffix ${JSON.stringify(tail)}; ${hint}`;
  const bad = [...str].find((c) => !/[0-9.+\-eEinumkKMGTP]/.test(c));
  if (bad !== undefined) return `it contains ${JSON.stringify(bad)}; a quantity is a number with an optional suffix (e.g. 500m, 1.5, 2Gi, 256Mi, 1e3)`;
  return "it is not a number followed by one suffix (e.g. 500m, 1.5, 2Gi, 256Mi, 1e3)";
}

/**
 * Parse a Kubernetes quantity exactly as the API server does. Throws a QuantityError (message
 * `quantity: "<input>" is not a valid quantity: <why>`) for anything Kubernetes rejects.
 */
export function parseQuantity(text: string): Quantity {
  if (typeof text !== "string") {
    throw new QuantityError(String(text), "format", `expected a string, got ${typeof text}`);
  }
  if (text.length === 0) throw new QuantityError(text, "format", describeFormatError(text));
  if (text === "0") return new Quantity(0n, 0, "DecimalSI");

  const scanned = scan(text);
  if (!scanned) throw new QuantityError(text, "format", describeFormatError(text));
  const { positive, value, num, denom, suffix } = scanned;

  const meaning = interpretSuffix(suffix);
  if (!meaning) {
    const hint = /^[eE][+-]?$/.test(suffix) ? "an exponent needs an integer after it, e.g. 1e3 or 5e-3" : suffixHint(suffix);
    throw new QuantityError(text, "suffix", `unknown suffix ${JSON.stringify(suffix)}${hint ? `; ${hint}` : ""}`);
  }
  const { base, exponent } = meaning;
  let format = meaning.format;
  const digits = BigInt(num + denom);
  const signed = positive ? digits : -digits;

  // Upstream's int64 fast path. It gives the same value as the inf.Dec path below except in two
  // corners we must reproduce: its int32 exponent arithmetic wraps differently, and it accepts a
  // digitless number ("e-9", ".n") that inf.Dec would refuse.
  if (base === 10) {
    const precision = MAX_INT64_FACTORS - (num.length + denom.length);
    const scale = wrapInt32(exponent - denom.length);
    if (precision >= 0 && scale >= NANO) return new Quantity(signed, scale, format);
  } else if (denom.length === 0) {
    // Binary with a whole number: small enough here never to need the cap or a format change.
    const precision = 15 - num.length - (exponent * 3) / 10 - 1;
    if (precision >= 0) return new Quantity(signed * 2n ** BigInt(exponent), 0, format);
  }

  // The inf.Dec path: inf.Dec.SetString(value) needs at least one digit.
  if (!/[0-9]/.test(value)) {
    throw new QuantityError(text, "numeric", "its numeric part has no digits");
  }
  let mantissa: bigint;
  let exp10: number;
  if (base === 10) {
    // amount.SetScale(amount.Scale() + Scale(exponent).infScale()), both int32 upstream.
    exp10 = -wrapInt32(denom.length + wrapInt32(-exponent));
    mantissa = digits;
  } else {
    exp10 = -denom.length;
    mantissa = digits * 2n ** BigInt(exponent);
  }
  // Round non-zero values up (away from zero) to nano: "if you want some resources, you should
  // get some resources, even if you asked for way too small of an amount".
  if (mantissa !== 0n && exp10 < NANO) {
    mantissa = roundUpToNano(mantissa, NANO - exp10);
    exp10 = NANO;
  }
  let q = new Quantity(mantissa, exp10, format);
  if (format === "BinarySI") {
    if (q.cmp(MAX_BINARY_QUANTITY) > 0) q = MAX_BINARY_QUANTITY;
    // 0 < |amount| < 1 in BinarySI would round when printed: upstream switches to DecimalSI.
    if (!q.isZero() && q.decimal.exponent < 0 && digitsBeforePoint(q) === 0) format = "DecimalSI";
  }
  return new Quantity(positive ? q.decimal.mantissa : -q.decimal.mantissa, q.decimal.exponent, format);
}

/** ceil(mantissa / 10^down) for a non-negative mantissa (a positive one rounds up to at least 1). */
function roundUpToNano(mantissa: bigint, down: number): bigint {
  const length = mantissa.toString().length;
  if (down > length) return 1n;
  const p = 10n ** BigInt(down);
  return (mantissa + p - 1n) / p;
}

function digitsBeforePoint(q: Quantity): number {
  const { mantissa, exponent } = q.decimal;
  const length = (mantissa < 0n ? -mantissa : mantissa).toString().length;
  return Math.max(0, length + exponent);
}

/** parseQuantity, but undefined instead of an error. */
export function tryParseQuantity(text: string): Quantity | undefined {
  try {
    return parseQuantity(text);
  } catch (error) {
    if (error instanceof QuantityError) return undefined;
    throw error;
  }
}
