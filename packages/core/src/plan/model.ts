/**
 * The normalized deployment plan: what every other module (checks, planner, simulator, renderer,
 * CLI, action) works on. The YAML/JSON/Markdown front ends decode user input into this shape once,
 * so nobody downstream parses quantities or percentages again.
 *
 * Units: memory in bytes, CPU in millicores, durations in seconds, percentages as numbers 0–100.
 * All byte/millicore figures are integers (Quantity.value() / Quantity.milliValue(), rounded up as
 * Kubernetes rounds) and well below 2^53, so `number` adds and compares them exactly.
 */

/** Where something was written in the user's file (1-based line and column). */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

/** An amount of memory and CPU, in bytes and millicores. */
export interface ResourceAmount {
  /** bytes */
  memory: number;
  /** millicores */
  cpu: number;
}

/** Limits may be absent (no limit: the container may use the whole node). */
export interface ResourceLimits {
  memory?: number;
  cpu?: number;
}

/**
 * How a deploy checks that a service works once Ready: a protocol-level probe of its kind, or
 * none.
 */
export type Validation =
  | { kind: "postgres"; database?: string; user?: string; passwordSecret?: string }
  | { kind: "redis" }
  | { kind: "rabbitmq" }
  | { kind: "http"; path: string; port?: number; expectStatus?: number }
  | { kind: "tcp"; port: number }
  | { kind: "none" };

/** The Kubernetes workload a service is deployed as. */
export type WorkloadKind = "Deployment" | "StatefulSet";

/** How a Deployment replaces its pods (the Deployment API's `strategy.rollingUpdate`). */
export interface RollingUpdate {
  /** Absolute number or percentage string ("25%"), as in the Deployment API. */
  maxSurge: number | string;
  maxUnavailable: number | string;
}

/**
 * One service of the plan: its workload, resources, dependencies, ports and how it is validated.
 */
export interface Service {
  name: string;
  /** Resources per replica (per pod; one container). */
  requests: ResourceAmount;
  limits: ResourceLimits;
  replicas: number;
  port?: number;
  /** Dependencies exactly as written, after expanding "*" to every other service name. */
  dependsOn: string[];
  /** True when the author wrote "*" ("depends on all services"). */
  dependsOnAll: boolean;
  validate: Validation;
  image?: string;
  /**
   * The container's imagePullPolicy as written; undefined when not given, so the API server's
   * default applies (Always for `:latest` or an untagged image, else IfNotPresent;
   * pkg/apis/core/v1/defaults.go SetDefaults_Container).
   */
  imagePullPolicy?: "Always" | "IfNotPresent" | "Never";
  /** Expected steady usage per pod; defaults to the requests. */
  usage: ResourceAmount;
  /** Whether `usage` was given by the author (false = defaulted from requests). */
  usageGiven: boolean;
  /** Expected seconds from container start to Ready. */
  startupSeconds: number;
  kind: WorkloadKind;
  /** Deployment strategy; StatefulSets always use ordered RollingUpdate. */
  strategy: "RollingUpdate" | "Recreate";
  rollingUpdate: RollingUpdate;
  /** Stateful infrastructure keeps a PersistentVolumeClaim that rollback never deletes. */
  persistent: boolean;
  /** Optional storage size in bytes for the PVC. */
  storage?: number;
  priority: number;
  /** Paths of user-supplied manifests (then the renderer does not generate this service). */
  manifests: string[];
  /** Extra environment keys the service reads (cross-checked against the ConfigMap). */
  env: string[];
  location: SourceLocation;
}

/**
 * A gate at the end of a phase: thresholds the cluster must be under before the next phase starts.
 */
export interface Gate {
  /** Max percent of allocatable memory (by requests and by usage) when the phase ends. */
  memory?: number;
  cpu?: number;
  /** Min percent of services deployed so far that must be Ready. */
  healthy?: number;
  location: SourceLocation;
}

/**
 * Totals a phase declares for itself, checked against the sum of its services' requests
 * (declared-total-mismatch).
 */
export interface DeclaredTotals {
  memory?: number;
  cpu?: number;
  /** The figures exactly as written, used to judge how much rounding the author allowed. */
  memoryText?: string;
  cpuText?: string;
  location: SourceLocation;
}

/**
 * A batch of a phase: services started together, in parallel; the next batch waits until they are
 * Ready.
 */
export interface Batch {
  name: string;
  services: string[];
  location: SourceLocation;
}

/** A phase of the rollout: batches run in order, and its gate must pass before the next phase. */
export interface Phase {
  name: string;
  /** Batches run one after another; services inside a batch in parallel. A `sequential` phase
   * is normalized to one batch per service, in the order listed. */
  batches: Batch[];
  sequential: boolean;
  gate?: Gate;
  declared?: DeclaredTotals;
  /** Seconds the author expected the phase to take (min, max), if given. */
  expectedSeconds?: [number, number];
  location: SourceLocation;
}

/** A group of identical nodes: how many and what each one has. */
export interface NodeGroup {
  count: number;
  name?: string;
  /** Capacity per node. */
  memory: number;
  cpu: number;
  pods: number;
  location: SourceLocation;
}

/**
 * The cluster the plan deploys to: node groups, what each node reserves, and the overhead of the
 * distribution (kind).
 */
export interface Cluster {
  nodes: NodeGroup[];
  /** Reserved per node (kube-reserved + system-reserved + eviction threshold). */
  reserved: ResourceAmount;
  /** "kind" adds kube-system pods (CoreDNS, kindnet, control plane) to the simulated node. */
  overhead: "none" | "kind";
  location: SourceLocation;
}

/** The plan's resource budget: the most of allocatable (percent) its requests may take. */
export interface Budget {
  memory?: number;
  cpu?: number;
  location: SourceLocation;
}

/**
 * When a rollout rolls back on its own (memory pressure, services not Ready), and how long it may
 * take.
 */
export interface RollbackPolicy {
  /** Node memory usage percent above which the rollout rolls back. */
  memory?: number;
  /** Percent of deployed services not Ready. */
  unhealthy?: number;
  /** Average latency in milliseconds. */
  latency?: number;
  /** Error rate percent. */
  errorRate?: number;
  /**
   * Seconds a trigger's condition must hold without interruption before the rollout rolls back
   * (0 = on the first sample), like a Prometheus alerting rule's `for:`.
   */
  forSeconds: number;
  /** Roll back the current phase only, or everything deployed by this rollout. */
  scope: "phase" | "all";
  /** Seconds the rollback itself may take. */
  timeoutSeconds: number;
  location: SourceLocation;
}

/**
 * A decoded, validated deployment plan: what {@link decodePlan}, {@link loadPlanFile} and {@link
 * readPlanDocument} return.
 */
export interface Plan {
  name: string;
  /** The file the plan was read from ("<memory>" for in-process plans). */
  file: string;
  /** "yaml" | "json" | "markdown" — what the source document was. */
  format: "yaml" | "json" | "markdown";
  cluster: Cluster;
  budget?: Budget;
  rollback: RollbackPolicy;
  phases: Phase[];
  /** In declaration order. */
  services: Map<string, Service>;
  /** Namespace to deploy into (real clusters). */
  namespace: string;
  location: SourceLocation;
}
