/**
 * The pod fields through the CLI a user runs: `check` refuses a Service port aimed at nothing with
 * the file and line, and `plan` totals count the sidecars.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";

const PLAN = `name: shop
cluster:
  nodes: [{memory: 4Gi, cpu: "2"}]
phases:
  - name: all
    services: [web]
services:
  web:
    image: shop/web:1.0.0
    replicas: 2
    ports:
      - {name: http, port: 80, targetPort: 8080}
      - {name: metrics, port: 9090, targetPort: exporter}
    probe: {http: /healthz}
    validate: {http: /healthz}
    resources: {requests: {memory: 128Mi, cpu: 100m}}
    containers:
      - {name: metrics-exporter, image: exporter:1.0.0, ports: [{name: exporter, port: 9102}], resources: {requests: {memory: 64Mi, cpu: 50m}}}
`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "opdeploy-pod-fields-"));
});

describe("pod fields in the CLI", () => {
  it("plan totals count the main container and its sidecar", async () => {
    const file = join(dir, "plan.yaml");
    await writeFile(file, PLAN);
    const run = await runCli(["plan", file, "--format", "json"]);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as { totals: { memoryBytes: number; cpuMillis: number } };
    expect(report.totals).toMatchObject({ memoryBytes: 2 * 192 * 1024 ** 2, cpuMillis: 300 });
  });

  it("check refuses a targetPort no container declares: exit 2, file and line, no stack", async () => {
    const file = join(dir, "bad.yaml");
    await writeFile(file, PLAN.replace("targetPort: exporter", "targetPort: exportr").replace("probe: {http: /healthz}", "probe: {grpc: 9000}"));
    const run = await runCli(["check", file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${file}:13:`);
    expect(run.stderr).toContain("targetPort `exportr` is not a port any container of the pod declares (declared: http, exporter)");
    expect(run.stderr).toContain(`${file}:14:`);
    expect(run.stderr).toContain("probe port 9000 is not a port the main container declares (declared: 8080)");
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
