/**
 * Property tests for the quantity math: round trips, totality of the parser, exact arithmetic and
 * the Kubernetes rounding rules (value and milliValue round up, away from zero).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Quantity, QuantityError, parseQuantity, type QuantityFormat } from "./index.js";

const MAX_BINARY = 2n ** 63n - 1n;
const formats: QuantityFormat[] = ["BinarySI", "DecimalSI", "DecimalExponent"];

/** Any quantity a parse can produce: nano precision; binary ones within the 2^63-1 cap. */
const quantityArb: fc.Arbitrary<Quantity> = fc
  .record({
    mantissa: fc.bigInt({ min: -(10n ** 24n), max: 10n ** 24n }),
    exponent: fc.integer({ min: -9, max: 24 }),
    format: fc.constantFrom(...formats),
  })
  .map(({ mantissa, exponent, format }) => new Quantity(mantissa, exponent, format))
  .filter((q) => q.format !== "BinarySI" || (q.value() <= MAX_BINARY && q.value() >= -MAX_BINARY));

/** Sums of these stay comfortably exact; used for the algebraic laws. */
const smallQuantityArb = fc
  .record({
    mantissa: fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }),
    exponent: fc.integer({ min: -9, max: 12 }),
    format: fc.constantFrom(...formats),
  })
  .map(({ mantissa, exponent, format }) => new Quantity(mantissa, exponent, format));

describe("round trip", () => {
  it("parse(toString(q)) equals q, with the same value and milliValue", () => {
    fc.assert(
      fc.property(quantityArb, (q) => {
        const text = q.toString();
        const back = parseQuantity(text);
        expect(back.cmp(q)).toBe(0);
        expect(back.milliValue()).toBe(q.milliValue());
        expect(back.value()).toBe(q.value());
        // Once parsed, the canonical form is a fixed point. (Not before: a BinarySI 2000 prints
        // "2000", which parses as DecimalSI and prints "2k", as upstream.)
        expect(parseQuantity(back.toString()).toString()).toBe(back.toString());
        if (q.format !== "BinarySI") expect(back.toString()).toBe(text);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("parser totality", () => {
  const alphabet = [..."0123456789.+-eEinumkKMGTPb, x\t"];
  const quantityLike = fc.string({ unit: fc.constantFrom(...alphabet), maxLength: 24 });

  it("never throws anything but QuantityError on arbitrary strings", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 30 }), fc.string({ unit: "grapheme", maxLength: 12 }), quantityLike), (text) => {
        try {
          const q = parseQuantity(text);
          // Whatever parses prints canonically and reads back to the same value.
          expect(parseQuantity(q.toString()).cmp(q)).toBe(0);
        } catch (error) {
          expect(error).toBeInstanceOf(QuantityError);
          expect((error as QuantityError).message.startsWith(`quantity: ${JSON.stringify(text)} `)).toBe(true);
        }
      }),
      { numRuns: 5000 },
    );
  });

  /** Independent reference: sign × digits × base^exp / 10^fractionDigits, rounded up to nano. */
  const decimalSuffixes: Record<string, number> = { n: -9, u: -6, m: -3, "": 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
  const binarySuffixes: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40 };

  it("parses well-formed text to the exact value, rounded up to nano", () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.stringMatching(/^[0-9]{1,12}$/),
        fc.stringMatching(/^[0-9]{0,12}$/),
        fc.constantFrom(...Object.keys(decimalSuffixes), ...Object.keys(binarySuffixes), "e-12", "e3", "E+5", "e0"),
        (negative, whole, fraction, suffix) => {
          const text = `${negative ? "-" : ""}${whole}${fraction ? `.${fraction}` : ""}${suffix}`;
          const q = parseQuantity(text);
          const digits = BigInt(whole + fraction);
          // numerator / denominator is the exact magnitude.
          let numerator = digits;
          let denominator = 10n ** BigInt(fraction.length);
          if (suffix in binarySuffixes) numerator *= 2n ** BigInt(binarySuffixes[suffix]!);
          else {
            const e = suffix in decimalSuffixes ? decimalSuffixes[suffix]! : Number(suffix.slice(1));
            if (e >= 0) numerator *= 10n ** BigInt(e);
            else denominator *= 10n ** BigInt(-e);
          }
          // Magnitude in nanos, rounded up.
          let nanos = (numerator * 10n ** 9n + denominator - 1n) / denominator;
          // BinarySI is capped, silently, at 2^63-1 (quantity.go ParseQuantity).
          if (suffix in binarySuffixes && nanos > MAX_BINARY * 10n ** 9n) nanos = MAX_BINARY * 10n ** 9n;
          const expected = new Quantity(negative ? -nanos : nanos, -9, "DecimalSI");
          expect(q.cmp(expected)).toBe(0);
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe("arithmetic", () => {
  it("add is commutative", () => {
    fc.assert(
      fc.property(smallQuantityArb, smallQuantityArb, (a, b) => {
        expect(a.add(b).cmp(b.add(a))).toBe(0);
      }),
    );
  });

  it("add is associative", () => {
    fc.assert(
      fc.property(smallQuantityArb, smallQuantityArb, smallQuantityArb, (a, b, c) => {
        expect(a.add(b).add(c).cmp(a.add(b.add(c)))).toBe(0);
      }),
    );
  });

  it("add is exact: (a + b) - b = a, and milli values add when both are whole millis", () => {
    fc.assert(
      fc.property(smallQuantityArb, smallQuantityArb, (a, b) => {
        expect(a.add(b).sub(b).cmp(a)).toBe(0);
        expect(a.sub(a).isZero()).toBe(true);
        if (a.decimal.exponent >= -3 && b.decimal.exponent >= -3) {
          expect(a.add(b).milliValue()).toBe(a.milliValue() + b.milliValue());
        }
      }),
    );
  });

  it("cmp is consistent with sign of the difference and antisymmetric", () => {
    fc.assert(
      fc.property(smallQuantityArb, smallQuantityArb, (a, b) => {
        expect(a.cmp(b)).toBe(a.sub(b).sign());
        expect(b.cmp(a)).toBe(-a.cmp(b) || 0);
      }),
    );
  });
});

describe("rounding (Value / MilliValue upstream)", () => {
  it("value() is the smallest whole number at or beyond q, away from zero", () => {
    fc.assert(
      fc.property(quantityArb, (q) => {
        const v = new Quantity(q.value(), 0, "DecimalSI");
        const s = q.sign();
        if (s === 0) {
          expect(q.value()).toBe(0n);
          return;
        }
        // |v| >= |q| and |v| - 1 < |q|
        const magnitude = s > 0 ? q : q.neg();
        const vMagnitude = s > 0 ? v : v.neg();
        expect(vMagnitude.cmp(magnitude)).toBeGreaterThanOrEqual(0);
        expect(vMagnitude.sub(new Quantity(1n, 0, "DecimalSI")).cmp(magnitude)).toBe(-1);
      }),
      { numRuns: 2000 },
    );
  });

  it("value() >= milliValue()/1000 in magnitude, and is that quotient rounded away from zero", () => {
    fc.assert(
      fc.property(quantityArb, (q) => {
        const milli = q.milliValue();
        const value = q.value();
        const abs = (n: bigint) => (n < 0n ? -n : n);
        expect(abs(value) * 1000n >= abs(milli)).toBe(true);
        const quotient = abs(milli) / 1000n + (abs(milli) % 1000n === 0n ? 0n : 1n);
        expect(abs(value)).toBe(quotient);
        expect(value === 0n || value < 0n === milli < 0n).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
