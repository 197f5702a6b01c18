/**
 * The user's seed plan (/work/shared/seed/000_08b890caca7d35fc.txt, "PLANNED DEPLOYMENT STRATEGY -
 * OPENPOLICY PLATFORM") as a normalized Plan, with its deliberate defects intact: ports 9015 and
 * 9016 used twice, api-gateway depending on "All services" (a cycle with web/admin/mobile-api,
 * which deploy after it), a 50% memory target against 5,888Mi = 71.9% of 8Gi, and phase 2
 * declared as 1.15Gi where its rows add up to 1,152Mi.
 *
 * Lines are the seed document's own, so locations in findings point where a reader would look.
 * The document gives no limits; `limitsFactor: 2` reproduces the manifests' 2× requests
 * (128Mi/256Mi, scraper 1Gi/2Gi). Validation follows the "Validation" column where there is one;
 * the application rows have none, and the platform's apps serve /healthz, so they get an HTTP check
 * unless `appValidation: "none"` asks for the document as written.
 */
import type { Plan, Validation } from "../../src/plan/model.js";
import { Gi, Mi, PlanBuilder } from "./plan-builder.js";

export const OPENPOLICY_PLAN_FILE = "PLANNED_DEPLOYMENT.md";

export interface OpenPolicyPlanOptions {
  /** Limits as a multiple of requests; absent means no limits (as the document). */
  limitsFactor?: number;
  replicas?: number;
  appValidation?: "http" | "none";
  /** Reserved per node; the document's percentages assume none (allocatable = 8Gi). */
  reserved?: { memory: number; cpu: number };
}

interface Row {
  name: string;
  memory: number;
  cpu: number;
  port: number;
  deps: string[] | "*";
  line: number;
  validate?: Validation;
  startupSeconds?: number;
  infra?: boolean;
}

const ROWS: Row[] = [
  { name: "postgresql", memory: 1 * Gi, cpu: 500, port: 5432, deps: [], line: 34, validate: { kind: "postgres" }, startupSeconds: 15, infra: true },
  { name: "scraper-service", memory: 1 * Gi, cpu: 500, port: 9016, deps: ["postgresql"], line: 35, validate: { kind: "http", path: "/healthz" }, startupSeconds: 60 },
  { name: "redis", memory: 512 * Mi, cpu: 200, port: 6379, deps: [], line: 36, validate: { kind: "redis" }, startupSeconds: 5, infra: true },
  { name: "rabbitmq", memory: 512 * Mi, cpu: 250, port: 5672, deps: [], line: 37, validate: { kind: "rabbitmq" }, startupSeconds: 25, infra: true },
  { name: "database-service", memory: 128 * Mi, cpu: 50, port: 9015, deps: ["postgresql"], line: 54 },
  { name: "storage-service", memory: 128 * Mi, cpu: 50, port: 9018, deps: ["postgresql"], line: 55 },
  { name: "search-service", memory: 128 * Mi, cpu: 100, port: 9019, deps: ["postgresql"], line: 56 },
  { name: "etl", memory: 128 * Mi, cpu: 50, port: 8007, deps: ["postgresql", "rabbitmq"], line: 61 },
  { name: "op-import", memory: 128 * Mi, cpu: 100, port: 9015, deps: ["postgresql", "rabbitmq"], line: 62 },
  { name: "queue-service", memory: 128 * Mi, cpu: 50, port: 9017, deps: ["rabbitmq"], line: 63 },
  { name: "auth-service", memory: 128 * Mi, cpu: 50, port: 9002, deps: ["postgresql", "redis"], line: 68 },
  { name: "config-service", memory: 128 * Mi, cpu: 50, port: 9003, deps: ["postgresql"], line: 69 },
  { name: "policy-service", memory: 128 * Mi, cpu: 100, port: 9004, deps: ["postgresql"], line: 70 },
  { name: "monitoring-service", memory: 128 * Mi, cpu: 50, port: 9010, deps: ["postgresql", "redis"], line: 87 },
  { name: "health-service", memory: 128 * Mi, cpu: 50, port: 9005, deps: ["postgresql"], line: 88 },
  { name: "error-reporting-service", memory: 128 * Mi, cpu: 50, port: 9024, deps: ["postgresql"], line: 89 },
  { name: "analytics-service", memory: 128 * Mi, cpu: 50, port: 9006, deps: ["postgresql", "redis"], line: 94 },
  { name: "audit-service", memory: 128 * Mi, cpu: 50, port: 9007, deps: ["postgresql"], line: 95 },
  { name: "opa-service", memory: 128 * Mi, cpu: 50, port: 9008, deps: ["postgresql"], line: 96 },
  { name: "api-gateway", memory: 128 * Mi, cpu: 50, port: 9001, deps: "*", line: 112, startupSeconds: 20 },
  { name: "notification-service", memory: 128 * Mi, cpu: 100, port: 9009, deps: ["postgresql", "rabbitmq"], line: 113 },
  { name: "mcp-service", memory: 128 * Mi, cpu: 50, port: 9011, deps: ["postgresql"], line: 114 },
  { name: "cache-service", memory: 128 * Mi, cpu: 50, port: 9016, deps: ["redis"], line: 130 },
  { name: "web", memory: 128 * Mi, cpu: 50, port: 3000, deps: ["api-gateway"], line: 131, startupSeconds: 20 },
  { name: "admin", memory: 128 * Mi, cpu: 50, port: 3001, deps: ["api-gateway"], line: 132, startupSeconds: 20 },
  { name: "mobile-api", memory: 128 * Mi, cpu: 50, port: 8000, deps: ["api-gateway"], line: 133, startupSeconds: 20 },
];

export const OPENPOLICY_SERVICE_NAMES: readonly string[] = ROWS.map((r) => r.name);

export function openPolicyPlan(options: OpenPolicyPlanOptions = {}): Plan {
  const b = new PlanBuilder("openpolicy-platform", OPENPOLICY_PLAN_FILE);
  b.budget({ memory: 50 }, 17);
  b.cluster({ nodes: 1, memory: 8 * Gi, cpu: 16_000, reserved: options.reserved ?? { memory: 0, cpu: 0 } }, 153);
  for (const row of ROWS) {
    const validate: Validation =
      row.validate ?? (options.appValidation === "none" ? { kind: "none" } : { kind: "http", path: "/healthz", port: row.port });
    const factor = options.limitsFactor;
    b.service(row.name, {
      memory: row.memory,
      cpu: row.cpu,
      ...(factor !== undefined ? { limits: { memory: row.memory * factor, cpu: row.cpu * factor } } : {}),
      replicas: options.replicas ?? 1,
      port: row.port,
      ...(row.deps === "*" ? { dependsOnAll: true } : { dependsOn: row.deps }),
      validate,
      startupSeconds: row.startupSeconds ?? 40,
      kind: row.infra ? "StatefulSet" : "Deployment",
      persistent: row.infra ?? false,
      line: row.line,
    });
  }
  const healthy = 100;
  b.phase("Phase 1", {
    line: 26,
    sequential: true,
    batches: [["postgresql", "scraper-service", "redis", "rabbitmq"]],
    batchLines: [34, 35, 36, 37],
    batchNames: ["Phase 1 step 1", "Phase 1 step 2", "Phase 1 step 3", "Phase 1 step 4"],
    gate: { memory: 40, healthy, line: 190 },
    declared: { memory: 3 * Gi, cpu: 1450, memoryText: "3Gi", cpuText: "1.45", line: 39 },
    expectedSeconds: [900, 1200],
  });
  b.phase("Phase 2", {
    line: 45,
    batches: [
      ["database-service", "storage-service", "search-service"],
      ["etl", "op-import", "queue-service"],
      ["auth-service", "config-service", "policy-service"],
    ],
    batchNames: ["Batch 2.1", "Batch 2.2", "Batch 2.3"],
    batchLines: [51, 58, 65],
    gate: { memory: 60, healthy, line: 208 },
    // 1.15Gi = 1,234,803,098 bytes once rounded up, as Quantity.Value() does.
    declared: { memory: Math.ceil(1.15 * Gi), cpu: 600, memoryText: "1.15Gi", cpuText: "600m", line: 72 },
    expectedSeconds: [1200, 1500],
  });
  b.phase("Phase 3", {
    line: 78,
    batches: [
      ["monitoring-service", "health-service", "error-reporting-service"],
      ["analytics-service", "audit-service", "opa-service"],
    ],
    batchNames: ["Batch 3.1", "Batch 3.2"],
    batchLines: [84, 91],
    gate: { memory: 70, healthy, line: 221 },
    declared: { memory: 768 * Mi, cpu: 300, memoryText: "768Mi", cpuText: "300m", line: 98 },
    expectedSeconds: [900, 1200],
  });
  b.phase("Phase 4", {
    line: 104,
    batches: [["api-gateway", "notification-service", "mcp-service"]],
    batchNames: ["Phase 4"],
    batchLines: [112],
    gate: { memory: 75, healthy, line: 229 },
    declared: { memory: 384 * Mi, cpu: 200, memoryText: "384Mi", cpuText: "200m", line: 116 },
    expectedSeconds: [600, 900],
  });
  b.phase("Phase 5", {
    line: 122,
    batches: [["cache-service", "web", "admin", "mobile-api"]],
    batchNames: ["Phase 5"],
    batchLines: [130],
    gate: { memory: 80, healthy, line: 237 },
    declared: { memory: 512 * Mi, cpu: 200, memoryText: "512Mi", cpuText: "200m", line: 135 },
    expectedSeconds: [600, 900],
  });
  const plan = b.build();
  plan.rollback = { memory: 85, unhealthy: 20, latency: 500, errorRate: 5, scope: "phase", timeoutSeconds: 300, forSeconds: 30, location: { file: OPENPOLICY_PLAN_FILE, line: 256, column: 1 } };
  return plan;
}
