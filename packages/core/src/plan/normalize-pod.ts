/**
 * The pod-shaped parts of a service (`ports`, `probe`, `env` values, `containers`,
 * `initContainers`, `terminationGracePeriodSeconds`) → the model, with the rules the API server
 * and the kubelet would otherwise enforce late: unique container names, a Service targetPort some
 * container declares, a probe on a port the main container declares.
 */
import { formatBytes, formatMillicores } from "../quantity/index.js";
import { servicePort } from "../render/connections.js";
import { dnsLabel } from "../render/names.js";
import type { PathSegment } from "./locate.js";
import type { EnvVar, ExtraContainer, InitContainer, NamedPort, Probe, Service } from "./model.js";
import { normalizeResources } from "./normalize.js";
import type { ServiceParsed } from "./schema.js";

type Problem = (path: PathSegment[], message: string) => void;
type EnvParsed = Exclude<ServiceParsed["env"], string[] | undefined>;
type ContainerParsed = NonNullable<ServiceParsed["containers"]>[number];
type InitParsed = NonNullable<ServiceParsed["initContainers"]>[number];

export function normalizeEnv(env: EnvParsed | undefined): EnvVar[] {
  return Object.entries(env ?? {}).map(([name, value]) => ({
    name,
    from: typeof value === "object" ? ("secret" in value ? { secret: value.secret, key: value.key } : { configMap: value.configMap, key: value.key }) : { value: String(value) },
  }));
}

function normalizeContainer(parsed: ContainerParsed): ExtraContainer {
  const container: ExtraContainer = {
    name: parsed.name,
    image: parsed.image,
    ...normalizeResources({ resources: parsed.resources }),
    ports: (parsed.ports ?? []).map((p) => (p.name !== undefined ? { name: p.name, port: p.port } : { port: p.port })),
    env: normalizeEnv(parsed.env),
  };
  if (parsed.command !== undefined) container.command = [...parsed.command];
  if (parsed.args !== undefined) container.args = [...parsed.args];
  return container;
}

function normalizeProbe(parsed: NonNullable<ServiceParsed["probe"]>): Probe {
  let probe: Probe;
  if (parsed.http !== undefined) {
    probe = typeof parsed.http === "string" ? { kind: "http", path: parsed.http } : { kind: "http", path: parsed.http.path };
    if (typeof parsed.http !== "string" && parsed.http.port !== undefined) probe.port = parsed.http.port;
  } else if (parsed.tcp !== undefined) probe = { kind: "tcp", port: parsed.tcp };
  else if (parsed.grpc !== undefined) probe = { kind: "grpc", port: parsed.grpc };
  else probe = { kind: "exec", command: [...(parsed.exec ?? [])] };
  for (const key of ["periodSeconds", "failureThreshold", "timeoutSeconds", "initialDelaySeconds"] as const) {
    if (parsed[key] !== undefined) probe[key] = parsed[key];
  }
  return probe;
}

/** The pod-shaped fields of the model service, to spread into it. */
export function normalizePodFields(service: ServiceParsed): Partial<Service> {
  const fields: Partial<Service> = {};
  if (service.ports !== undefined) {
    fields.ports = service.ports.map((p): NamedPort => ({ name: p.name, port: p.port, targetPort: p.targetPort ?? p.port }));
  }
  if (service.probe !== undefined) fields.probe = normalizeProbe(service.probe);
  if (service.terminationGracePeriodSeconds !== undefined) fields.terminationGracePeriodSeconds = service.terminationGracePeriodSeconds;
  if (service.containers !== undefined) fields.containers = service.containers.map(normalizeContainer);
  if (service.initContainers !== undefined) {
    fields.initContainers = service.initContainers.map((c: InitParsed): InitContainer => ({ ...normalizeContainer(c), sidecar: c.restartPolicy === "Always" }));
  }
  if (service.env !== undefined && !Array.isArray(service.env)) fields.envValues = normalizeEnv(service.env);
  return fields;
}

/** Ports the sidecars (app containers and native sidecars) declare: they may be Service targets. */
function sidecarPorts(service: Service): Array<{ name?: string; port: number }> {
  return [...(service.containers ?? []), ...(service.initContainers ?? []).filter((c) => c.sidecar)].flatMap((c) => c.ports);
}

/**
 * The main container's ports: each `ports` entry whose numeric target no sidecar declares (named
 * after the entry), or the one `port`.
 */
export function mainContainerPorts(service: Service): Array<{ name: string; port: number }> {
  if (service.ports === undefined) return [];
  const sidecar = new Set(sidecarPorts(service).map((p) => p.port));
  const seen = new Set<number>();
  const out: Array<{ name: string; port: number }> = [];
  for (const p of service.ports) {
    if (typeof p.targetPort !== "number" || sidecar.has(p.targetPort) || seen.has(p.targetPort)) continue;
    seen.add(p.targetPort);
    out.push({ name: p.name, port: p.targetPort });
  }
  return out;
}

/** The main port from `ports:` (the first entry's container port), to fill the model's `port`. */
export function mainPortOf(service: Service): number | undefined {
  const first = service.ports?.[0];
  return first !== undefined && typeof first.targetPort === "number" ? first.targetPort : undefined;
}

/** What the API server and the kubelet would refuse or silently get wrong about the pod. */
export function checkPodFields(service: Service, path: PathSegment[], problem: Problem): void {
  const main = mainContainerName(service.name);
  const names = new Map<string, PathSegment[]>([[main, path]]);
  const lists = [["containers", service.containers ?? []], ["initContainers", service.initContainers ?? []]] as const;
  for (const [key, list] of lists) {
    list.forEach((c, i) => {
      if (names.has(c.name)) problem([...path, key, i, "name"], `container name \`${c.name}\` is used twice in the pod (the main container is named \`${main}\`)`);
      names.set(c.name, [...path, key, i]);
      checkContainerLimits(c, [...path, key, i], problem);
    });
  }
  checkPorts(service, path, problem);
  checkProbePort(service, path, problem);
}

/**
 * A container's limit below its request: the API server rejects the pod (ValidateResourceRequirements
 * in kubernetes pkg/apis/core/validation/validation.go), as api-rules.ts reports for the main container.
 */
function checkContainerLimits(container: ExtraContainer, path: PathSegment[], problem: Problem): void {
  for (const resource of ["memory", "cpu"] as const) {
    const limit = container.limits[resource];
    if (limit === undefined || limit >= container.requests[resource]) continue;
    const show = resource === "memory" ? formatBytes : formatMillicores;
    problem(
      [...path, "resources", "limits", resource],
      `the ${resource} limit ${show(limit)} is below the request ${show(container.requests[resource])}; Kubernetes rejects such a pod (raise the limit or lower the request)`,
    );
  }
}

/** The main container's name; a service name with no Kubernetes form is api-rules.ts' to report. */
function mainContainerName(service: string): string {
  try {
    return dnsLabel(service);
  } catch {
    return service;
  }
}

function checkPorts(service: Service, path: PathSegment[], problem: Problem): void {
  if (service.ports === undefined) return;
  const sidecar = sidecarPorts(service);
  const declaredNames = new Set([...service.ports.filter((p) => typeof p.targetPort === "number").map((p) => p.name), ...sidecar.flatMap((p) => (p.name ? [p.name] : []))]);
  const sidecarNumbers = new Set(sidecar.map((p) => p.port));
  const seenNames = new Set<string>();
  const seenPorts = new Set<number>();
  service.ports.forEach((p, i) => {
    const at = [...path, "ports", i];
    if (seenNames.has(p.name)) problem([...at, "name"], `port name \`${p.name}\` is used twice (Service port names are unique)`);
    if (seenPorts.has(p.port)) problem([...at, "port"], `port ${p.port} is listed twice (the API server refuses duplicate Service ports)`);
    seenNames.add(p.name);
    seenPorts.add(p.port);
    if (typeof p.targetPort === "string" && !declaredNames.has(p.targetPort)) {
      problem([...at, "targetPort"], `targetPort \`${p.targetPort}\` is not a port any container of the pod declares (declared: ${[...declaredNames].join(", ") || "none"})`);
    }
  });
  const first = service.ports[0]!;
  if (typeof first.targetPort !== "number" || sidecarNumbers.has(first.targetPort)) {
    problem([...path, "ports", 0, "targetPort"], "the first port is the main port (connection URLs, probes): its targetPort must be a port number of the main container, not a sidecar's");
  }
}

function checkProbePort(service: Service, path: PathSegment[], problem: Problem): void {
  const probe = service.probe;
  if (probe?.port === undefined) return;
  const declared = service.ports !== undefined ? mainContainerPorts(service).map((p) => p.port) : [servicePort(service)].filter((p): p is number => p !== undefined);
  if (declared.includes(probe.port)) return;
  const field = probe.kind === "http" ? ["http", "port"] : [probe.kind];
  problem([...path, "probe", ...field], `probe port ${probe.port} is not a port the main container declares (declared: ${declared.join(", ") || "none"}); add it to \`ports\``);
}
