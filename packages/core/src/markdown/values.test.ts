import { describe, expect, it } from "vitest";
import { readKeyValue, splitRow } from "./blocks.js";
import { cleanText, slugFromTitle } from "./text.js";
import { findLatency, parseCpu, parseDependencies, parseExpectedDuration, parseMemory, parsePort, parseValidation } from "./values.js";

describe("figures as people write them", () => {
  it("memory", () => {
    expect(parseMemory("128Mi")).toBe("128Mi");
    expect(parseMemory("1.15Gi")).toBe("1.15Gi");
    expect(parseMemory("512 MiB")).toBe("512Mi");
    expect(parseMemory("1GB")).toBe("1G"); // decimal, as the unit says
    expect(parseMemory("3Gi Memory")).toBe("3Gi");
    expect(parseMemory("128m")).toBeUndefined(); // milli-bytes: a typo, not a figure
    expect(parseMemory("lots")).toBeUndefined();
  });
  it("cpu", () => {
    expect(parseCpu("500m")).toBe("500m");
    expect(parseCpu("0.5")).toBe("0.5");
    expect(parseCpu("1.45 CPU cores")).toBe("1.45");
    expect(parseCpu("1.45 cores")).toBe("1.45");
    expect(parseCpu("2 vCPU")).toBe("2");
    expect(parseCpu("250 millicores")).toBe("250m");
    expect(parseCpu("fast")).toBeUndefined();
  });
  it("durations, latency, ports", () => {
    expect(parseExpectedDuration("15-20 minutes")).toBe("15m-20m");
    expect(parseExpectedDuration("15 to 20 minutes")).toBe("15m-20m");
    expect(parseExpectedDuration("10 minutes")).toBe("10m");
    expect(parseExpectedDuration("soon")).toBeUndefined();
    expect(findLatency(">500ms average response time")).toBe("500ms");
    expect(findLatency(">0.5s average")).toBe("500ms");
    expect(parsePort("5432")).toBe(5432);
    expect(parsePort("-")).toBeNull();
    expect(parsePort("70000")).toBeUndefined();
  });
  it("dependencies and validation", () => {
    expect(parseDependencies("None")).toEqual({ names: [], unreadable: [] });
    expect(parseDependencies("All services")).toEqual({ names: ["*"], unreadable: [] });
    expect(parseDependencies("postgresql, rabbitmq")).toEqual({ names: ["postgresql", "rabbitmq"], unreadable: [] });
    expect(parseDependencies("redis (optional)").unreadable).toEqual(["redis (optional)"]);
    expect(parseValidation("Database connectivity")).toBe("postgres");
    expect(parseValidation("Cache connectivity")).toBe("redis");
    expect(parseValidation("Queue connectivity")).toBe("rabbitmq");
    expect(parseValidation("Health check endpoints")).toEqual({ http: "/healthz" });
    expect(parseValidation("GET /readyz")).toEqual({ http: "/readyz" });
    expect(parseValidation("ask Bob")).toBeUndefined();
  });
});

describe("Markdown text", () => {
  it("strips emphasis and emoji, keeps underscores inside words", () => {
    expect(cleanText("### **Phase 1: Infrastructure Foundation (Priority 1)** 🛡️")).toBe("### Phase 1: Infrastructure Foundation (Priority 1)");
    expect(cleanText("**error_reporting** `x` *y*")).toBe("error_reporting x y");
    expect(slugFromTitle("Core Business Services")).toBe("business");
    expect(slugFromTitle("Business Logic Services")).toBe("business-logic");
  });
  it("splits table rows with columns and escaped pipes", () => {
    const cells = splitRow("| **a** | 1\\|2 | |");
    expect(cells.map((c) => c.text)).toEqual(["a", "1|2", ""]);
    expect(cells[0]?.column).toBe(3);
  });
  it("reads key/value lines in their usual spellings", () => {
    expect(readKeyValue("**Purpose**: Core  ", 1)).toMatchObject({ key: "Purpose", value: "Core", column: 14 });
    expect(readKeyValue("- **Phase 1**: <40% memory", 2)).toMatchObject({ key: "Phase 1", value: "<40% memory" });
    expect(readKeyValue("**Memory:** 8Gi", 3)).toMatchObject({ key: "Memory", value: "8Gi" });
    expect(readKeyValue("1. **Deploy postgresql** (1Gi memory, 500m CPU)", 4)).toBeUndefined();
  });
});
