import { describe, expect, it } from "vitest";
import { parseFault, parseFaults } from "../../src/index.js";

const Mi = 1024 * 1024;

describe("parseFault (--fault syntax)", () => {
  it.each([
    ["slow-start:api-gateway:120s", { kind: "slow-start", service: "api-gateway", seconds: 120 }],
    ["slow-start:web:2m", { kind: "slow-start", service: "web", seconds: 120 }],
    ["crash:rabbitmq@300s", { kind: "crash", service: "rabbitmq", at: 300 }],
    ["crash:rabbitmq", { kind: "crash", service: "rabbitmq" }],
    ["memory-growth:etl:10Mi/min", { kind: "memory-growth", service: "etl", bytesPerSecond: (10 * Mi) / 60 }],
    ["validation-fail:redis", { kind: "validation-fail", service: "redis" }],
    ["node-restart:node-1@600s", { kind: "node-restart", node: "node-1", at: 600, downSeconds: 30 }],
    ["node-restart:node-1@10m:45s", { kind: "node-restart", node: "node-1", at: 600, downSeconds: 45 }],
    ["oom:auth-service", { kind: "oom", service: "auth-service" }],
    ["unready:rabbitmq", { kind: "unready", service: "rabbitmq" }],
  ])("%s", (text, fault) => {
    expect(parseFault(text)).toEqual(fault);
  });

  it.each([
    ["explode:web", /unknown fault kind "explode"/],
    ["web", /expected <kind>:<target>/],
    ["slow-start:web", /needs a duration/],
    ["slow-start:web:fast", /invalid duration "fast"/],
    ["memory-growth:etl:10MB/min", /invalid size "10MB"/],
    ["node-restart:node-1", /needs a time/],
    ["oom:web:5s", /takes no argument/],
    ["oom:Web", /invalid target/],
  ])("rejects %s", (text, message) => {
    expect(() => parseFault(text)).toThrow(message);
  });
});

describe("parseFaults (file)", () => {
  it("reads YAML lists of strings and objects, bare or under `faults:`", () => {
    const yaml = "faults:\n  - crash:rabbitmq@300s\n  - fault: slow-start\n    service: api-gateway\n    duration: 120s\n  - { fault: node-restart, node: node-1, at: 600 }\n";
    expect(parseFaults(yaml, "faults.yaml")).toEqual([
      { kind: "crash", service: "rabbitmq", at: 300 },
      { kind: "slow-start", service: "api-gateway", seconds: 120 },
      { kind: "node-restart", node: "node-1", at: 600, downSeconds: 30 },
    ]);
    expect(parseFaults('["oom:web"]', "faults.json")).toEqual([{ kind: "oom", service: "web" }]);
    expect(parseFaults("", "empty.yaml")).toEqual([]);
  });

  it("names file:line:column of the bad entry", () => {
    expect(() => parseFaults("faults:\n  - oom:web\n  - explode:web\n", "f.yaml")).toThrow(/^faults: f\.yaml:3:5: "explode:web": unknown fault kind/);
    expect(() => parseFaults("- fault: oom\n", "f.yaml")).toThrow(/^faults: f\.yaml:1:3: .*missing "service"/);
    expect(() => parseFaults("faults: [oom:web\n", "f.yaml")).toThrow(/^faults: f\.yaml:\d+:\d+: /);
    expect(() => parseFaults("faults: 3\n", "f.yaml")).toThrow(/^faults: f\.yaml:1:9: expected a list/);
  });
});
