import { readPlanDocument } from "@openpolicy/core";
import type { Service } from "@openpolicy/core";
import type { Command } from "../command.js";
import { formatOption, intOption, singleArg } from "../command.js";
import { EXIT } from "../exit-codes.js";
import type { Connected } from "../kube-connect.js";
import { KUBE_HELP, KUBE_OPTIONS, connectCluster, credentialRedactor, kubeTarget, loadKubernetes, messageOf, parseEndpoints, selectServices } from "../kube-connect.js";

export interface ValidateRow {
  service: string;
  check: string;
  target: string;
  ok: boolean;
  reason: string;
  ms: number;
}

export function rowsTable(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  ").trimEnd()).join("\n");
}

export const validateCommand: Command = {
  name: "validate",
  summary: "Check each service with its real protocol (PostgreSQL, Redis, AMQP, HTTP, TCP)",
  args: "<plan>",
  options: { ...KUBE_OPTIONS, endpoint: { type: "string", multiple: true }, service: { type: "string", multiple: true }, timeout: { type: "string" } },
  help: [
    "-f, --format FORMAT      text (default) or json",
    "    --endpoint S=H:P     reach service S at host:port (repeatable), e.g. a docker-compose or dev",
    "                         server; other services are reached through a port-forward via the cluster",
    "    --service S          check only these services (repeatable; default all)",
    "    --timeout MS         bound on each check (default 5000)",
    ...KUBE_HELP,
    "Credentials come from the environment: OPDEPLOY_POSTGRES_USER/_PASSWORD/_DATABASE,",
    "OPDEPLOY_REDIS_USER/_PASSWORD, OPDEPLOY_RABBITMQ_USER/_PASSWORD/_VHOST (never from the plan).",
  ],
  async run(parsed, io) {
    const format = formatOption(parsed, "validate", ["text", "json"] as const);
    const file = singleArg(parsed, "validate", "plan file");
    const timeoutMs = intOption(parsed, "validate", "timeout", 5000, 1);
    const doc = await readPlanDocument(file);
    const plan = doc.plan;
    const endpoints = parseEndpoints("validate", parsed, plan);
    const names = selectServices("validate", parsed, plan);
    const k8s = await loadKubernetes();
    const wantsCluster = names.some((n) => !endpoints.has(n) && plan.services.get(n)!.validate.kind !== "none");
    // Only connect when some service has no --endpoint: local runs need no kubeconfig at all.
    const connected: Connected | undefined = wantsCluster ? await connectCluster("validate", parsed, plan, io) : undefined;
    const redactKube = connected?.redact ?? credentialRedactor(k8s, kubeTarget(parsed, plan));
    const rows: ValidateRow[] = [];
    try {
      for (const name of names) {
        const service: Service = plan.services.get(name)!;
        const credentials = k8s.credentialsFromEnv(service.validate.kind, io.env);
        const redact = (text: string) => k8s.redactSecrets(redactKube(text), [credentials.password]);
        const row: ValidateRow = { service: name, check: service.validate.kind, target: "", ok: false, reason: "", ms: 0 };
        rows.push(row);
        if (service.validate.kind === "none") {
          Object.assign(row, { ok: true, reason: "no validation configured (nothing checked)" });
          continue;
        }
        let endpoint: { host: string; port: number; close?: () => Promise<void> } | undefined = endpoints.get(name);
        try {
          if (!endpoint) {
            endpoint = await k8s.portForwardEndpoint(service, connected!.cluster);
            if (!endpoint) {
              Object.assign(row, { ok: false, reason: "no port to check (the service has no port)" });
              continue;
            }
          }
          const chosen = endpoint;
          // The endpoint is the port to dial, whatever port the plan names for http/tcp checks.
          const result = await k8s.validateService(service.validate, chosen, credentials, { timeoutMs, resolvePort: () => chosen.port });
          Object.assign(row, { target: result.target, ok: result.ok, reason: redact(result.reason ?? "ok"), ms: result.durationMs });
        } catch (error) {
          Object.assign(row, { ok: false, reason: redact(messageOf(error)) });
        } finally {
          await endpoint?.close?.();
        }
      }
    } finally {
      await connected?.cluster.close();
    }
    const failed = rows.filter((r) => !r.ok);
    if (format === "json") io.out(JSON.stringify({ ok: failed.length === 0, results: rows }, null, 2));
    else {
      io.out(rowsTable([["SERVICE", "CHECK", "OK", "REASON", "MS"], ...rows.map((r) => [r.service, r.check, r.ok ? "ok" : "FAIL", r.reason, String(r.ms)])]));
      io.err(failed.length === 0 ? `${rows.length} service(s) passed validation` : `${failed.length} of ${rows.length} service(s) failed validation: ${failed.map((r) => r.service).join(", ")}`);
    }
    return failed.length === 0 ? EXIT.ok : EXIT.failed;
  },
};
