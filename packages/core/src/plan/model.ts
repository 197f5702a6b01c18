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

/** One port of a service's Kubernetes Service: `port` there, `targetPort` on a container. */
export interface NamedPort {
  /** Port name (IANA_SVC_NAME), on the Service and, for a main-container target, on the container. */
  name: string;
  /** Port the Service exposes. */
  port: number;
  /** A container port number, or the name of a port some container of the pod declares. */
  targetPort: number | string;
}

/** Where an environment variable's value comes from. Secrets by name and key only: never a value. */
export type EnvSource = { value: string } | { configMap: string; key: string } | { secret: string; key: string };

/** One environment variable the plan sets on a container. */
export interface EnvVar {
  /** Variable name. */
  name: string;
  /** Its value or where it comes from. */
  from: EnvSource;
}

/** The kubelet's readiness/liveness check as the plan writes it (`probe:`). */
export interface Probe {
  /** httpGet, tcpSocket, grpc (grpc.health.v1) or exec. */
  kind: "http" | "tcp" | "grpc" | "exec";
  /** http only */
  path?: string;
  /** Container port (http: default the main port; tcp and grpc: always given). */
  port?: number;
  /** exec only */
  command?: string[];
  /** Seconds between checks (readiness/liveness). */
  periodSeconds?: number;
  /** Failures in a row before NotReady / restart. */
  failureThreshold?: number;
  /** Seconds one check may take (also the startup probe's). */
  timeoutSeconds?: number;
  /** Seconds before readiness/liveness checks begin. */
  initialDelaySeconds?: number;
}

/** A container of the pod besides the main one: a sidecar, an init container or a native sidecar. */
export interface ExtraContainer {
  /** Container name (a DNS label, unique in the pod). */
  name: string;
  image: string;
  /** Entrypoint, replacing the image's. */
  command?: string[];
  args?: string[];
  /** Requests (a missing one defaults to its limit, as in Kubernetes). */
  requests: ResourceAmount;
  limits: ResourceLimits;
  /** Ports the container listens on. */
  ports: Array<{ name?: string; port: number }>;
  /** Variables set on the container. */
  env: EnvVar[];
}

/** An init container; `sidecar` is `restartPolicy: Always` (a native sidecar, KEP-753). */
export interface InitContainer extends ExtraContainer {
  /** `restartPolicy: Always`: keeps running beside the main container. */
  sidecar: boolean;
}

/**
 * One service of the plan: its workload, resources, dependencies, ports and how it is validated.
 */
export interface Service {
  name: string;
  /** Resources of the main container (per replica). The whole pod's request: {@link podRequestOf}. */
  requests: ResourceAmount;
  limits: ResourceLimits;
  replicas: number;
  /** The main container port (with `ports:`, the first entry's target). */
  port?: number;
  /**
   * Dependencies exactly as written, after expanding "*" to every other service name. For a
   * service on "*" this list is built when first read (n services on "*" are n² names); to ask
   * whether one service depends on another, {@link dependsOnService} does not build it.
   */
  dependsOn: string[];
  /** The dependencies written by name, in order, without "*". */
  dependsOnNamed: string[];
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
  /** Variables the plan sets on the main container (`env:` written as a mapping). */
  envValues?: EnvVar[];
  /** Named ports (`ports:`); the first is the main port. Absent: `port` is the only one. */
  ports?: NamedPort[];
  /** The kubelet's readiness/liveness check; absent: derived from `validate`. */
  probe?: Probe;
  /** Seconds between SIGTERM and SIGKILL; absent: Kubernetes' default (30). */
  terminationGracePeriodSeconds?: number;
  /** Sidecars beside the main container. */
  containers?: ExtraContainer[];
  /** Init containers and native sidecars, in start order. */
  initContainers?: InitContainer[];
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
