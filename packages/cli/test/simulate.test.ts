import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildCli, runCli } from "./run-cli.js";

const EXAMPLE = "examples/openpolicy/plan.yaml";
const PREVIOUS = "examples/openpolicy/plan.previous.yaml";

interface SimJson {
  verdict: "succeeded" | "rolled-back" | "failed";
  durationSeconds: number;
  phases: { name: string; status: string }[];
  events: { t: number; type: string; service?: string; message: string }[];
  failure?: { reason: string; service?: string; detectionSeconds: number };
}

let dir: string;
beforeAll(async () => {
  await buildCli();
  dir = await mkdtemp(join(tmpdir(), "opdeploy-simulate-"));
}, 60_000);

/** The example plan with one more service in the last phase. */
async function exampleWith(name: string, serviceLine: string): Promise<string> {
  const text = await readFile(EXAMPLE, "utf8");
  const changed = text
    .replace("services: [cache-service, web, admin, mobile-api]", `services: [cache-service, web, admin, mobile-api, ${name}]`)
    .concat(`  ${name}: ${serviceLine}\n`);
  expect(changed).not.toBe(text);
  const file = join(dir, `${name}.yaml`);
  await writeFile(file, changed);
  return file;
}

async function simulateJson(args: string[]): Promise<{ code: number; result: SimJson; stderr: string }> {
  const run = await runCli(["simulate", ...args, "--format", "json"]);
  return { code: run.code, result: JSON.parse(run.stdout) as SimJson, stderr: run.stderr };
}

const types = (r: SimJson) => new Set(r.events.map((e) => e.type));

describe("opdeploy simulate", () => {
  it("rehearses the example on the 8Gi/16-core node: every phase and gate, exit 0", async () => {
    const { code, result } = await simulateJson([EXAMPLE]);
    expect(code).toBe(0);
    expect(result.verdict).toBe("succeeded");
    expect(result.durationSeconds).toBeGreaterThan(0);
    expect(result.phases.map((p) => [p.name, p.status])).toEqual([
      ["infrastructure", "succeeded"],
      ["business", "succeeded"],
      ["operational", "succeeded"],
      ["interface", "succeeded"],
      ["utility", "succeeded"],
    ]);
    const count = (type: string) => result.events.filter((e) => e.type === type).length;
    expect(count("PhaseStarted")).toBe(5);
    expect(count("PhaseSucceeded")).toBe(5);
    expect(count("GatePassed")).toBe(5);
    expect(count("Ready")).toBeGreaterThanOrEqual(26);
    expect(count("Scheduled")).toBeGreaterThanOrEqual(26);
    // Events are in time order and carry simulated seconds.
    const times = result.events.map((e) => e.t);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it("gives byte-identical JSON for the same seed", async () => {
    const [a, b] = await Promise.all([
      runCli(["simulate", EXAMPLE, "--seed", "7", "-f", "json"]),
      runCli(["simulate", EXAMPLE, "--seed", "7", "-f", "json"]),
    ]);
    expect(a.stdout.length).toBeGreaterThan(1000);
    expect(a.stdout).toBe(b.stdout);
  });

  it("shows OOMKilled, BackOff and a rollback for a service whose usage exceeds its limit (exit 1)", async () => {
    const file = await exampleWith("leaky-service", "{memory: 128Mi, cpu: 50m, port: 9100, validate: {http: /healthz}, usage: {memory: 300Mi}}");
    const { code, result } = await simulateJson([file]);
    expect(code).toBe(1);
    expect(result.verdict).toBe("rolled-back");
    const seen = types(result);
    for (const type of ["OOMKilled", "BackOff", "RollbackTriggered", "RolledBack"]) expect(seen).toContain(type);
    expect(result.events.find((e) => e.type === "OOMKilled")!.service).toBe("leaky-service");
    expect(result.phases.find((p) => p.name === "utility")!.status).toBe("rolled-back");
  });

  it("fails a phase whose requests overflow the node within one probe period, with Kubernetes' FailedScheduling message", async () => {
    const file = await exampleWith("bulk-service", "{memory: 4Gi, cpu: 500m, port: 9101, validate: {http: /healthz}}");
    const { code, result } = await simulateJson([file]);
    expect(code).toBe(1);
    expect(result.verdict).not.toBe("succeeded");
    const pending = result.events.find((e) => e.type === "FailedScheduling" && e.service === "bulk-service");
    expect(pending?.message).toBe("0/1 nodes are available: 1 Insufficient memory. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod..");
    expect(result.failure).toMatchObject({ reason: "Unschedulable", service: "bulk-service" });
    expect(result.failure!.detectionSeconds).toBeLessThanOrEqual(10);
  });

  it("--from the old 512Mi revision reproduces the surge Pending of the user's cluster", async () => {
    const { code, result } = await simulateJson([EXAMPLE, "--from", PREVIOUS]);
    expect(code).toBe(1);
    const pending = result.events.find((e) => e.type === "FailedScheduling" && e.service === "scraper-service");
    expect(pending?.message).toContain("Insufficient memory");
    expect(result.failure?.service).toBe("scraper-service");
    // The old revision keeps running: rollback never removes what was there before.
    expect(result.events.filter((e) => e.type === "RolledBack").map((e) => e.message).join("\n")).not.toMatch(/removed scraper-service/);
  });

  it("injects faults from --fault and reports bad ones as unusable input (exit 2)", async () => {
    const crash = await simulateJson([EXAMPLE, "--fault", "crash:rabbitmq"]);
    expect(crash.code).toBe(1);
    expect(types(crash.result)).toContain("BackOff");
    expect(crash.result.failure?.service).toBe("rabbitmq");
    const bad = await runCli(["simulate", EXAMPLE, "--fault", "explode:rabbitmq"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("explode:rabbitmq");
  });

  it("--runs reports success probability and makespan percentiles", async () => {
    const run = await runCli(["simulate", EXAMPLE, "--runs", "25", "-f", "json"]);
    expect(run.code).toBe(0);
    const risk = JSON.parse(run.stdout) as { runs: number; successProbability: number; makespan: { p50: number; p95: number } };
    expect(risk.runs).toBe(25);
    expect(risk.successProbability).toBe(1);
    expect(risk.makespan.p95).toBeGreaterThanOrEqual(risk.makespan.p50);
  });

  it("--strict refuses a plan with check errors", async () => {
    const run = await runCli(["simulate", EXAMPLE, "--strict"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("check error");
  });

  it("prints Markdown with a Mermaid gantt and memory chart, and a self-contained HTML page", async () => {
    const [md, html] = await Promise.all([runCli(["simulate", EXAMPLE, "-f", "markdown"]), runCli(["simulate", EXAMPLE, "-f", "html"])]);
    expect(md.stdout).toMatch(/```mermaid\ngantt/);
    expect(md.stdout).toMatch(/```mermaid\nxychart-beta/);
    expect(html.stdout).toMatch(/^<!DOCTYPE html>/i);
    expect(html.stdout).toContain("<svg");
    expect(html.stdout).not.toMatch(/<script[^>]+src=|<link[^>]+href="http/);
  });
});
