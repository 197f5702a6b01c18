import { describe, expect, it } from "vitest";
import { damerauLevenshtein, didYouMean } from "./did-you-mean.js";
import { parseDuration, parseDurationRange, parsePercent, parseResourceAmount } from "./units.js";

describe("parseResourceAmount", () => {
  it("reads memory in bytes and CPU in millicores, rounding up as Kubernetes does", () => {
    expect(parseResourceAmount("1Gi", "memory")).toEqual({ ok: true, value: 1024 ** 3 });
    expect(parseResourceAmount("128Mi", "memory")).toEqual({ ok: true, value: 128 * 1024 ** 2 });
    expect(parseResourceAmount("512M", "memory")).toEqual({ ok: true, value: 512_000_000 });
    // 1.15 × 2^30 = 1234803097.6 → rounded up to whole bytes
    expect(parseResourceAmount("1.15Gi", "memory")).toEqual({ ok: true, value: 1234803098 });
    expect(parseResourceAmount("500m", "cpu")).toEqual({ ok: true, value: 500 });
    expect(parseResourceAmount("16", "cpu")).toEqual({ ok: true, value: 16000 });
    expect(parseResourceAmount(0.5, "cpu")).toEqual({ ok: true, value: 500 });
    expect(parseResourceAmount("0.1m", "cpu")).toEqual({ ok: true, value: 1 });
    expect(parseResourceAmount(0, "memory")).toEqual({ ok: true, value: 0 });
  });

  it("refuses bad, negative, non-finite and oversized amounts with a reason", () => {
    const bad = parseResourceAmount("1Gb", "memory");
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.reason).toMatch(/"1Gb" is not a valid memory quantity: .*suffix/);
    const negative = parseResourceAmount("-1", "cpu");
    expect(negative.ok).toBe(false);
    if (!negative.ok) expect(negative.reason).toMatch(/must not be negative/);
    expect(parseResourceAmount(Infinity, "memory").ok).toBe(false);
    const huge = parseResourceAmount("9Ei", "memory"); // 9 × 2^60 > 2^53
    expect(huge.ok).toBe(false);
    if (!huge.ok) expect(huge.reason).toMatch(/too large/);
    expect(parseResourceAmount(" 1Gi", "memory").ok).toBe(false);
  });
});

describe("parsePercent", () => {
  it("accepts 50%, 50 and decimals between 0 and 100", () => {
    expect(parsePercent("50%")).toEqual({ ok: true, value: 50 });
    expect(parsePercent(80)).toEqual({ ok: true, value: 80 });
    expect(parsePercent("12.5%")).toEqual({ ok: true, value: 12.5 });
    expect(parsePercent("0%")).toEqual({ ok: true, value: 0 });
  });
  it("refuses text without %, and values outside 0–100", () => {
    expect(parsePercent("50").ok).toBe(false);
    expect(parsePercent("101%").ok).toBe(false);
    expect(parsePercent(-1).ok).toBe(false);
    expect(parsePercent("half").ok).toBe(false);
  });
});

describe("parseDuration", () => {
  it("reads ms, s, m, h and combinations into seconds or milliseconds", () => {
    expect(parseDuration("15s", "s")).toEqual({ ok: true, value: 15 });
    expect(parseDuration("10m", "s")).toEqual({ ok: true, value: 600 });
    expect(parseDuration("1h", "s")).toEqual({ ok: true, value: 3600 });
    expect(parseDuration("1m30s", "s")).toEqual({ ok: true, value: 90 });
    expect(parseDuration("500ms", "ms")).toEqual({ ok: true, value: 500 });
    expect(parseDuration("2s", "ms")).toEqual({ ok: true, value: 2000 });
    expect(parseDuration(42, "s")).toEqual({ ok: true, value: 42 });
    expect(parseDuration(250, "ms")).toEqual({ ok: true, value: 250 });
  });
  it("refuses unknown units, negative and fractional results", () => {
    expect(parseDuration("5 minutes", "s").ok).toBe(false);
    expect(parseDuration("10", "s").ok).toBe(false);
    expect(parseDuration("500ms", "s").ok).toBe(false); // half a second
    expect(parseDuration(-1, "s").ok).toBe(false);
  });
  it("reads expected ranges", () => {
    expect(parseDurationRange("15m-20m")).toEqual({ ok: true, value: [900, 1200] });
    expect(parseDurationRange("15-20m")).toEqual({ ok: true, value: [900, 1200] });
    expect(parseDurationRange("10m")).toEqual({ ok: true, value: [600, 600] });
    expect(parseDurationRange(90)).toEqual({ ok: true, value: [90, 90] });
    expect(parseDurationRange("20m-15m").ok).toBe(false);
    expect(parseDurationRange("15-20 minutes").ok).toBe(false);
  });
});

describe("didYouMean", () => {
  it("counts a swap of neighbours as one edit", () => {
    expect(damerauLevenshtein("memroy", "memory")).toBe(1);
    expect(damerauLevenshtein("", "abc")).toBe(3);
    expect(damerauLevenshtein("kitten", "sitting")).toBe(3);
  });
  it("suggests close keys, ignoring case, and nothing for unrelated ones", () => {
    const keys = ["memory", "cpu", "dependsOn", "validate", "replicas"];
    expect(didYouMean("dependOn", keys)).toBe("dependsOn");
    expect(didYouMean("dependson", keys)).toBe("dependsOn");
    expect(didYouMean("memroy", keys)).toBe("memory");
    expect(didYouMean("cpus", keys)).toBe("cpu");
    expect(didYouMean("banana", keys)).toBeUndefined();
  });
});
