import { readPlanDocument } from "@openpolicy/core";
import type { Command } from "../command.js";
import { formatOption, intOption, singleArg } from "../command.js";
import { CliError, EXIT } from "../exit-codes.js";
import type { Connected } from "../kube-connect.js";
import { KUBE_HELP, KUBE_OPTIONS, connectCluster, loadKubernetes, messageOf, parseEndpoints, selectServices } from "../kube-connect.js";
import { createProgress } from "../progress.js";
import { rowsTable } from "./validate.js";

type Stats = {
  errorRatePercent: number;
  total: number;
  latencyMs: { average: number; p50: number; p95: number; p99: number } | null;
  unreachable: boolean;
  errorCodes: Record<string, number>;
  timeouts: number;
};

/** A service that gave not one response is an error of its own, whatever the triggers say. */
function unreachable(name: string, stats: Stats, describe: (codes: Record<string, number>) => string): string[] {
  if (!stats.unreachable) return [];
  const why = Object.keys(stats.errorCodes).length > 0 ? describe(stats.errorCodes) : `${stats.timeouts} request(s) timed out`;
  return [`${name}: no response: ${why}`];
}

/** Where the figures go over the plan's rollback triggers (latency: average ms; errorRate: %). */
function breaches(name: string, stats: Stats, latency: number | undefined, errorRate: number | undefined): string[] {
  const out: string[] = [];
  if (latency !== undefined && stats.latencyMs !== null && stats.latencyMs.average > latency) {
    out.push(`${name}: average latency ${stats.latencyMs.average} ms > rollback trigger ${latency} ms`);
  }
  if (latency !== undefined && stats.latencyMs === null) out.push(`${name}: no response measured, latency unknown (trigger ${latency} ms)`);
  if (errorRate !== undefined && stats.errorRatePercent > errorRate) out.push(`${name}: error rate ${stats.errorRatePercent}% > rollback trigger ${errorRate}%`);
  return out;
}

const ms = (value: number | undefined) => (value === undefined ? "-" : value.toFixed(1));

type Row = Stats & { requestsPerSecond: number };

/** The text report: one row per service and overall, the triggers, then errors and breaches. */
function perfText(report: { services: (Row & { service: string })[]; overall: Row }, triggers: { latency?: number | undefined; errorRate?: number | undefined }, errors: string[], over: string[]): string {
  const row = (name: string, s: Row) => [
    name,
    String(s.total),
    s.unreachable ? "-" : s.requestsPerSecond.toFixed(0),
    ms(s.latencyMs?.average),
    ms(s.latencyMs?.p50),
    ms(s.latencyMs?.p95),
    ms(s.latencyMs?.p99),
    `${s.errorRatePercent}%`,
  ];
  const { latency, errorRate } = triggers;
  return [
    rowsTable([["SERVICE", "REQUESTS", "REQ/S", "AVG MS", "P50", "P95", "P99", "ERRORS"], ...report.services.map((s) => row(s.service, s)), row("overall", report.overall)]),
    "",
    `rollback triggers: latency ${latency !== undefined ? `${latency} ms` : "not set"}, error rate ${errorRate !== undefined ? `${errorRate}%` : "not set"}`,
    ...errors.map((e) => `ERROR: ${e}`),
    ...(over.length === 0 ? (errors.length === 0 ? ["within the triggers"] : []) : over.map((b) => `OVER: ${b}`)),
  ].join("\n");
}

export const perfCommand: Command = {
  name: "perf",
  summary: "Load the HTTP services briefly and compare latency and error rate with the rollback triggers",
  args: "<plan>",
  options: {
    ...KUBE_OPTIONS,
    endpoint: { type: "string", multiple: true },
    service: { type: "string", multiple: true },
    duration: { type: "string" },
    connections: { type: "string" },
  },
  help: [
    "-f, --format FORMAT      text (default) or json",
    "    --endpoint S=H:P     reach service S at host:port (loopback only; repeatable); other services",
    "                         are reached through a port-forward via the cluster",
    "    --service S          measure only these services (repeatable; default every HTTP service)",
    "    --duration S         seconds of load per service (1..60, default 5)",
    "    --connections N      concurrent connections per service (1..64, default 4)",
    ...KUBE_HELP,
  ],
  async run(parsed, io) {
    const format = formatOption(parsed, "perf", ["text", "json"] as const);
    const file = singleArg(parsed, "perf", "plan file");
    const durationSeconds = intOption(parsed, "perf", "duration", 5, 1);
    const connections = intOption(parsed, "perf", "connections", 4, 1);
    if (durationSeconds > 60) throw new CliError(`opdeploy perf: --duration must be at most 60 (got ${durationSeconds})`);
    if (connections > 64) throw new CliError(`opdeploy perf: --connections must be at most 64 (got ${connections})`);
    const doc = await readPlanDocument(file);
    const plan = doc.plan;
    const endpoints = parseEndpoints("perf", parsed, plan);
    const chosen = selectServices("perf", parsed, plan);
    const http = chosen.filter((n) => plan.services.get(n)!.validate.kind === "http");
    if (http.length === 0) {
      throw new CliError(`opdeploy perf: no HTTP service to measure${parsed.values.service ? " among --service" : ""} (perf loads services whose validate is {http: PATH})`);
    }
    const k8s = await loadKubernetes();
    const connected: Connected | undefined = http.some((n) => !endpoints.has(n)) ? await connectCluster("perf", parsed, plan, io) : undefined;
    const forwards: { close(): Promise<void> }[] = [];
    const progress = createProgress(io);
    try {
      const targets = [];
      for (const name of http) {
        const service = plan.services.get(name)!;
        let endpoint: { host: string; port: number } | undefined = endpoints.get(name);
        if (!endpoint) {
          try {
            const forward = await k8s.portForwardEndpoint(service, connected!.cluster);
            if (!forward) throw new Error(`${name} has no port`);
            forwards.push(forward);
            endpoint = forward;
          } catch (error) {
            throw new CliError(`opdeploy perf: cannot reach ${name}: ${connected!.redact(messageOf(error))}`, EXIT.cluster);
          }
        }
        const path = service.validate.kind === "http" ? service.validate.path : "/";
        const host = endpoint.host.includes(":") ? `[${endpoint.host}]` : endpoint.host;
        targets.push({ service: name, url: `http://${host}:${endpoint.port}${path.startsWith("/") ? path : `/${path}`}` });
      }
      progress.update(`measuring ${targets.length} service(s), ${durationSeconds} s each, ${connections} connection(s)`, { lasting: true });
      let report: Awaited<ReturnType<typeof k8s.runPerfProbe>>;
      try {
        report = await k8s.runPerfProbe(targets, { durationSeconds, connections });
      } catch (error) {
        // Bad targets (not loopback / in-cluster) and bad bounds: unusable input.
        throw new CliError(`opdeploy perf: ${messageOf(error)}`);
      }
      progress.done();
      const { latency, errorRate } = plan.rollback;
      const errors = report.services.flatMap((s) => unreachable(s.service, s, k8s.describeErrorCodes));
      const over = [...report.services.flatMap((s) => breaches(s.service, s, latency, errorRate)), ...breaches("overall", report.overall, latency, errorRate)];
      const ok = over.length === 0 && errors.length === 0;
      if (format === "json") {
        io.out(JSON.stringify({ ...report, triggers: { latencyMs: latency ?? null, errorRatePercent: errorRate ?? null }, errors, breaches: over, ok }, null, 2));
      } else {
        io.out(perfText(report, { latency, errorRate }, errors, over));
      }
      return ok ? EXIT.ok : EXIT.failed;
    } finally {
      progress.done();
      for (const f of forwards) await f.close();
      await connected?.cluster.close();
    }
  },
};
