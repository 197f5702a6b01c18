import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parsePlanText } from "@openpolicy/core";
import { describe, expect, it } from "vitest";
import { planToYaml } from "../../src/planner/index.js";
import { comparablePlan } from "./plan-equivalence.js";

const boutique = fileURLToPath(new URL("../../../core/testdata/plans/boutique.yaml", import.meta.url));

describe("planToYaml keeps the pod fields", () => {
  it("writes ports, probes, grace periods and env values back so the plan loads to the same model", () => {
    const plan = parsePlanText(readFileSync(boutique, "utf8"), boutique);
    const text = planToYaml(plan);
    const reloaded = parsePlanText(text, "roundtrip.yaml");
    expect(comparablePlan(reloaded)).toEqual(comparablePlan(plan));
    expect(reloaded.services.get("frontend")!.ports).toEqual([{ name: "http", port: 80, targetPort: 8080 }]);
    // A Secret stays a reference: no value appears in the written plan.
    expect(text).toContain("secret: frontend-session");
  });

  it("writes sidecars, init containers and native sidecars back", () => {
    const plan = parsePlanText(
      `name: shop
cluster: {nodes: [{memory: 4Gi, cpu: 2}]}
phases: [{name: all, services: [queue]}]
services:
  queue:
    image: rabbitmq:3.13
    validate: rabbitmq
    ports: [{name: amqp, port: 5672}, {name: metrics, port: 9090, targetPort: exporter}]
    probe: {exec: [rabbitmq-diagnostics, -q, ping], timeoutSeconds: 10}
    resources: {requests: {memory: 256Mi, cpu: 200m}}
    containers:
      - {name: exporter-c, image: exporter:1, ports: [{name: exporter, port: 9419}], env: {A: "1"}, resources: {limits: {memory: 64Mi, cpu: 50m}}}
    initContainers:
      - {name: perms, image: busybox:1.36, command: [sh, -c, "true"], args: [x]}
      - {name: shipper, image: fluent-bit:3.0, restartPolicy: Always, resources: {requests: {memory: 32Mi}}}
`,
      "plan.yaml",
    );
    const reloaded = parsePlanText(planToYaml(plan), "roundtrip.yaml");
    expect(comparablePlan(reloaded)).toEqual(comparablePlan(plan));
    expect(reloaded.services.get("queue")!.initContainers!.map((c) => c.sidecar)).toEqual([false, true]);
  });
});
