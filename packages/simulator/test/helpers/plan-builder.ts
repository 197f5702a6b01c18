/**
 * Builds normalized `Plan` objects for tests (the plan loaders live in core; the simulator's
 * tests need plans without going through YAML).
 */
import type { Plan, Phase, Service, RollbackPolicy, Gate, NodeGroup } from "@openpolicy/core";

export const Ki = 1024;
export const Mi = 1024 * 1024;
export const Gi = 1024 * Mi;

const here = { file: "<memory>", line: 1, column: 1 };

export interface ServiceInput {
  memory: number;
  cpu: number;
  limitMemory?: number | null;
  limitCpu?: number | null;
  replicas?: number;
  dependsOn?: string[];
  usageMemory?: number;
  usageCpu?: number;
  startupSeconds?: number;
  kind?: Service["kind"];
  strategy?: Service["strategy"];
  maxSurge?: number | string;
  maxUnavailable?: number | string;
  persistent?: boolean;
  validate?: Service["validate"];
  port?: number;
  priority?: number;
}

export function makeService(name: string, input: ServiceInput): Service {
  const limits: Service["limits"] = {};
  if (input.limitMemory !== null) limits.memory = input.limitMemory ?? input.memory * 2;
  if (input.limitCpu !== null) limits.cpu = input.limitCpu ?? input.cpu * 2;
  const service: Service = {
    name,
    requests: { memory: input.memory, cpu: input.cpu },
    limits,
    replicas: input.replicas ?? 1,
    dependsOn: input.dependsOn ?? [],
    dependsOnNamed: [...(input.dependsOn ?? [])],
    dependsOnAll: false,
    validate: input.validate ?? { kind: "http", path: "/healthz" },
    usage: { memory: input.usageMemory ?? input.memory, cpu: input.usageCpu ?? input.cpu },
    usageGiven: input.usageMemory !== undefined || input.usageCpu !== undefined,
    startupSeconds: input.startupSeconds ?? 30,
    kind: input.kind ?? "Deployment",
    strategy: input.strategy ?? "RollingUpdate",
    rollingUpdate: { maxSurge: input.maxSurge ?? "25%", maxUnavailable: input.maxUnavailable ?? "25%" },
    persistent: input.persistent ?? false,
    priority: input.priority ?? 0,
    manifests: [],
    env: [],
    location: here,
  };
  if (input.port !== undefined) service.port = input.port;
  return service;
}

export interface PhaseInput {
  name: string;
  /** Each inner list is one batch (services in parallel). */
  batches: string[][];
  sequential?: boolean;
  gate?: Omit<Gate, "location">;
}

export interface PlanInput {
  name?: string;
  services: Service[];
  phases: PhaseInput[];
  nodes?: { count?: number; memory: number; cpu: number; pods?: number; name?: string }[];
  reserved?: { memory: number; cpu: number };
  overhead?: "none" | "kind";
  rollback?: Partial<Omit<RollbackPolicy, "location">>;
}

export function makePlan(input: PlanInput): Plan {
  const phases: Phase[] = input.phases.map((p) => {
    const phase: Phase = {
      name: p.name,
      batches: p.batches.map((services, i) => ({ name: `${p.name}.${i + 1}`, services, location: here })),
      sequential: p.sequential ?? false,
      location: here,
    };
    if (p.gate) phase.gate = { ...p.gate, location: here };
    return phase;
  });
  const nodes: NodeGroup[] = (input.nodes ?? [{ memory: 8 * Gi, cpu: 16000 }]).map((n) => {
    const group: NodeGroup = { count: n.count ?? 1, memory: n.memory, cpu: n.cpu, pods: n.pods ?? 110, location: here };
    if (n.name !== undefined) group.name = n.name;
    return group;
  });
  return {
    name: input.name ?? "test-plan",
    file: "<memory>",
    format: "yaml",
    cluster: { nodes, reserved: input.reserved ?? { memory: 0, cpu: 0 }, overhead: input.overhead ?? "none", location: here },
    rollback: { scope: "phase", timeoutSeconds: 300, forSeconds: 30, ...input.rollback, location: here },
    phases,
    services: new Map(input.services.map((s) => [s.name, s])),
    namespace: "openpolicy",
    location: here,
  };
}

/**
 * The user's 26-service plan (seed document), with the defects removed that the checks report:
 * api-gateway depends on phases 1–4 only (not "all"), and memory limits are 2× requests as in
 * the manifests. One replica each, usage = requests, start-up 15 s for infrastructure and 40 s
 * for the FastAPI apps (pip install at start).
 */
export function openPolicyServices(overrides: Record<string, Partial<ServiceInput>> = {}): Service[] {
  const infra = (name: string, memory: number, cpu: number, dependsOn: string[], validate: Service["validate"], port: number): [string, ServiceInput] => [
    name,
    { memory, cpu, dependsOn, validate, port, startupSeconds: 15, persistent: name !== "scraper-service", kind: name === "scraper-service" ? "Deployment" : "StatefulSet" },
  ];
  const app = (name: string, cpu: number, port: number, dependsOn: string[]): [string, ServiceInput] => [
    name,
    { memory: 128 * Mi, cpu, port, dependsOn, startupSeconds: 40 },
  ];
  const phase1to4 = [
    "postgresql", "scraper-service", "redis", "rabbitmq",
    "database-service", "storage-service", "search-service", "etl", "op-import", "queue-service",
    "auth-service", "config-service", "policy-service",
    "monitoring-service", "health-service", "error-reporting-service", "analytics-service", "audit-service", "opa-service",
  ];
  const rows: [string, ServiceInput][] = [
    infra("postgresql", 1 * Gi, 500, [], { kind: "postgres" }, 5432),
    ["scraper-service", { memory: 1 * Gi, cpu: 500, dependsOn: ["postgresql"], port: 9016, startupSeconds: 40 }],
    infra("redis", 512 * Mi, 200, [], { kind: "redis" }, 6379),
    infra("rabbitmq", 512 * Mi, 250, [], { kind: "rabbitmq" }, 5672),
    app("database-service", 50, 9015, ["postgresql"]),
    app("storage-service", 50, 9018, ["postgresql"]),
    app("search-service", 100, 9019, ["postgresql"]),
    app("etl", 50, 8007, ["postgresql", "rabbitmq"]),
    app("op-import", 100, 9015, ["postgresql", "rabbitmq"]),
    app("queue-service", 50, 9017, ["rabbitmq"]),
    app("auth-service", 50, 9002, ["postgresql", "redis"]),
    app("config-service", 50, 9003, ["postgresql"]),
    app("policy-service", 100, 9004, ["postgresql"]),
    app("monitoring-service", 50, 9010, ["postgresql", "redis"]),
    app("health-service", 50, 9005, ["postgresql"]),
    app("error-reporting-service", 50, 9024, ["postgresql"]),
    app("analytics-service", 50, 9006, ["postgresql", "redis"]),
    app("audit-service", 50, 9007, ["postgresql"]),
    app("opa-service", 50, 9008, ["postgresql"]),
    app("api-gateway", 50, 9001, phase1to4),
    app("notification-service", 100, 9009, ["postgresql", "rabbitmq"]),
    app("mcp-service", 50, 9011, ["postgresql"]),
    app("cache-service", 50, 9016, ["redis"]),
    app("web", 50, 3000, ["api-gateway"]),
    app("admin", 50, 3001, ["api-gateway"]),
    app("mobile-api", 50, 8000, ["api-gateway"]),
  ];
  return rows.map(([name, input]) => makeService(name, { ...input, ...overrides[name] }));
}

export const OPENPOLICY_PHASES: PhaseInput[] = [
  {
    name: "infrastructure",
    sequential: true,
    batches: [["postgresql"], ["scraper-service"], ["redis"], ["rabbitmq"]],
    gate: { memory: 40, healthy: 100 },
  },
  {
    name: "core-business",
    batches: [
      ["database-service", "storage-service", "search-service"],
      ["etl", "op-import", "queue-service"],
      ["auth-service", "config-service", "policy-service"],
    ],
    gate: { memory: 60, healthy: 100 },
  },
  {
    name: "operational",
    batches: [
      ["monitoring-service", "health-service", "error-reporting-service"],
      ["analytics-service", "audit-service", "opa-service"],
    ],
    gate: { memory: 70, healthy: 100 },
  },
  { name: "user-interface", batches: [["api-gateway", "notification-service", "mcp-service"]], gate: { memory: 75, healthy: 100 } },
  { name: "utility", batches: [["cache-service", "web", "admin", "mobile-api"]], gate: { memory: 80, healthy: 100 } },
];

/** The seed's rollback triggers: >85% memory, >20% unhealthy, >500 ms latency, >5% errors. */
export const OPENPOLICY_ROLLBACK = { memory: 85, unhealthy: 20, latency: 500, errorRate: 5, scope: "phase" as const, timeoutSeconds: 300 };

export function openPolicyPlan(input: Partial<PlanInput> = {}): Plan {
  return makePlan({
    name: "openpolicy",
    services: openPolicyServices(),
    phases: OPENPOLICY_PHASES,
    nodes: [{ memory: 8 * Gi, cpu: 16000 }],
    rollback: OPENPOLICY_ROLLBACK,
    ...input,
  });
}
