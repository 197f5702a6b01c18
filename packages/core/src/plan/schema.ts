/**
 * The plan file format (YAML or JSON), defined once with zod. The same schema validates input,
 * converts figures to the model's units (through `units.ts`) and, via `z.toJSONSchema`, produces
 * `schema/plan.schema.json` for editors (yaml-language-server). Every object is strict so that a
 * misspelt field is an error with a "did you mean" hint instead of being silently ignored.
 *
 * Field names here are the public format; `normalize.ts` maps the parsed result onto model.ts.
 */
import { z } from "zod";
import { parseDuration, parseDurationRange, parsePercent, parseResourceAmount, type Parsed } from "./units.js";

/** Cross-field refinements run even when a field failed (to report everything at once), but only on mappings. */
const onMappings = { when: (payload: { value: unknown }) => typeof payload.value === "object" && payload.value !== null && !Array.isArray(payload.value) };
/** …and "exactly one of" only when the mapping's own fields were all fine (an unknown key says more). */
const onCleanMappings = { when: (payload: { value: unknown; issues: unknown[] }) => onMappings.when(payload) && payload.issues.length === 0 };

/** Reports a unit parser's failure as a zod issue, so it is listed with every other problem. */
function converted<T>(parse: (raw: string | number) => Parsed<T>) {
  return (raw: string | number, ctx: z.core.$RefinementCtx<string | number>): T => {
    const result = parse(raw);
    if (result.ok) return result.value;
    ctx.issues.push({ code: "custom", message: result.reason, input: raw });
    return z.NEVER;
  };
}

// Kubernetes quantity syntax (apimachinery pkg/api/resource/quantity.go), for editors only; the
// loader parses with parseQuantity and reports its reason. Negative amounts are not resources.
const QUANTITY_PATTERN = "^[+]?([0-9]+[.]?[0-9]*|[.][0-9]+)([KMGTPE]i|[numkMGTPE]|[eE][+-]?[0-9]+)?$";

const quantityInput = (resource: "memory" | "cpu") =>
  z.union([z.string(), z.number()], {
    error: resource === "memory" ? "expected a memory quantity such as 128Mi or 1Gi" : "expected a CPU quantity such as 500m or 2",
  });

/** Memory in bytes (Kubernetes quantity: `128Mi`, `1Gi`, `512M`, or a number of bytes). */
export const memoryQuantity = (description: string) =>
  quantityInput("memory")
    .transform(converted((raw) => parseResourceAmount(raw, "memory")))
    .meta({ description, pattern: QUANTITY_PATTERN, examples: ["128Mi", "1Gi"] });

/** CPU in millicores (Kubernetes quantity: `500m`, `2`, `0.5`). */
export const cpuQuantity = (description: string) =>
  quantityInput("cpu")
    .transform(converted((raw) => parseResourceAmount(raw, "cpu")))
    .meta({ description, pattern: QUANTITY_PATTERN, examples: ["500m", "2"] });

/** A quantity whose text is kept, to judge later how much rounding the author allowed. */
const keptQuantity = (resource: "memory" | "cpu", description: string) =>
  quantityInput(resource)
    .transform((raw, ctx) => {
      const result = parseResourceAmount(raw, resource);
      if (result.ok) return { value: result.value, text: String(raw) };
      ctx.issues.push({ code: "custom", message: result.reason, input: raw });
      return z.NEVER;
    })
    .meta({ description, pattern: QUANTITY_PATTERN });

const PERCENT_PATTERN = "^([0-9]+([.][0-9]*)?|[.][0-9]+)\\s*%$";
export const percent = (description: string) =>
  z
    .union([z.string(), z.number()], { error: "expected a percentage such as 50% or 50" })
    .transform(converted(parsePercent))
    .meta({ description, pattern: PERCENT_PATTERN, examples: ["50%"] });

const DURATION_PATTERN = "^(([0-9]+([.][0-9]*)?|[.][0-9]+)(ms|s|m|h))+$";
export const seconds = (description: string) =>
  z
    .union([z.string(), z.number()], { error: "expected a duration such as 15s or 10m" })
    .transform(converted((raw) => parseDuration(raw, "s")))
    .meta({ description, pattern: DURATION_PATTERN, examples: ["15s", "10m"] });

export const milliseconds = (description: string) =>
  z
    .union([z.string(), z.number()], { error: "expected a duration such as 500ms or 2s" })
    .transform(converted((raw) => parseDuration(raw, "ms")))
    .meta({ description, pattern: DURATION_PATTERN, examples: ["500ms"] });

const name = (description: string) => z.string().min(1).meta({ description });
const port = (description: string) => z.int().min(1).max(65535).meta({ description });

const serviceNames = (description: string) => z.array(z.string().min(1)).meta({ description });

// ---------------------------------------------------------------------------------------------
// cluster, budget, rollback

export const NodeGroupSchema = z
  .strictObject({
    name: name("Name of this group of nodes (e.g. control-plane, worker).").optional(),
    count: z.int().min(1).max(10_000).default(1).meta({ description: "How many identical nodes this entry describes." }),
    memory: memoryQuantity("Memory capacity of each node (e.g. 8Gi)."),
    cpu: cpuQuantity("CPU capacity of each node (e.g. \"16\" or 4000m)."),
    pods: z.int().min(1).max(10_000).default(110).meta({ description: "Pod capacity of each node (kubelet default maxPods 110)." }),
  })
  .meta({ description: "A group of identical nodes: capacity per node." });

export const ClusterSchema = z
  .strictObject({
    nodes: z.array(NodeGroupSchema).min(1).meta({ description: "The cluster's nodes, as groups of identical nodes." }),
    reserved: z
      .strictObject({
        memory: memoryQuantity("Memory reserved per node (kube-reserved + system-reserved + eviction threshold).").optional(),
        cpu: cpuQuantity("CPU reserved per node (kube-reserved + system-reserved).").optional(),
      })
      .meta({ description: "Reserved per node; allocatable = capacity - reserved. Default: memory 100Mi (the kubelet's default hard eviction threshold, memory.available<100Mi), cpu 0; with overhead: kind, 0 (kind reserves nothing)." })
      .optional(),
    overhead: z
      .enum(["none", "kind"])
      .meta({ description: "`kind` adds the kube-system pods a kind cluster runs (CoreDNS, kindnet, control plane) to the simulation. Default none." })
      .optional(),
  })
  .meta({ description: "The cluster the plan deploys to." });

export const BudgetSchema = z
  .strictObject({
    memory: percent("Ceiling on the plan's total memory requests, as a percent of allocatable memory.").optional(),
    cpu: percent("Ceiling on the plan's total CPU requests, as a percent of allocatable CPU.").optional(),
  })
  .meta({ description: "Ceilings on the plan's total requests." });

export const RollbackSchema = z
  .strictObject({
    memory: percent("Roll back when node memory use exceeds this percent.").optional(),
    unhealthy: percent("Roll back when more than this percent of deployed services are not Ready.").optional(),
    latency: milliseconds("Roll back when average latency exceeds this (a number means milliseconds).").optional(),
    errorRate: percent("Roll back when the error rate exceeds this percent.").optional(),
    for: seconds(
      "How long a trigger's condition must hold without interruption before rolling back (default 30s; 0 = at the first sample; a number means seconds), so a brief blip such as a pod being replaced does not roll back a phase.",
    ).optional(),
    scope: z.enum(["phase", "all"]).meta({ description: "Roll back the current phase only (default) or everything this rollout deployed." }).optional(),
    timeout: seconds("How long the rollback itself may take (default 10m; a number means seconds).").optional(),
  })
  .meta({ description: "When to roll back automatically, and how." });

// ---------------------------------------------------------------------------------------------
// phases

export const GateSchema = z
  .strictObject({
    memory: percent("Max percent of allocatable memory (by requests and by usage) when the phase ends.").optional(),
    cpu: percent("Max percent of allocatable CPU when the phase ends.").optional(),
    healthy: percent("Min percent of the services deployed so far that must be Ready.").optional(),
  })
  .meta({ description: "Checked when the phase ends; the rollout stops if it fails." });

export const DeclaredSchema = z
  .strictObject({
    memory: keptQuantity("memory", "The phase's total memory as the author wrote it (e.g. 3Gi).").optional(),
    cpu: keptQuantity("cpu", "The phase's total CPU as the author wrote it (e.g. 1450m).").optional(),
  })
  .meta({ description: "Totals the author wrote for this phase; checks compare them with the services." });

export const BatchSchema = z
  .strictObject({
    name: name("Batch name (default: <phase>-<number>).").optional(),
    services: serviceNames("Services deployed in parallel in this batch."),
  })
  .meta({ description: "Services deployed in parallel; the next batch starts when all are Ready." });

export const PhaseSchema = z
  .strictObject({
    name: name("Phase name."),
    title: z.string().meta({ description: "The phase's heading as a person reads it (e.g. from a Markdown plan)." }).optional(),
    description: z.string().meta({ description: "What the phase is for." }).optional(),
    sequential: z.boolean().meta({ description: "Deploy one service at a time, in the order listed." }).optional(),
    services: serviceNames("Services of this phase (one parallel batch, or one at a time when sequential).").optional(),
    batches: z.array(BatchSchema).min(1).meta({ description: "Batches run one after another; services in a batch in parallel." }).optional(),
    gate: GateSchema.optional(),
    declared: DeclaredSchema.optional(),
    expected: z
      .union([z.string(), z.number()], { error: "expected a duration range such as 15m-20m" })
      .transform(converted(parseDurationRange))
      .meta({
        description: "How long the phase is expected to take: 15m-20m, 15-20m, 15m, or seconds.",
        examples: ["15m-20m"],
        pattern: "^\\s*(([0-9]+([.][0-9]*)?|[.][0-9]+)(ms|s|m|h)?)+\\s*(-\\s*(([0-9]+([.][0-9]*)?|[.][0-9]+)(ms|s|m|h))+\\s*)?$",
      })
      .optional(),
  })
  .superRefine(
    (phase, ctx) => {
      if (phase.services !== undefined && phase.batches !== undefined) {
        ctx.addIssue({ code: "custom", path: ["batches"], message: "a phase lists either `services` or `batches`, not both" });
      }
      if (phase.services === undefined && phase.batches === undefined) {
        ctx.addIssue({ code: "custom", path: ["services"], message: "a phase needs `services` or `batches`" });
      }
    },
    onMappings,
  )
  .meta({
    description: "A step of the rollout, with a gate checked when it ends. Lists either `services` or `batches`.",
    oneOf: [{ required: ["services"] }, { required: ["batches"] }],
  });

// ---------------------------------------------------------------------------------------------
// services

export const INFRASTRUCTURE_CHECKS = ["postgres", "redis", "rabbitmq"] as const;

const amountPair = (what: string) =>
  z.strictObject({
    memory: memoryQuantity(`Memory ${what}.`).optional(),
    cpu: cpuQuantity(`CPU ${what}.`).optional(),
  });

export const ResourcesSchema = z
  .strictObject({
    requests: amountPair("request per pod").meta({ description: "What the scheduler reserves per pod. A missing request defaults to the limit, as in Kubernetes." }).optional(),
    limits: amountPair("limit per pod").meta({ description: "The most a pod may use (memory above it is OOM-killed, CPU throttled)." }).optional(),
  })
  .meta({ description: "Requests and limits per pod, as in a Kubernetes container spec." });

export const HttpCheckSchema = z.union(
  [
    z.string().min(1).meta({ description: "Path to GET, e.g. /healthz." }),
    z.strictObject({
      path: z.string().min(1).meta({ description: "Path to GET (default /healthz)." }).optional(),
      port: port("Port to probe (default: the service port).").optional(),
      status: z.int().min(100).max(599).meta({ description: "Expected HTTP status (default: any 2xx)." }).optional(),
    }),
  ],
  { error: "expected an HTTP path such as /healthz or {path, port, status}" },
);

export const ValidateSchema = z.union(
  [
    z
      .enum(["postgres", "redis", "rabbitmq", "http", "tcp", "none"])
      .meta({ description: "postgres / redis / rabbitmq: a protocol-level check; http: GET /healthz on the port; tcp: connect to the port; none: Ready is enough." }),
    z
      .strictObject({
        http: HttpCheckSchema.meta({ description: "HTTP check: a path, or {path, port, status}." }).optional(),
        tcp: port("TCP check: the port to connect to.").optional(),
        postgres: z
          .strictObject({
            database: z.string().min(1).optional(),
            user: z.string().min(1).optional(),
            passwordSecret: z.string().min(1).meta({ description: "Secret holding the password." }).optional(),
          })
          .meta({ description: "PostgreSQL check (SELECT 1) with connection details." })
          .optional(),
      })
      .superRefine(
        (check, ctx) => {
          const given = Object.keys(check).filter((key) => (check as Record<string, unknown>)[key] !== undefined);
          if (given.length !== 1) {
            ctx.addIssue({ code: "custom", message: `give exactly one of http, tcp, postgres (got ${given.length === 0 ? "none" : given.join(", ")})` });
          }
        },
        onCleanMappings,
      )
      .meta({ description: "One check: {http: PATH}, {http: {path, port, status}}, {tcp: PORT} or {postgres: {...}}.", minProperties: 1, maxProperties: 1 }),
  ],
  { error: "expected postgres | redis | rabbitmq | http | tcp | none, {http: PATH}, {tcp: PORT} or {postgres: {...}}" },
);

// Pods as real apps run them: named ports, probe kinds, env, extra and init containers.

// IANA_SVC_NAME (apimachinery validation.IsValidPortName): 1–15 lower-case letters, digits and
// dashes, at least one letter, no leading/trailing/double dash.
const PORT_NAME_PATTERN = /^(?=.{1,15}$)(?=.*[a-z])(?!.*--)[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
/** A string of a Kubernetes form: the pattern for editors, the message for the author. */
const formed = (pattern: RegExp, message: string, description: string) =>
  z.string().refine((text) => pattern.test(text), { message }).meta({ description, pattern: pattern.source });
const portName = (description: string) =>
  formed(PORT_NAME_PATTERN, "a port name is 1–15 lower-case letters, digits and dashes, with a letter (IANA_SVC_NAME)", description);
// A container name is a DNS label (pkg/apis/core/validation ValidateContainers → IsDNS1123Label).
const containerName = formed(
  /^(?=.{1,63}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?$/,
  "a container name is a DNS label: 1–63 lower-case letters, digits and dashes",
  "Container name (a DNS label, unique in the pod).",
);

export const ServicePortSchema = z
  .strictObject({
    name: portName("Port name (on the Service and on the container that listens)."),
    port: port("Port the Service exposes."),
    targetPort: z
      .union([z.int().min(1).max(65535), portName("")], { error: "expected a container port number or a container port name" })
      .meta({ description: "Container port (number) or a container's port name (default: `port`)." })
      .optional(),
  })
  .meta({ description: "One port of the Service: `port` on the Service, `targetPort` on the container." });

const timing = (description: string, min: number) => z.int().min(min).meta({ description }).optional();

export const ProbeSchema = z
  .strictObject({
    http: z
      .union([z.string().min(1), z.strictObject({ path: z.string().min(1), port: port("Port to GET (default: the main port).").optional() })], {
        error: "expected an HTTP path such as /healthz or {path, port}",
      })
      .meta({ description: "HTTP GET: a path, or {path, port}." })
      .optional(),
    tcp: port("TCP connect to this container port.").optional(),
    grpc: port("gRPC health check (grpc.health.v1) on this container port.").optional(),
    exec: z.array(z.string().min(1)).min(1).meta({ description: "Command run in the container; exit 0 is healthy." }).optional(),
    periodSeconds: timing("Seconds between checks (readiness default 5, liveness 10).", 1),
    failureThreshold: timing("Failures in a row before NotReady / restart (readiness default 3, liveness 6).", 1),
    timeoutSeconds: timing("Seconds one check may take (default 2, 3 for commands).", 1),
    initialDelaySeconds: timing("Seconds after the start-up probe succeeds before checks begin (default 0).", 0),
  })
  .superRefine(
    (probe, ctx) => {
      const given = (["http", "tcp", "grpc", "exec"] as const).filter((key) => probe[key] !== undefined);
      if (given.length !== 1) ctx.addIssue({ code: "custom", message: `give exactly one of http, tcp, grpc, exec (got ${given.length === 0 ? "none" : given.join(", ")})` });
    },
    onCleanMappings,
  )
  .meta({
    description: "The kubelet's readiness and liveness check (and the start-up probe's handler): one of http, tcp, grpc, exec, with optional timings.",
    oneOf: [{ required: ["http"] }, { required: ["tcp"] }, { required: ["grpc"] }, { required: ["exec"] }],
  });

const ENV_NAME_PATTERN = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const envKey = name("Key in it.");
const configMapReference = z.strictObject({ configMap: name("ConfigMap name."), key: envKey });
const secretReference = z.strictObject({ secret: name("Secret name (the value never appears in the plan)."), key: envKey });

export const EnvMapSchema = z
  .record(
    formed(ENV_NAME_PATTERN, "an environment variable name is letters, digits, '_', '-' and '.', not starting with a digit", "Variable name."),
    z.union([z.string(), z.number(), z.boolean(), configMapReference, secretReference], {
      error: "expected a value, {configMap: NAME, key: KEY} or {secret: NAME, key: KEY}",
    }),
  )
  .meta({ description: "Environment variables: NAME: value, NAME: {configMap, key} or NAME: {secret, key} (Secrets by name only)." });

const containerFields = {
  name: containerName,
  image: z.string().min(1).meta({ description: "Container image." }),
  command: z.array(z.string()).meta({ description: "Entrypoint (replaces the image's)." }).optional(),
  args: z.array(z.string()).meta({ description: "Arguments." }).optional(),
  resources: ResourcesSchema.optional(),
  ports: z
    .array(z.strictObject({ name: portName("Port name.").optional(), port: port("Container port.") }))
    .meta({ description: "Ports the container listens on." })
    .optional(),
  env: EnvMapSchema.optional(),
};

export const ContainerSchema = z.strictObject(containerFields).meta({ description: "A further container of the pod (a sidecar), running beside the main one." });
export const InitContainerSchema = z
  .strictObject({
    ...containerFields,
    restartPolicy: z
      .literal("Always")
      .meta({ description: "`Always` makes it a native sidecar: started before the main container and kept running (KEP-753)." })
      .optional(),
  })
  .meta({ description: "A container run to completion before the main one starts, or a native sidecar (`restartPolicy: Always`)." });

const rollingValue = (description: string) =>
  z.union([z.int().min(0), z.string().regex(/^\d+%$/)], { error: "expected a number of pods or a percentage such as 25%" }).meta({ description });

export const ServiceSchema = z
  .strictObject({
    description: z.string().meta({ description: "What the service does." }).optional(),
    memory: memoryQuantity("Shorthand: memory request = limit per pod.").optional(),
    cpu: cpuQuantity("Shorthand: CPU request = limit per pod.").optional(),
    resources: ResourcesSchema.optional(),
    replicas: z.int().min(0).max(10_000).default(1).meta({ description: "Pods to run (default 1)." }),
    port: port("Container port the service listens on (shorthand for one port, the same on the Service).").optional(),
    ports: z
      .array(ServicePortSchema)
      .min(1)
      .meta({ description: "Named ports; the first is the main port (connection URLs, probes). Instead of `port`." })
      .optional(),
    probe: ProbeSchema.optional(),
    terminationGracePeriodSeconds: z
      .int()
      .min(0)
      .meta({ description: "Seconds the pod gets to stop after SIGTERM before it is killed (Kubernetes default 30)." })
      .optional(),
    containers: z.array(ContainerSchema).meta({ description: "Further containers (sidecars) beside the main one." }).optional(),
    initContainers: z.array(InitContainerSchema).meta({ description: "Init containers, and native sidecars (`restartPolicy: Always`)." }).optional(),
    dependsOn: z
      .union([z.string().min(1), z.array(z.string().min(1))], { error: "expected a list of service names (or \"*\")" })
      .meta({ description: "Services that must be Ready first. \"*\" means every other service." })
      .optional(),
    validate: ValidateSchema.meta({ description: "How to tell the service works (default: none, reported by the missing-validation check)." }).optional(),
    image: z.string().min(1).meta({ description: "Container image." }).optional(),
    imagePullPolicy: z
      .enum(["Always", "IfNotPresent", "Never"])
      .meta({ description: "When the kubelet pulls the image (as in a Kubernetes container spec; default: Kubernetes' own, Always for :latest or no tag, else IfNotPresent)." })
      .optional(),
    usage: amountPair("expected in steady use per pod")
      .meta({ description: "Expected steady use per pod, for the simulator (default: the requests)." })
      .optional(),
    startup: seconds("Expected time from container start to Ready (default 10s for apps, 20s for infrastructure).").optional(),
    kind: z.enum(["Deployment", "StatefulSet"]).meta({ description: "Workload kind (default StatefulSet for postgres/redis/rabbitmq checks, else Deployment)." }).optional(),
    strategy: z.enum(["RollingUpdate", "Recreate"]).meta({ description: "Deployment update strategy (default RollingUpdate). StatefulSets always roll." }).optional(),
    rollingUpdate: z
      .strictObject({
        maxSurge: rollingValue("Extra pods allowed during an update (default 25%).").optional(),
        maxUnavailable: rollingValue("Pods that may be unavailable during an update (default 25%).").optional(),
      })
      .meta({ description: "Rolling update bounds, as in the Deployment API." })
      .optional(),
    persistent: z.boolean().meta({ description: "Keep a PersistentVolumeClaim that rollback never deletes (default true for postgres/rabbitmq StatefulSets)." }).optional(),
    storage: memoryQuantity("Size of the PersistentVolumeClaim (e.g. 1Gi).").optional(),
    priority: z.int().default(0).meta({ description: "Pod priority (higher is evicted later; default 0)." }),
    manifests: z.array(z.string().min(1)).meta({ description: "Paths of your own manifests for this service (then none are generated)." }).optional(),
    env: z
      .union([z.array(z.string().min(1)), EnvMapSchema], { error: "expected a list of variable names or a mapping NAME: value" })
      .meta({
        description:
          "Either the names of environment variables the service reads (cross-checked against the ConfigMap), or a mapping that sets them: NAME: value, NAME: {configMap, key}, NAME: {secret, key}.",
      })
      .optional(),
  })
  .superRefine(
    (service, ctx) => {
      if (service.resources !== undefined && (service.memory !== undefined || service.cpu !== undefined)) {
        ctx.addIssue({ code: "custom", path: ["resources"], message: "use either the memory/cpu shorthand or `resources`, not both" });
      }
      if (service.port !== undefined && service.ports !== undefined) {
        ctx.addIssue({ code: "custom", path: ["ports"], message: "use either `port` or `ports`, not both" });
      }
    },
    onMappings,
  )
  .meta({
    description: "A service: one workload; its main container has the resources, further containers are listed in `containers` / `initContainers`. Give either the memory/cpu shorthand (request = limit) or `resources`.",
    not: { anyOf: [{ required: ["resources", "memory"] }, { required: ["resources", "cpu"] }, { required: ["port", "ports"] }] },
  });

// ---------------------------------------------------------------------------------------------
// the plan

export const PlanSchema = z
  .strictObject({
    $schema: z.string().meta({ description: "JSON Schema reference for editors." }).optional(),
    name: name("Plan name."),
    namespace: name("Namespace to deploy into (default: the plan name).").optional(),
    description: z.string().meta({ description: "What the plan is for." }).optional(),
    cluster: ClusterSchema,
    budget: BudgetSchema.optional(),
    rollback: RollbackSchema.optional(),
    phases: z.array(PhaseSchema).min(1).meta({ description: "Phases run one after another." }),
    services: z
      .record(z.string().min(1), ServiceSchema)
      .refine((services) => Object.keys(services).length > 0, { message: "must list at least one service" })
      .meta({ description: "Every service, by name, in declaration order." }),
  })
  .meta({
    title: "OpenPolicy Deploy plan",
    description: "A phased Kubernetes deployment plan: cluster, budget, rollback triggers, phases and services.",
  });

/** The plan as written (before defaults and unit conversion). */
export type PlanInput = z.input<typeof PlanSchema>;
/** The plan after validation and unit conversion, before normalization. */
export type PlanParsed = z.output<typeof PlanSchema>;
export type ServiceParsed = PlanParsed["services"][string];
export type PhaseParsed = PlanParsed["phases"][number];
