/**
 * `opdeploy validate` and `opdeploy perf` through the bundled CLI, against real servers on this
 * machine: PostgreSQL, Redis and RabbitMQ (scripts/services.sh, started by the vitest
 * globalSetup; the suite skips with the reason where they are not installed) and node:http
 * servers standing in for the HTTP services. Endpoints come from --endpoint, as for a local
 * docker-compose or dev setup; no cluster is involved.
 */
import { createServer, type Server } from "node:http";
import { mkdtemp, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCli, runCli } from "./run-cli.js";
import { localServicesModule, type LocalServices } from "./simulator-test-helpers.js";

const { ensureLocalServices, missingServiceReason } = await localServicesModule();

const PLAN = `name: local
cluster:
  nodes:
    - {count: 1, memory: 8Gi, cpu: "4"}
rollback: {memory: 85%, unhealthy: 20%, latency: 500ms, errorRate: 5%}
phases:
  - name: infrastructure
    services: [postgresql, redis, rabbitmq]
  - name: apps
    services: [web, failing-web]
services:
  postgresql:  {memory: 256Mi, cpu: 100m, port: 5432, validate: postgres}
  redis:       {memory: 64Mi, cpu: 50m, port: 6379, validate: redis}
  rabbitmq:    {memory: 256Mi, cpu: 100m, port: 5672, validate: rabbitmq}
  web:         {memory: 64Mi, cpu: 50m, port: 8080, validate: {http: /healthz}}
  failing-web: {memory: 64Mi, cpu: 50m, port: 8081, validate: {http: /healthz}}
`;

let planFile: string;
let web: Server;
let failing: Server;
let closedPort: number;
const portOf = (s: Server) => (s.address() as AddressInfo).port;

function listen(handler: Parameters<typeof createServer>[1]): Promise<Server> {
  const server = createServer(handler);
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

beforeAll(async () => {
  await buildCli();
  const dir = await mkdtemp(join(tmpdir(), "opdeploy-validate-"));
  planFile = join(dir, "local.yaml");
  await writeFile(planFile, PLAN);
  web = await listen((req, res) => {
    res.writeHead(req.url === "/healthz" ? 200 : 404, { "content-type": "text/plain" });
    res.end("ok\n");
  });
  failing = await listen((_req, res) => {
    res.writeHead(500);
    res.end("boom\n");
  });
  // A port nothing listens on: bind one, then let it go.
  const probe = await listen(() => {});
  closedPort = portOf(probe);
  await new Promise((resolve) => probe.close(resolve));
}, 60_000);

afterAll(async () => {
  await new Promise((resolve) => web.close(resolve));
  await new Promise((resolve) => failing.close(resolve));
});

interface ValidateJson {
  ok: boolean;
  results: { service: string; check: string; ok: boolean; reason: string; ms: number; target: string }[];
}

describe("opdeploy validate (HTTP, no cluster)", () => {
  it("checks only the --service given, at its --endpoint, without any kubeconfig", async () => {
    const run = await runCli(["validate", planFile, "--service", "web", "--endpoint", `web=127.0.0.1:${portOf(web)}`, "-f", "json"], {
      env: { KUBECONFIG: "/nonexistent/kubeconfig" },
    });
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout) as ValidateJson;
    expect(json.results).toEqual([expect.objectContaining({ service: "web", check: "http", ok: true, target: `127.0.0.1:${portOf(web)}` })]);
  });

  it("fails (exit 1) on a 500 and on a closed port, with the reason in the table", async () => {
    const run = await runCli([
      "validate",
      planFile,
      "--service",
      "web",
      "--service",
      "failing-web",
      "--endpoint",
      `failing-web=127.0.0.1:${portOf(failing)}`,
      "--endpoint",
      `web=127.0.0.1:${closedPort}`,
    ]);
    expect(run.code).toBe(1);
    const [header, ...rows] = run.stdout.trimEnd().split("\n");
    expect(header).toMatch(/^SERVICE\s+CHECK\s+OK\s+REASON\s+MS$/);
    expect(rows.find((r) => r.startsWith("web "))).toMatch(/FAIL\s+.*refused/i);
    expect(rows.find((r) => r.startsWith("failing-web"))).toMatch(/FAIL\s+.*500/);
    expect(run.stderr).toContain("2 of 2 service(s) failed validation");
  });

  it("refuses unknown services and malformed endpoints (exit 2); without an endpoint it needs the cluster (exit 3)", async () => {
    expect((await runCli(["validate", planFile, "--service", "nope"])).code).toBe(2);
    expect((await runCli(["validate", planFile, "--endpoint", "web=127.0.0.1"])).code).toBe(2);
    const dir = await mkdtemp(join(tmpdir(), "opdeploy-kc-"));
    const kubeconfig = join(dir, "config");
    await writeFile(
      kubeconfig,
      `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: "http://127.0.0.1:${closedPort}"}\nusers:\n- name: u\n  user: {token: tok-secret-123456}\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\n`,
    );
    const run = await runCli(["validate", planFile, "--service", "web", "--kubeconfig", kubeconfig]);
    expect(run.code).toBe(3);
    expect(run.stderr + run.stdout).not.toContain("tok-secret-123456");
  });
});

const missing = (["postgres", "redis", "rabbitmq"] as const).map((s) => missingServiceReason(s)).filter((r): r is string => r !== undefined);
if (missing.length > 0) console.warn(`skipping validate against PostgreSQL/Redis/RabbitMQ: ${missing.join("; ")}`);

describe.skipIf(missing.length > 0)("opdeploy validate (PostgreSQL, Redis, RabbitMQ)", () => {
  let services: LocalServices;
  let endpoints: string[];
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    services = await ensureLocalServices(["postgres", "redis", "rabbitmq"]);
    const { postgres, redis, rabbitmq } = services as Required<LocalServices>;
    endpoints = [
      ["postgresql", postgres],
      ["redis", redis],
      ["rabbitmq", rabbitmq],
      ["web", { host: "127.0.0.1", port: portOf(web) }],
    ].flatMap(([name, s]) => ["--endpoint", `${name as string}=${(s as { host: string }).host}:${(s as { port: number }).port}`]);
    env = {
      OPDEPLOY_POSTGRES_USER: postgres.user,
      OPDEPLOY_POSTGRES_PASSWORD: postgres.password,
      OPDEPLOY_POSTGRES_DATABASE: postgres.database,
      OPDEPLOY_REDIS_PASSWORD: redis.password,
      OPDEPLOY_RABBITMQ_USER: rabbitmq.user,
      OPDEPLOY_RABBITMQ_PASSWORD: rabbitmq.password,
      OPDEPLOY_RABBITMQ_VHOST: rabbitmq.vhost,
    };
  }, 300_000);

  const serviceArgs = ["--service", "postgresql", "--service", "redis", "--service", "rabbitmq", "--service", "web"];

  it("passes every protocol check with the credentials from the environment (exit 0)", async () => {
    const run = await runCli(["validate", planFile, ...serviceArgs, ...endpoints, "-f", "json"], { env });
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout) as ValidateJson;
    expect(json.ok).toBe(true);
    expect(json.results.map((r) => [r.service, r.check, r.ok])).toEqual([
      ["postgresql", "postgres", true],
      ["redis", "redis", true],
      ["rabbitmq", "rabbitmq", true],
      ["web", "http", true],
    ]);
    for (const r of json.results) expect(r.ms).toBeGreaterThanOrEqual(0);
  });

  it("fails with the server's reason on a wrong password, never printing it (exit 1)", async () => {
    const wrong = "Wr0ng-pa55word-xyz";
    const run = await runCli(["validate", planFile, ...serviceArgs, ...endpoints], {
      env: { ...env, OPDEPLOY_POSTGRES_PASSWORD: wrong, OPDEPLOY_REDIS_PASSWORD: wrong },
    });
    expect(run.code).toBe(1);
    const row = (name: string) => run.stdout.split("\n").find((l) => l.startsWith(`${name} `)) ?? "";
    expect(row("postgresql")).toMatch(/FAIL\s+.*password authentication failed/);
    expect(row("redis")).toMatch(/FAIL/);
    expect(row("rabbitmq")).toMatch(/\bok\b/);
    expect(run.stdout + run.stderr).not.toContain(wrong);
    expect(run.stdout + run.stderr).not.toContain(services.postgres!.password);
  });

  it("reports a closed port as a failed check (exit 1)", async () => {
    const run = await runCli(["validate", planFile, "--service", "postgresql", "--endpoint", `postgresql=127.0.0.1:${closedPort}`, "-f", "json"], { env });
    expect(run.code).toBe(1);
    const json = JSON.parse(run.stdout) as ValidateJson;
    expect(json.results[0]).toMatchObject({ service: "postgresql", ok: false });
    expect(json.results[0]!.reason).toMatch(/refused/i);
  });
});

interface PerfJson {
  services: { service: string; total: number; errorRatePercent: number; latencyMs: { average: number; p50: number; p95: number; p99: number } | null }[];
  overall: { total: number; errorRatePercent: number };
  triggers: { latencyMs: number; errorRatePercent: number };
  breaches: string[];
}

describe("opdeploy perf", () => {
  it("measures an HTTP service: latency percentiles and error rate within the plan's triggers (exit 0)", async () => {
    const run = await runCli(["perf", planFile, "--service", "web", "--endpoint", `web=127.0.0.1:${portOf(web)}`, "--duration", "1", "--connections", "2", "-f", "json"]);
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout) as PerfJson;
    expect(json.triggers).toEqual({ latencyMs: 500, errorRatePercent: 5 });
    const [web0] = json.services;
    expect(web0!.service).toBe("web");
    expect(web0!.total).toBeGreaterThan(10);
    expect(web0!.errorRatePercent).toBe(0);
    const l = web0!.latencyMs!;
    expect(l.p50).toBeLessThanOrEqual(l.p95);
    expect(l.p95).toBeLessThanOrEqual(l.p99);
    expect(json.overall.total).toBe(web0!.total);
    expect(json.breaches).toEqual([]);
  });

  it("exits 1 when the error rate is above the rollback trigger, per service and overall", async () => {
    const run = await runCli([
      "perf",
      planFile,
      "--endpoint",
      `web=127.0.0.1:${portOf(web)}`,
      "--endpoint",
      `failing-web=127.0.0.1:${portOf(failing)}`,
      "--duration",
      "1",
      "--connections",
      "2",
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^SERVICE\s+REQUESTS\s+REQ\/S\s+AVG MS\s+P50\s+P95\s+P99\s+ERRORS$/m);
    expect(run.stdout).toMatch(/^failing-web\s.*\s100%$/m);
    expect(run.stdout).toMatch(/^web\s.*\s0%$/m);
    expect(run.stdout).toContain("OVER: failing-web: error rate 100% > rollback trigger 5%");
    expect(run.stdout).toMatch(/OVER: overall: error rate [\d.]+% > rollback trigger 5%/);
    expect(run.stdout).not.toMatch(/OVER: web:/);
  });

  it("refuses to load anything but loopback (exit 2)", async () => {
    const run = await runCli(["perf", planFile, "--service", "web", "--endpoint", "web=93.184.216.34:80", "--duration", "1"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("refusing to send load to 93.184.216.34");
  });
});
