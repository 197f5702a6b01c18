import { describe, expect, it } from "vitest";
import { formatBytes, formatMillicores, groupThousands, percent } from "./index.js";

describe("formatBytes", () => {
  it.each([
    [8 * 1024 ** 3, "8Gi"],
    [5888 * 1024 ** 2, "5,888Mi"],
    [1536 * 1024 ** 2, "1,536Mi"],
    [2048 * 1024 ** 3, "2,048Gi"],
    [1500 * 1024, "1,500Ki"],
    [1000, "1,000B"],
    [100, "100B"],
    [0, "0"],
    [-512 * 1024 ** 2, "-512Mi"],
    [1024.5, "1,025B"],
  ])("%d bytes → %s", (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});

describe("formatMillicores", () => {
  it.each([
    [2750, "2,750m"],
    [16000, "16"],
    [500, "500m"],
    [1_000_000, "1,000"],
    [0, "0"],
    [-250, "-250m"],
  ])("%d millicores → %s", (m, text) => {
    expect(formatMillicores(m)).toBe(text);
  });
});

describe("percent", () => {
  it("formats a share with one decimal by default", () => {
    expect(percent(2300, 3200)).toBe("71.9%");
    expect(percent(1, 3, 2)).toBe("33.33%");
    expect(percent(5, 4, 0)).toBe("125%");
    expect(percent(0, 10)).toBe("0.0%");
  });
  it("has no share of nothing", () => {
    expect(percent(1, 0)).toBe("n/a");
  });
});

describe("groupThousands", () => {
  it("groups integers and bigints", () => {
    expect(groupThousands(1234567)).toBe("1,234,567");
    expect(groupThousands(-1234n)).toBe("-1,234");
    expect(groupThousands(999)).toBe("999");
  });
});
