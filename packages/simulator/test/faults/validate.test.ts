import { parsePlanText } from "@openpolicy/core";
import { describe, expect, it } from "vitest";
import { FaultParseError, faultTargetProblems, parseFault, validateFaultTargets } from "../../src/index.js";

const plan = parsePlanText(
  [
    "name: rmq",
    "cluster:",
    "  nodes: [{name: worker, count: 2, memory: 8Gi, cpu: 4}, {memory: 4Gi, cpu: 2}]",
    "phases: [{name: p, services: [rabbitmq, web]}]",
    "services:",
    "  rabbitmq: {memory: 1Gi, cpu: 1, port: 5672, validate: rabbitmq}",
    "  web: {memory: 1Gi, cpu: 1, port: 80, validate: tcp, dependsOn: [rabbitmq]}",
  ].join("\n"),
  "rmq.yaml",
);

describe("fault targets are checked against the plan", () => {
  it("accepts services and the simulated cluster's node names", () => {
    const faults = ["oom:rabbitmq", "crash:web@30s", "node-restart:worker-2@60s", "node-restart:node-1@10s"].map(parseFault);
    expect(faultTargetProblems(faults, plan)).toEqual([]);
  });

  it("names a misspelt service with the closest one (a typo used to inject nothing)", () => {
    expect(faultTargetProblems([parseFault("oom:rabitmq")], plan)).toEqual([
      'faults: oom:rabitmq: "rabitmq" is not a service of the plan; did you mean "rabbitmq"?',
    ]);
  });

  it("reports every unknown node and service at once, as a FaultParseError", () => {
    const faults = ["node-restart:wrker-1@10s", "unready:nothing-like-it"].map(parseFault);
    let thrown: unknown;
    try {
      validateFaultTargets(faults, plan);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(FaultParseError);
    expect((thrown as Error).message.split("\n")).toEqual([
      'faults: node-restart:wrker-1@10s:30s: "wrker-1" is not a node of the plan; did you mean "worker-1"?',
      'faults: unready:nothing-like-it: "nothing-like-it" is not a service of the plan; the plan\'s services are rabbitmq, web',
    ]);
  });
});
