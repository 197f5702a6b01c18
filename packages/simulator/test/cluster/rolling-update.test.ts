/**
 * Cases from kubernetes pkg/controller/deployment/util/deployment_util_test.go
 * (TestResolveFenceposts), plus the 25 % defaults applied to small replica counts.
 */
import { describe, expect, it } from "vitest";
import { resolveFenceposts } from "../../src/index.js";

describe("resolveFenceposts", () => {
  it.each([
    ["0%", "0%", 0, 0, 1],
    ["39%", "39%", 10, 4, 3],
  ] as const)("maxSurge %s maxUnavailable %s of %i → surge %i, unavailable %i", (surge, unavailable, desired, wantSurge, wantUnavailable) => {
    expect(resolveFenceposts(surge, unavailable, desired)).toEqual({ surge: wantSurge, unavailable: wantUnavailable });
  });

  it.each([
    ["oops", "39%", 10],
    ["55%", "urg", 10],
    ["5", "1", 7],
  ] as const)("rejects maxSurge %s / maxUnavailable %s", (surge, unavailable, desired) => {
    expect(() => resolveFenceposts(surge, unavailable, desired)).toThrow(/invalid value for IntOrString/);
  });

  it("defaults 25%/25% round surge up and unavailable down (the user's 1- and 2-replica services)", () => {
    expect(resolveFenceposts("25%", "25%", 1)).toEqual({ surge: 1, unavailable: 0 });
    expect(resolveFenceposts("25%", "25%", 2)).toEqual({ surge: 1, unavailable: 0 });
    expect(resolveFenceposts("25%", "25%", 8)).toEqual({ surge: 2, unavailable: 2 });
    expect(resolveFenceposts(0, 0, 3)).toEqual({ surge: 0, unavailable: 1 });
    expect(resolveFenceposts(2, 1, 3)).toEqual({ surge: 2, unavailable: 1 });
  });
});
