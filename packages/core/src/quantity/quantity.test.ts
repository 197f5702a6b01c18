/**
 * Table cases ported from kubernetes/kubernetes
 * staging/src/k8s.io/apimachinery/pkg/api/resource/quantity_test.go (TestQuantityParse,
 * TestQuantityParseZero, TestQuantityCanocicalizeZero, TestQuantityString, TestQuantityParseEmit,
 * TestQuantityCmp, TestQuantityRoundUp, TestNewSet, TestMilliNewSet, TestNewScaledSet, the value
 * rounding tests) plus the rules in /work/shared/reference/kubernetes-semantics.md.
 */
import { describe, expect, it } from "vitest";
import {
  Quantity,
  QuantityError,
  parseQuantity,
  quantityFromBytes,
  quantityFromMillis,
  tryParseQuantity,
  type QuantityFormat,
} from "./index.js";

/** decQuantity(i, exponent, format) upstream: i × 10^exponent. */
const dec = (i: bigint | number, exponent: number, format: QuantityFormat) => new Quantity(BigInt(i), exponent, format);
const MAX_ALLOWED = 2n ** 63n - 1n;

// TestQuantityParse table.
const parseTable: Array<[string, Quantity]> = [
  ["0", dec(0, 0, "DecimalSI")],
  ["0n", dec(0, 0, "DecimalSI")],
  ["0u", dec(0, 0, "DecimalSI")],
  ["0m", dec(0, 0, "DecimalSI")],
  ["0Ki", dec(0, 0, "BinarySI")],
  ["0k", dec(0, 0, "DecimalSI")],
  ["0Mi", dec(0, 0, "BinarySI")],
  ["0M", dec(0, 0, "DecimalSI")],
  ["0Gi", dec(0, 0, "BinarySI")],
  ["0G", dec(0, 0, "DecimalSI")],
  ["0Ti", dec(0, 0, "BinarySI")],
  ["0T", dec(0, 0, "DecimalSI")],
  // Quantity less numbers are allowed
  ["1", dec(1, 0, "DecimalSI")],
  // Binary suffixes
  ["1Ki", dec(1024, 0, "BinarySI")],
  ["8Ki", dec(8 * 1024, 0, "BinarySI")],
  ["7Mi", dec(7 * 1024 * 1024, 0, "BinarySI")],
  ["6Gi", dec(6n * 1024n ** 3n, 0, "BinarySI")],
  ["5Ti", dec(5n * 1024n ** 4n, 0, "BinarySI")],
  ["4Pi", dec(4n * 1024n ** 5n, 0, "BinarySI")],
  ["3Ei", dec(3n * 1024n ** 6n, 0, "BinarySI")],
  ["10Ti", dec(10n * 1024n ** 4n, 0, "BinarySI")],
  ["100Ti", dec(100n * 1024n ** 4n, 0, "BinarySI")],
  // Decimal suffixes
  ["5n", dec(5, -9, "DecimalSI")],
  ["4u", dec(4, -6, "DecimalSI")],
  ["3m", dec(3, -3, "DecimalSI")],
  ["9", dec(9, 0, "DecimalSI")],
  ["8k", dec(8, 3, "DecimalSI")],
  ["50k", dec(5, 4, "DecimalSI")],
  ["7M", dec(7, 6, "DecimalSI")],
  ["6G", dec(6, 9, "DecimalSI")],
  ["5T", dec(5, 12, "DecimalSI")],
  ["40T", dec(4, 13, "DecimalSI")],
  ["300T", dec(3, 14, "DecimalSI")],
  ["2P", dec(2, 15, "DecimalSI")],
  ["1E", dec(1, 18, "DecimalSI")],
  // Decimal exponents
  ["1E-3", dec(1, -3, "DecimalExponent")],
  ["1e3", dec(1, 3, "DecimalExponent")],
  ["1E6", dec(1, 6, "DecimalExponent")],
  ["1e9", dec(1, 9, "DecimalExponent")],
  ["1E12", dec(1, 12, "DecimalExponent")],
  ["1e15", dec(1, 15, "DecimalExponent")],
  ["1E18", dec(1, 18, "DecimalExponent")],
  // Nonstandard but still parsable
  ["1e14", dec(1, 14, "DecimalExponent")],
  ["1e13", dec(1, 13, "DecimalExponent")],
  ["100.035k", dec(100035, 0, "DecimalSI")],
  // Things that look like floating point
  ["0.001", dec(1, -3, "DecimalSI")],
  ["0.0005k", dec(5, -1, "DecimalSI")],
  ["0.005", dec(5, -3, "DecimalSI")],
  ["0.05", dec(5, -2, "DecimalSI")],
  ["0.5", dec(5, -1, "DecimalSI")],
  ["0.00050k", dec(5, -1, "DecimalSI")],
  ["0.00500", dec(5, -3, "DecimalSI")],
  ["0.05000", dec(5, -2, "DecimalSI")],
  ["0.50000", dec(5, -1, "DecimalSI")],
  ["0.5e0", dec(5, -1, "DecimalExponent")],
  ["0.5e-1", dec(5, -2, "DecimalExponent")],
  ["0.5e-2", dec(5, -3, "DecimalExponent")],
  ["10.035M", dec(10035, 3, "DecimalSI")],
  ["1.2e3", dec(12, 2, "DecimalExponent")],
  ["1.3E+6", dec(13, 5, "DecimalExponent")],
  ["1.40e9", dec(14, 8, "DecimalExponent")],
  ["1.53E12", dec(153, 10, "DecimalExponent")],
  ["1.6e15", dec(16, 14, "DecimalExponent")],
  ["1.7E18", dec(17, 17, "DecimalExponent")],
  ["9.01", dec(901, -2, "DecimalSI")],
  ["8.1k", dec(81, 2, "DecimalSI")],
  ["7.123456M", dec(7123456, 0, "DecimalSI")],
  ["6.987654321G", dec(6987654321, 0, "DecimalSI")],
  ["5.444T", dec(5444, 9, "DecimalSI")],
  ["40.1T", dec(401, 11, "DecimalSI")],
  ["300.2T", dec(3002, 11, "DecimalSI")],
  ["2.5P", dec(25, 14, "DecimalSI")],
  ["1.01E", dec(101, 16, "DecimalSI")],
  // Things that saturate/round
  ["3.001n", dec(4, -9, "DecimalSI")],
  ["1.1E-9", dec(2, -9, "DecimalExponent")],
  ["0.0000000001", dec(1, -9, "DecimalSI")],
  ["0.0000000005", dec(1, -9, "DecimalSI")],
  ["0.00000000050", dec(1, -9, "DecimalSI")],
  ["0.5e-9", dec(1, -9, "DecimalExponent")],
  ["0.9n", dec(1, -9, "DecimalSI")],
  ["0.00000012345", dec(124, -9, "DecimalSI")],
  ["0.00000012354", dec(124, -9, "DecimalSI")],
  ["9Ei", dec(MAX_ALLOWED, 0, "BinarySI")],
  ["9223372036854775807Ki", dec(MAX_ALLOWED, 0, "BinarySI")],
  ["12E", dec(12, 18, "DecimalSI")],
  // We'll accept fractional binary stuff, too.
  ["100.035Ki", dec(10243584, -2, "BinarySI")],
  ["0.5Mi", dec(0.5 * 1024 * 1024, 0, "BinarySI")],
  ["0.05Gi", dec(536870912, -1, "BinarySI")],
  ["0.025Ti", dec(274877906944, -1, "BinarySI")],
  // Things written by trolls
  ["0.000000000001Ki", dec(2, -9, "DecimalSI")], // rounds up, changes format
  [".001", dec(1, -3, "DecimalSI")],
  [".0001k", dec(100, -3, "DecimalSI")],
  ["1.", dec(1, 0, "DecimalSI")],
  ["1.G", dec(1, 9, "DecimalSI")],
];

describe("parseQuantity (upstream TestQuantityParse)", () => {
  it.each(parseTable)("%s", (input, expected) => {
    const got = parseQuantity(input);
    expect(got.cmp(expected), `${input}: got ${got}`).toBe(0);
    expect(got.format).toBe(expected.format);
  });

  it.each(parseTable)("-%s is the negation, same format", (input, expected) => {
    const got = parseQuantity(`-${input}`);
    expect(got.cmp(expected.neg())).toBe(0);
    expect(got.format).toBe(expected.format);
  });

  it.each(parseTable)("+%s is the same value", (input, expected) => {
    const got = parseQuantity(`+${input}`);
    expect(got.cmp(expected)).toBe(0);
    expect(got.format).toBe(expected.format);
  });

  // The invalid list of TestQuantityParse, then the forms the project's reference digest lists.
  const invalid = [
    "",
    "1.1.M",
    "1+1.0M",
    "0.1mi",
    "0.1am",
    "aoeu",
    ".5i",
    "1i",
    "-3.01i",
    "-3.01e-",
    " 1",
    "1 ",
    "1K",
    "1gi",
    "1KB",
    "1Gib",
    "1mi",
    "1e",
    "1e3.5",
    "1,000",
    "0x10",
    "\t1",
    "1\n",
    "1e99999999999999999999", // exponent beyond int64: strconv.ParseInt fails
    ".e-10", // digitless and finer than nano: inf.Dec has nothing to parse
    "Non-Numeric", // TestQuantityParseNonNumericPanic
  ];
  it.each(invalid)("refuses %j with a QuantityError naming it", (input) => {
    expect(() => parseQuantity(input)).toThrow(QuantityError);
    try {
      parseQuantity(input);
    } catch (error) {
      const e = error as QuantityError;
      expect(e.message.startsWith(`quantity: ${JSON.stringify(input)} is not a valid quantity: `)).toBe(true);
      expect(e.input).toBe(input);
      expect(e.reason.length).toBeGreaterThan(0);
    }
    expect(tryParseQuantity(input)).toBeUndefined();
  });

  it("explains case mistakes in suffixes", () => {
    expect(() => parseQuantity("1K")).toThrow(/"Ki".*"k"|"k".*"Ki"/);
    expect(() => parseQuantity("512mi")).toThrow(/"Mi"/);
    expect(() => parseQuantity("2GB")).toThrow(/"Gi".*"G"|"G".*"Gi"/);
  });

  // Odd forms the upstream scanner lets through, all zero.
  it.each(["Gi", "k", "m", "e3", ".", "-", "+", "-.", "Ki", "n", ".e-9", "000", "-0", "0.", "0e0", "0.000000000000"])(
    "accepts %j as zero",
    (input) => {
      const q = parseQuantity(input);
      expect(q.isZero()).toBe(true);
      expect(q.sign()).toBe(0);
      expect(q.toString()).toBe("0");
    },
  );

  it("keeps the format of a zero written with a suffix (upstream table)", () => {
    expect(parseQuantity("Gi").format).toBe("BinarySI");
    expect(parseQuantity("e3").format).toBe("DecimalExponent");
    expect(parseQuantity("0").format).toBe("DecimalSI");
  });

  it("does not cap decimal quantities; caps binary ones at 2^63-1 (quantity.go)", () => {
    expect(parseQuantity("18446744073709551616").value()).toBe(18446744073709551616n);
    expect(parseQuantity("8Ei").value()).toBe(MAX_ALLOWED);
    expect(parseQuantity("-9Ei").value()).toBe(-MAX_ALLOWED);
  });

  it("truncates an exponent to int32 as upstream does (int32(strconv.ParseInt(...)))", () => {
    // 2^32 + 3 truncates to 3.
    expect(parseQuantity("1e4294967299").cmp(parseQuantity("1e3"))).toBe(0);
  });

  it("keeps enormous exponents exact without writing them out", () => {
    const big = parseQuantity("1e2000000000");
    // The canonical exponent is a multiple of 3.
    expect(big.toString()).toBe("100e1999999998");
    expect(big.cmp(parseQuantity("9e1999999999"))).toBe(1);
    expect(() => big.value()).toThrow(QuantityError);
    expect(parseQuantity("1e-2000000000").toString()).toBe("1e-9"); // rounded up to nano
  });

  it("rejects non-strings with a QuantityError", () => {
    expect(() => parseQuantity(5 as unknown as string)).toThrow(QuantityError);
  });
});

describe("toString (upstream TestQuantityString, TestQuantityParseEmit)", () => {
  // [value, canonical, alternate spelling that must print canonically]
  const table: Array<[Quantity, string, string]> = [
    [dec(1024n ** 3n, 0, "BinarySI"), "1Gi", "1024Mi"],
    [dec(300 * 1024 * 1024, 0, "BinarySI"), "300Mi", "307200Ki"],
    [dec(6 * 1024, 0, "BinarySI"), "6Ki", ""],
    [dec(1001n * 1024n ** 3n, 0, "BinarySI"), "1001Gi", "1025024Mi"],
    [dec(1024n ** 4n, 0, "BinarySI"), "1Ti", "1024Gi"],
    [dec(5, 0, "BinarySI"), "5", "5000m"],
    [dec(500, -3, "BinarySI"), "500m", "0.5"],
    [dec(1, 9, "DecimalSI"), "1G", "1000M"],
    [dec(1000, 6, "DecimalSI"), "1G", "0.001T"],
    [dec(1000000, 3, "DecimalSI"), "1G", ""],
    [dec(1000000000, 0, "DecimalSI"), "1G", ""],
    [dec(1, -3, "DecimalSI"), "1m", "1000u"],
    [dec(80, -3, "DecimalSI"), "80m", ""],
    [dec(1080, -3, "DecimalSI"), "1080m", "1.08"],
    [dec(108, -2, "DecimalSI"), "1080m", "1080000000n"],
    [dec(10800, -4, "DecimalSI"), "1080m", ""],
    [dec(300, 6, "DecimalSI"), "300M", ""],
    [dec(1, 12, "DecimalSI"), "1T", ""],
    [dec(1234567, 6, "DecimalSI"), "1234567M", ""],
    [dec(1234567, -3, "BinarySI"), "1234567m", ""],
    [dec(3, 3, "DecimalSI"), "3k", ""],
    [dec(1025, 0, "BinarySI"), "1025", ""],
    [dec(0, 0, "DecimalSI"), "0", ""],
    [dec(0, 0, "BinarySI"), "0", ""],
    [dec(1, 9, "DecimalExponent"), "1e9", ".001e12"],
    [dec(1, -3, "DecimalExponent"), "1e-3", "0.001e0"],
    [dec(1, -9, "DecimalExponent"), "1e-9", "1000e-12"],
    [dec(80, -3, "DecimalExponent"), "80e-3", ""],
    [dec(300, 6, "DecimalExponent"), "300e6", ""],
    [dec(1, 12, "DecimalExponent"), "1e12", ""],
    [dec(1, 3, "DecimalExponent"), "1e3", ""],
    [dec(3, 3, "DecimalExponent"), "3e3", ""],
    [dec(0, 0, "DecimalExponent"), "0", "00"],
    [dec(1, -9, "DecimalSI"), "1n", ""],
    [dec(80, -9, "DecimalSI"), "80n", ""],
    [dec(1080, -9, "DecimalSI"), "1080n", ""],
    [dec(108, -8, "DecimalSI"), "1080n", ""],
    [dec(10800, -10, "DecimalSI"), "1080n", ""],
    [dec(1, -6, "DecimalSI"), "1u", ""],
    [dec(80, -6, "DecimalSI"), "80u", ""],
    [dec(1080, -6, "DecimalSI"), "1080u", ""],
  ];
  it.each(table)("%s prints %s", (q, canonical, alternate) => {
    expect(q.toString()).toBe(canonical);
    expect(parseQuantity(canonical).toString()).toBe(canonical);
    if (alternate) expect(parseQuantity(alternate).toString()).toBe(canonical);
    if (!q.isZero()) expect(q.neg().toString()).toBe(`-${canonical}`);
  });

  const emit: Array<[string, string]> = [
    ["1Ki", "1Ki"],
    ["1Mi", "1Mi"],
    ["1Gi", "1Gi"],
    ["1024Mi", "1Gi"],
    ["1000M", "1G"],
    [".001Ki", "1024m"],
    [".000001Ki", "1024u"],
    [".000000001Ki", "1024n"],
    [".000000000001Ki", "2n"],
  ];
  it.each(emit)("%s emits %s (and its negation -%s)", (input, expected) => {
    expect(parseQuantity(input).toString()).toBe(expected);
    expect(parseQuantity(`-${input}`).toString()).toBe(`-${expected}`);
  });

  it("follows the canonical rules of the reference digest", () => {
    const cases: Array<[string, string]> = [
      ["1.5", "1500m"],
      ["1000", "1k"],
      ["1e19", "10e18"],
      ["1.5Gi", "1536Mi"],
      ["2048Mi", "2Gi"],
      ["1.1Ki", "1126400m"],
      ["0", "0"],
      ["-0.0", "0"],
      ["+1", "1"],
      ["01", "1"],
      ["1.500", "1500m"],
      ["1E3", "1e3"],
      ["1023Ki", "1023Ki"],
      ["1000Ki", "1000Ki"],
      ["0.5Ki", "512"],
      ["1.5Ki", "1536"],
      ["12E", "12E"],
      ["10000E", "10e21"], // DecimalSI past E falls back to an exponent (CanonicalizeBytes)
      ["0.1", "100m"],
      ["100m", "100m"],
      ["2.5", "2500m"],
    ];
    for (const [input, expected] of cases) expect(parseQuantity(input).toString(), input).toBe(expected);
  });

  it("TestQuantityParseZero / TestQuantityCanocicalizeZero: zero is 0, never 0<suffix>", () => {
    expect(parseQuantity("0").toString()).toBe("0");
    expect(parseQuantity("1000m").sub(parseQuantity("1")).toString()).toBe("0");
    expect(parseQuantity("0Gi").toString()).toBe("0");
  });

  it("serialises to JSON as the canonical string", () => {
    expect(JSON.stringify({ memory: parseQuantity("1.5Gi") })).toBe('{"memory":"1536Mi"}');
  });
});

describe("value / milliValue rounding (ScaledValue upstream)", () => {
  const cases: Array<[string, bigint, bigint]> = [
    ["1n", 1n, 1n],
    ["3m", 1n, 3n],
    ["-3m", -1n, -3n],
    ["1.5", 2n, 1500n],
    ["-1.5", -2n, -1500n],
    ["1000m", 1n, 1000n],
    ["1001m", 2n, 1001n],
    ["100Mi", 104857600n, 104857600000n],
    ["0.5n", 1n, 1n],
    ["1500u", 1n, 2n],
    ["1501u", 1n, 2n],
    ["-1501u", -1n, -2n],
    ["0", 0n, 0n],
    ["1e3", 1000n, 1000000n],
    ["1.1Ki", 1127n, 1126400n],
  ];
  it.each(cases)("%s → value %s, milli %s", (input, value, milli) => {
    const q = parseQuantity(input);
    expect(q.value()).toBe(value);
    expect(q.milliValue()).toBe(milli);
  });

  // TestQuantityRoundUp as scaledValue: ceil away from zero at each scale.
  it.each([
    ["9.01", -3, 9010n],
    ["9.01", -2, 901n],
    ["9.01", -1, 91n],
    ["9.01", 0, 10n],
    ["9.01", 1, 1n],
    ["9.01", 2, 1n],
    ["-9.01", -1, -91n],
    ["-9.01", 0, -10n],
    ["-9.01", 2, -1n],
  ] as const)("%s scaled to 10^%d is %s", (input, scale, expected) => {
    expect(parseQuantity(input).scaledValue(scale)).toBe(expected);
  });

  it("TestNewScaledSet round trips", () => {
    const cases: Array<[bigint, number, string]> = [
      [1n, -9, "1n"],
      [1000n, -9, "1u"],
      [1n, -6, "1u"],
      [1000n, -6, "1m"],
      [1n, -3, "1m"],
      [1000n, -3, "1"],
      [1n, 0, "1"],
      [0n, -9, "0"],
      [0n, 0, "0"],
    ];
    for (const [value, scale, text] of cases) {
      const q = dec(value, scale, "DecimalSI");
      expect(q.toString()).toBe(text);
      expect(parseQuantity(text).scaledValue(scale)).toBe(value);
    }
  });

  it("valueNumber refuses what a number cannot hold", () => {
    expect(parseQuantity("4Gi").valueNumber()).toBe(4 * 1024 ** 3);
    expect(parseQuantity("250m").milliValueNumber()).toBe(250);
    expect(() => parseQuantity("1e20").valueNumber()).toThrow(QuantityError);
  });
});

describe("constructors (TestNewSet, TestMilliNewSet)", () => {
  it.each([
    [1, "1"],
    [1000, "1k"],
    [1024, "1Ki"],
    [1024 * 1024, "1Mi"],
    [6 * 1024 ** 3, "6Gi"],
    [1536, "1536"],
    [0, "0"],
  ])("quantityFromBytes(%d) prints %s and reads back", (bytes, text) => {
    const q = quantityFromBytes(bytes);
    expect(q.format).toBe("BinarySI");
    expect(q.toString()).toBe(text);
    expect(parseQuantity(q.toString()).value()).toBe(BigInt(bytes));
  });

  it.each([
    [1, "1m"],
    [1000, "1"],
    [1234000, "1234"],
    [1500, "1500m"],
    [2750, "2750m"],
  ])("quantityFromMillis(%d) prints %s and reads back", (millis, text) => {
    const q = quantityFromMillis(millis);
    expect(q.format).toBe("DecimalSI");
    expect(q.toString()).toBe(text);
    expect(parseQuantity(q.toString()).milliValue()).toBe(BigInt(millis));
  });

  it("refuses non-integral numbers", () => {
    expect(() => quantityFromBytes(1.5)).toThrow(QuantityError);
    expect(() => quantityFromMillis(Number.NaN)).toThrow(QuantityError);
    expect(() => quantityFromBytes(2 ** 60)).toThrow(QuantityError);
    expect(quantityFromBytes(2n ** 60n).toString()).toBe("1Ei");
  });
});

describe("cmp / add / sub (TestQuantityCmp, TestQuantityAddZeroPreservesSuffix, TestQuantitySubZeroPreservesSuffix)", () => {
  it.each([
    ["0", "0", 0],
    ["100m", "50m", 1],
    ["50m", "100m", -1],
    ["10000T", "100Gi", 1],
    ["1Gi", "1073741824", 0],
    ["1G", "1Gi", -1],
    ["-1", "1m", -1],
    ["1n", "0", 1],
    ["0.1", "100m", 0],
  ] as const)("cmp(%s, %s) = %d", (x, y, expected) => {
    expect(parseQuantity(x).cmp(parseQuantity(y))).toBe(expected);
    expect(parseQuantity(y).cmp(parseQuantity(x))).toBe(-expected || 0);
  });

  it.each(["100m", "1Gi"])("adding or subtracting zero keeps %s and its suffix", (text) => {
    const value = parseQuantity(text);
    const zero = parseQuantity("0");
    expect(value.add(zero).toString()).toBe(text);
    expect(zero.add(value).toString()).toBe(text);
    expect(value.sub(zero).toString()).toBe(text);
    expect(zero.sub(value).toString()).toBe(value.neg().toString());
  });

  it("adds exactly across formats; the left operand's format wins", () => {
    expect(parseQuantity("1Gi").add(parseQuantity("512Mi")).toString()).toBe("1536Mi");
    expect(parseQuantity("100m").add(parseQuantity("1Gi")).toString()).toBe("1073741824100m");
    expect(parseQuantity("1Gi").add(parseQuantity("100m")).format).toBe("BinarySI");
    expect(parseQuantity("0.1").add(parseQuantity("0.2")).toString()).toBe("300m");
    expect(parseQuantity("8Ei").add(parseQuantity("8Ei")).value()).toBe(2n * (2n ** 63n - 1n));
    expect(quantityFromBytes(2n ** 70n).toString()).toBe("1024Ei");
  });

  it("TestQuantityNeg", () => {
    expect(dec(901, -2, "DecimalSI").neg().toString()).toBe("-9010m");
  });
});
