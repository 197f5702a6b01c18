/**
 * A service with sidecars and init containers in the plan is rehearsed as the whole pod: the
 * simulated scheduler reserves the pod's effective request (main container + sidecars, or the
 * init peak), read off the rendered pod like the real cluster would.
 */
import { parsePlanText, podRequestOf } from "@openpolicy/core";
import { describe, expect, it } from "vitest";
import { simulate } from "../../src/index.js";

const Mi = 1024 ** 2;

const plan = (sidecars: string) =>
  parsePlanText(
    `name: shop
cluster:
  nodes: [{name: node-1, memory: 2Gi, cpu: "2"}]
phases:
  - name: apps
    services: [web]
services:
  web:
    image: shop/web:1.0.0
    replicas: 2
    ports: [{name: http, port: 80, targetPort: 8080}]
    probe: {http: /healthz}
    validate: {http: /healthz}
    terminationGracePeriodSeconds: 5
    resources: {requests: {memory: 128Mi, cpu: 100m}, limits: {memory: 256Mi}}
${sidecars}`,
    "plan.yaml",
  );

describe("simulate counts the whole pod", () => {
  it("reserves the main container plus its sidecars on the node", async () => {
    const withSidecars = plan(`    containers:
      - {name: proxy, image: envoyproxy/envoy:v1.31.0, resources: {requests: {memory: 64Mi, cpu: 50m}, limits: {memory: 64Mi}}}
    initContainers:
      - {name: migrate, image: shop/web:1.0.0, command: [./migrate], resources: {requests: {memory: 96Mi, cpu: 500m}}}
      - {name: agent, image: fluent-bit:3.0, restartPolicy: Always, resources: {requests: {memory: 32Mi, cpu: 20m}}}
`);
    const perPod = podRequestOf(withSidecars.services.get("web")!);
    // memory: 128 + 64 + 32 beats the migration's 96; CPU: the migration's 500m beats 100 + 50 + 20.
    expect(perPod).toEqual({ memory: 224 * Mi, cpu: 500 });
    const result = await simulate(withSidecars, { seed: 1 });
    expect(result.verdict).toBe("succeeded");
    expect(result.events.filter((e) => e.type === "Ready" && e.service === "web")).toHaveLength(2);
    expect(result.nodes[0]!.requestedMemory).toBe(2 * perPod.memory);

    const alone = await simulate(plan(""), { seed: 1 });
    expect(alone.nodes[0]!.requestedMemory).toBe(2 * 128 * Mi);
  });
});
