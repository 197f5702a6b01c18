/**
 * Validated plan input (units already converted) → the model every other module uses: defaults
 * filled in, `"*"` dependencies expanded, phases turned into batches, a location on everything.
 * A dependency on an unknown name is for the checks to report with context; what the API server
 * would refuse, or what cannot run at all (a phase naming no service of the plan, a name with no
 * Kubernetes form), is a problem here (api-rules.ts).
 */
import { evictionHardMemory } from "../scheduling/nodes.js";
import type { PlanProblem } from "./errors.js";
import { formatPath, type PathSegment } from "./locate.js";
import type {
  Batch,
  Budget,
  Cluster,
  DeclaredTotals,
  Gate,
  Phase,
  Plan,
  ResourceAmount,
  ResourceLimits,
  RollbackPolicy,
  Service,
  SourceLocation,
  Validation,
} from "./model.js";
import { checkApiRules } from "./api-rules.js";
import { checkPodFields, mainPortOf, normalizePodFields } from "./normalize-pod.js";
import { INFRASTRUCTURE_CHECKS, type PhaseParsed, type PlanParsed, type ServiceParsed } from "./schema.js";

/** The schema's output with the services in a Map (names are user data: see decode.ts). */
export type DecodedPlan = Omit<PlanParsed, "services"> & { services: ReadonlyMap<string, ServiceParsed> };

/**
 * Where a plan came from, for {@link decodePlan}: the file name, its format and how to locate a
 * field path in it (for error lines).
 */
export interface PlanSource {
  file: string;
  format: Plan["format"];
  locate: (path: PathSegment[]) => { line: number; column: number };
}

/** Kubernetes' Deployment defaults (pkg/apis/apps/v1/defaults.go): maxSurge and maxUnavailable 25%. */
export const DEFAULT_ROLLING_UPDATE = { maxSurge: "25%", maxUnavailable: "25%" } as const;
/** Seconds from start to Ready assumed when the author gives no `startup`. */
export const DEFAULT_STARTUP_SECONDS = { app: 10, infrastructure: 20 } as const;
export const DEFAULT_ROLLBACK_TIMEOUT_SECONDS = 600;
/**
 * How long a rollback trigger's condition must hold before it fires: long enough to ride out one
 * pod replacement, like the `for:` of a Prometheus alerting rule or Argo Rollouts' failureLimit.
 */
export const DEFAULT_ROLLBACK_FOR_SECONDS = 30;
/** kubelet's default maxPods. */
export const DEFAULT_PODS_PER_NODE = 110;
export const DEFAULT_HTTP_PATH = "/healthz";

interface Context {
  source: PlanSource;
  problems: PlanProblem[];
  at(path: PathSegment[]): SourceLocation;
  problem(path: PathSegment[], message: string): void;
}

function isInfrastructure(validation: Validation): boolean {
  return (INFRASTRUCTURE_CHECKS as readonly string[]).includes(validation.kind);
}

function normalizeValidation(service: ServiceParsed, path: PathSegment[], ctx: Context): Validation {
  const check = service.validate;
  if (check === undefined) {
    // No silent default: a service without a declared check is reported by the
    // `missing-validation` rule, so the author decides (`{http: /healthz}`, `tcp`, `none`).
    return { kind: "none" };
  }
  if (typeof check === "string") {
    switch (check) {
      case "http":
        return { kind: "http", path: DEFAULT_HTTP_PATH };
      case "tcp": {
        const main = service.ports?.[0]?.targetPort ?? service.ports?.[0]?.port;
        const port = service.port ?? (typeof main === "number" ? main : undefined);
        if (port === undefined) {
          ctx.problem([...path, "validate"], "`validate: tcp` needs the service's `port` (or write {tcp: PORT})");
          return { kind: "none" };
        }
        return { kind: "tcp", port };
      }
      default:
        return { kind: check };
    }
  }
  if (check.http !== undefined) {
    if (typeof check.http === "string") return { kind: "http", path: check.http };
    const http: Validation & { kind: "http" } = { kind: "http", path: check.http.path ?? DEFAULT_HTTP_PATH };
    if (check.http.port !== undefined) http.port = check.http.port;
    if (check.http.status !== undefined) http.expectStatus = check.http.status;
    return http;
  }
  if (check.tcp !== undefined) return { kind: "tcp", port: check.tcp };
  if (check.postgres !== undefined) {
    const postgres: Validation & { kind: "postgres" } = { kind: "postgres" };
    if (check.postgres.database !== undefined) postgres.database = check.postgres.database;
    if (check.postgres.user !== undefined) postgres.user = check.postgres.user;
    if (check.postgres.passwordSecret !== undefined) postgres.passwordSecret = check.postgres.passwordSecret;
    return postgres;
  }
  return { kind: "none" }; // unreachable: the schema requires exactly one key
}

/**
 * Requests and limits per pod. The shorthand `{memory, cpu}` sets request = limit (Guaranteed when
 * both are given). With `resources`, a missing request defaults to its limit, as API defaulting does
 * (kubernetes pkg/apis/core/v1/defaults.go, SetDefaults_Pod); with neither, the request is 0.
 */
export function normalizeResources(service: Pick<ServiceParsed, "memory" | "cpu" | "resources">): { requests: ResourceAmount; limits: ResourceLimits } {
  const limits: ResourceLimits = {};
  if (service.resources === undefined) {
    if (service.memory !== undefined) limits.memory = service.memory;
    if (service.cpu !== undefined) limits.cpu = service.cpu;
    return { requests: { memory: service.memory ?? 0, cpu: service.cpu ?? 0 }, limits };
  }
  const { requests, limits: given } = service.resources;
  if (given?.memory !== undefined) limits.memory = given.memory;
  if (given?.cpu !== undefined) limits.cpu = given.cpu;
  return {
    requests: { memory: requests?.memory ?? limits.memory ?? 0, cpu: requests?.cpu ?? limits.cpu ?? 0 },
    limits,
  };
}

/**
 * `"*"` stands for every other service, in declaration order, at the place it was written.
 * `dependsOnNamed` is the list as written without `"*"`. For a service on `"*"` the expanded
 * `dependsOn` is built on first read (a getter that then replaces itself with the list): n
 * services on `"*"` are n² names, and checking or rendering such a plan never needs them
 * (they use {@link dependsOnService} and `dependsOnNamed`). Deduplicated as it was written.
 */
function expandDependencies(written: string | string[] | undefined): Pick<Service, "dependsOn" | "dependsOnNamed" | "dependsOnAll"> {
  const list = written === undefined ? [] : typeof written === "string" ? [written] : written;
  const dependsOnAll = list.includes("*");
  const named = list.filter((name) => name !== "*");
  return { dependsOn: dependsOnAll ? [] : [...list], dependsOnNamed: named, dependsOnAll };
}

/** `dependsOn` of a service on `"*"`, expanded when first read (see expandDependencies). */
function expandStarLazily(service: Service, written: readonly string[], all: readonly string[]): void {
  const settle = (value: string[]) => {
    // A service frozen before its list was read keeps the getter (which then expands each time).
    if (Object.isExtensible(service) && Object.getOwnPropertyDescriptor(service, "dependsOn")?.configurable) {
      Object.defineProperty(service, "dependsOn", { value, writable: true, enumerable: true, configurable: true });
    }
  };
  Object.defineProperty(service, "dependsOn", {
    enumerable: true,
    configurable: true,
    get() {
      // A Set keeps this linear per service.
      const expanded = new Set<string>();
      for (const name of written) {
        if (name !== "*") expanded.add(name);
        else for (const other of all) if (other !== service.name) expanded.add(other);
      }
      const value = [...expanded];
      settle(value);
      return value;
    },
    set(value: string[]) {
      settle(value);
    },
  });
}

function normalizeService(name: string, service: ServiceParsed, allNames: readonly string[], ctx: Context): Service {
  const path: PathSegment[] = ["services", name];
  const validate = normalizeValidation(service, path, ctx);
  const infrastructure = isInfrastructure(validate);
  const kind = service.kind ?? (infrastructure ? "StatefulSet" : "Deployment");
  const strategy = service.strategy ?? "RollingUpdate";
  if (kind === "StatefulSet" && strategy === "Recreate") {
    // StatefulSets only know RollingUpdate and OnDelete (apps/v1 StatefulSetUpdateStrategyType).
    ctx.problem([...path, "strategy"], "`Recreate` applies to Deployments only; a StatefulSet replaces its pods in order (set `kind: Deployment` or drop `strategy`)");
  }
  const { requests, limits } = normalizeResources(service);
  const result: Service = {
    name,
    requests,
    limits,
    replicas: service.replicas,
    ...expandDependencies(service.dependsOn),
    validate,
    usage: { memory: service.usage?.memory ?? requests.memory, cpu: service.usage?.cpu ?? requests.cpu },
    usageGiven: service.usage !== undefined,
    startupSeconds: service.startup ?? (infrastructure || kind === "StatefulSet" ? DEFAULT_STARTUP_SECONDS.infrastructure : DEFAULT_STARTUP_SECONDS.app),
    kind,
    strategy,
    rollingUpdate: {
      maxSurge: service.rollingUpdate?.maxSurge ?? DEFAULT_ROLLING_UPDATE.maxSurge,
      maxUnavailable: service.rollingUpdate?.maxUnavailable ?? DEFAULT_ROLLING_UPDATE.maxUnavailable,
    },
    // Databases and queues keep their data across a rollback; a cache (redis) may start empty.
    persistent: service.persistent ?? (kind === "StatefulSet" && (validate.kind === "postgres" || validate.kind === "rabbitmq")),
    priority: service.priority,
    manifests: service.manifests ?? [],
    // The names the service reads, in either shape of `env:` (a list, or a mapping that sets them).
    env: service.env === undefined ? [] : Array.isArray(service.env) ? service.env : Object.keys(service.env),
    location: ctx.at(path),
    ...normalizePodFields(service),
  };
  if (service.port !== undefined) result.port = service.port;
  const mainPort = mainPortOf(result);
  if (mainPort !== undefined) result.port = mainPort;
  checkPodFields(result, path, ctx.problem);
  if (service.image !== undefined) result.image = service.image;
  if (service.imagePullPolicy !== undefined) result.imagePullPolicy = service.imagePullPolicy;
  if (service.storage !== undefined) result.storage = service.storage;
  if (result.dependsOnAll) expandStarLazily(result, typeof service.dependsOn === "string" ? [service.dependsOn] : (service.dependsOn ?? []), allNames);
  return result;
}

/**
 * Batches of a phase. `sequential` means one service at a time in the order listed, i.e. one batch
 * per service (named after it); otherwise `services` is one parallel batch named after the phase,
 * and `batches` are taken as given.
 */
function normalizeBatches(phase: PhaseParsed, path: PathSegment[], ctx: Context): Batch[] {
  const sequential = phase.sequential === true;
  if (phase.batches !== undefined) {
    if (sequential) {
      return phase.batches.flatMap((batch, b) =>
        batch.services.map((service, s) => ({ name: service, services: [service], location: ctx.at([...path, "batches", b, "services", s]) })),
      );
    }
    return phase.batches.map((batch, b) => ({
      name: batch.name ?? `${phase.name}-${b + 1}`,
      services: [...batch.services],
      location: ctx.at([...path, "batches", b]),
    }));
  }
  const services = phase.services ?? [];
  if (sequential) {
    return services.map((service, s) => ({ name: service, services: [service], location: ctx.at([...path, "services", s]) }));
  }
  return [{ name: phase.name, services: [...services], location: ctx.at([...path, "services"]) }];
}

function normalizePhase(phase: PhaseParsed, index: number, ctx: Context): Phase {
  const path: PathSegment[] = ["phases", index];
  const result: Phase = {
    name: phase.name,
    batches: normalizeBatches(phase, path, ctx),
    sequential: phase.sequential === true,
    location: ctx.at(path),
  };
  if (phase.gate !== undefined) {
    const gate: Gate = { location: ctx.at([...path, "gate"]) };
    if (phase.gate.memory !== undefined) gate.memory = phase.gate.memory;
    if (phase.gate.cpu !== undefined) gate.cpu = phase.gate.cpu;
    if (phase.gate.healthy !== undefined) gate.healthy = phase.gate.healthy;
    result.gate = gate;
  }
  if (phase.declared !== undefined) {
    const declared: DeclaredTotals = { location: ctx.at([...path, "declared"]) };
    if (phase.declared.memory !== undefined) {
      declared.memory = phase.declared.memory.value;
      declared.memoryText = phase.declared.memory.text;
    }
    if (phase.declared.cpu !== undefined) {
      declared.cpu = phase.declared.cpu.value;
      declared.cpuText = phase.declared.cpu.text;
    }
    result.declared = declared;
  }
  if (phase.expected !== undefined) result.expectedSeconds = phase.expected;
  return result;
}

function normalizeCluster(cluster: PlanParsed["cluster"], ctx: Context): Cluster {
  return {
    nodes: cluster.nodes.map((group, index) => {
      const node: Cluster["nodes"][number] = {
        count: group.count,
        memory: group.memory,
        cpu: group.cpu,
        pods: group.pods,
        location: ctx.at(["cluster", "nodes", index]),
      };
      if (group.name !== undefined) node.name = group.name;
      return node;
    }),
    // A stock kubelet's hard eviction threshold (memory.available<100Mi) comes off allocatable;
    // kind sets none (core/scheduling/nodes.ts). An explicit `reserved.memory` overrides it.
    reserved: { memory: cluster.reserved?.memory ?? evictionHardMemory(cluster.overhead ?? "none"), cpu: cluster.reserved?.cpu ?? 0 },
    overhead: cluster.overhead ?? "none",
    location: ctx.at(["cluster"]),
  };
}

function normalizeRollback(rollback: PlanParsed["rollback"], ctx: Context): RollbackPolicy {
  const result: RollbackPolicy = {
    scope: rollback?.scope ?? "phase",
    timeoutSeconds: rollback?.timeout ?? DEFAULT_ROLLBACK_TIMEOUT_SECONDS,
    forSeconds: rollback?.for ?? DEFAULT_ROLLBACK_FOR_SECONDS,
    location: ctx.at(["rollback"]),
  };
  if (rollback?.memory !== undefined) result.memory = rollback.memory;
  if (rollback?.unhealthy !== undefined) result.unhealthy = rollback.unhealthy;
  if (rollback?.latency !== undefined) result.latency = rollback.latency;
  if (rollback?.errorRate !== undefined) result.errorRate = rollback.errorRate;
  return result;
}

/** The model plan, or the problems that prevent building one (reported with the schema's). */
export function normalizePlan(parsed: DecodedPlan, source: PlanSource): { plan: Plan; problems: PlanProblem[] } {
  const problems: PlanProblem[] = [];
  const ctx: Context = {
    source,
    problems,
    at: (path) => ({ file: source.file, ...source.locate(path) }),
    problem(path, message) {
      const { line, column } = source.locate(path);
      problems.push({ file: source.file, line, column, path: formatPath(path), message });
    },
  };
  const names = [...parsed.services.keys()];
  const services = new Map<string, Service>();
  for (const [name, service] of parsed.services) services.set(name, normalizeService(name, service, names, ctx));

  const plan: Plan = {
    name: parsed.name,
    file: source.file,
    format: source.format,
    cluster: normalizeCluster(parsed.cluster, ctx),
    rollback: normalizeRollback(parsed.rollback, ctx),
    phases: parsed.phases.map((phase, index) => normalizePhase(phase, index, ctx)),
    services,
    namespace: parsed.namespace ?? parsed.name,
    location: ctx.at([]),
  };
  if (parsed.budget !== undefined) {
    const budget: Budget = { location: ctx.at(["budget"]) };
    if (parsed.budget.memory !== undefined) budget.memory = parsed.budget.memory;
    if (parsed.budget.cpu !== undefined) budget.cpu = parsed.budget.cpu;
    plan.budget = budget;
  }
  checkApiRules(plan, { namespaceGiven: parsed.namespace !== undefined, phases: parsed.phases, problem: ctx.problem });
  return { plan, problems };
}
