/**
 * A Compose file read into imported services: `deploy.resources` (reservations are requests,
 * limits are limits), `deploy.replicas`, ports (the container side), images, `depends_on` with its
 * conditions, healthchecks (the plan's `validate`), named volumes (persistent) and profiles (a
 * service in a profile that is not enabled is left out, as `docker compose up` leaves it out).
 * One file: merge overrides first with `docker compose -f a.yaml -f b.yaml config | opdeploy import -`.
 */
import { type FieldPath, type ManifestObject, type ManifestText, parseManifests } from "../manifests/parse-manifests.js";
import { addDependency, type ImportedApp, type ImportedService, type ValidateInput } from "./imported.js";
import { list, record } from "./kubernetes-pod.js";
import { ImportError, NoteSink } from "./notes.js";
import { hostReferences } from "./references.js";
import { composeBytes, composeDependencies, composeMillicores, composeTargetPort, healthcheckWords, validationOfHealthcheck } from "./compose-values.js";
import { infrastructureOfImage } from "./validation.js";

export interface ComposeImportOptions {
  /** Profiles to enable (`docker compose --profile NAME`). */
  profiles?: readonly string[];
}

type Data = Record<string, unknown>;

/** Keys this importer reads; any other key of a service is named in a "dropped" note. */
const READ_KEYS = new Set(["image", "build", "ports", "expose", "deploy", "depends_on", "healthcheck", "profiles", "environment", "volumes", "mem_limit", "mem_reservation", "cpus", "scale"]);

class ComposeReader {
  constructor(
    readonly doc: ManifestObject,
    readonly sink: NoteSink,
  ) {}
  line(path: FieldPath): number {
    return this.doc.locate(path).line;
  }
  note(path: FieldPath, kind: "inferred" | "assumed" | "dropped" | "skipped", message: string, service?: string): void {
    this.sink.add(this.doc.file, this.line(path), kind, message, service);
  }
}

function readResources(r: ComposeReader, name: string, spec: Data): Pick<ImportedService, "requests" | "limits"> {
  const at: FieldPath = ["services", name];
  const resources = record(record(spec.deploy).resources);
  const reservations = record(resources.reservations);
  const limitsIn = record(resources.limits);
  const memoryRequest = composeBytes(reservations.memory) ?? composeBytes(spec.mem_reservation);
  const cpuRequest = composeMillicores(reservations.cpus);
  const memoryLimit = composeBytes(limitsIn.memory) ?? composeBytes(spec.mem_limit);
  const cpuLimit = composeMillicores(limitsIn.cpus) ?? composeMillicores(spec.cpus);
  const limits = { ...(memoryLimit !== undefined ? { memory: memoryLimit } : {}), ...(cpuLimit !== undefined ? { cpu: cpuLimit } : {}) };
  const requests = { memory: memoryRequest ?? memoryLimit ?? 0, cpu: cpuRequest ?? cpuLimit ?? 0 };
  for (const [resource, request, limit] of [["memory", memoryRequest, memoryLimit], ["CPU", cpuRequest, cpuLimit]] as const) {
    if (request === undefined && limit !== undefined) {
      r.note([...at, "deploy", "resources", "limits"], "assumed", `${resource} request = its limit (no reservation; Kubernetes sets a missing request to the limit)`, name);
    } else if (request === undefined) {
      r.note(at, "assumed", `no ${resource} reservation or limit: requests ${resource} 0 (the container reserves nothing)`, name);
    }
  }
  return { requests, limits };
}

function readPort(r: ComposeReader, name: string, spec: Data): number | undefined {
  const ports = [...list(spec.ports), ...list(spec.expose)].map(composeTargetPort).filter((p): p is number => p !== undefined);
  const unique = [...new Set(ports)];
  if (unique.length > 1) r.note(["services", name, spec.ports !== undefined ? "ports" : "expose"], "dropped", `ports ${unique.slice(1).join(", ")} (the plan has one port per service; kept ${unique[0]})`, name);
  list(spec.ports).forEach((p, i) => {
    if (typeof p === "string" && p.includes(":")) r.note(["services", name, "ports", i], "dropped", `published port ${p.replace(/:[^:]*$/, "")} (the plan keeps the container port; publishing is for the host, not the cluster)`, name);
  });
  return unique[0];
}

function readValidation(r: ComposeReader, name: string, spec: Data, port: number | undefined): ValidateInput | undefined {
  const health = record(spec.healthcheck);
  const at: FieldPath = ["services", name, "healthcheck"];
  if (health.disable !== true && health.test !== undefined) {
    const found = validationOfHealthcheck(healthcheckWords(health.test), port);
    if (found) {
      r.note([...at, "test"], "inferred", `validate from the healthcheck (${found.what})`, name);
      const timings = ["interval", "timeout", "retries", "start_period", "start_interval"].filter((k) => health[k] !== undefined);
      if (timings.length > 0) r.note(at, "dropped", `healthcheck ${timings.join(", ")} (the plan has no probe timings)`, name);
      return found.validate;
    }
    r.note([...at, "test"], "dropped", `the healthcheck command has no plan equivalent`, name);
  }
  const family = infrastructureOfImage(typeof spec.image === "string" ? spec.image : undefined);
  if (family) {
    r.note(["services", name, "image"], "inferred", `validate: ${family} from image ${String(spec.image)}`, name);
    return family;
  }
  if (port !== undefined) {
    r.note(["services", name], "assumed", `validate: TCP connect to ${port} (no healthcheck says more)`, name);
    return { tcp: port };
  }
  r.note(["services", name], "assumed", `no healthcheck and no port: nothing to validate`, name);
  return undefined;
}

/** Named volumes keep data: the service becomes a StatefulSet with a PersistentVolumeClaim. */
function isPersistent(r: ComposeReader, name: string, spec: Data): boolean {
  let persistent = false;
  list(spec.volumes).forEach((v, i) => {
    const source = typeof v === "string" ? v.split(":")[0]! : String(record(v).source ?? "");
    const type = typeof v === "string" ? (/^[./~]/.test(source) || !v.includes(":") ? "bind" : "volume") : String(record(v).type ?? "volume");
    if (type === "volume" && source !== "") {
      persistent = true;
      r.note(["services", name, "volumes", i], "inferred", `named volume ${source}: a StatefulSet with a PersistentVolumeClaim`, name);
    } else {
      r.note(["services", name, "volumes", i], "dropped", `${type} mount ${source || "(anonymous)"} (not in the plan)`, name);
    }
  });
  return persistent;
}

function readService(r: ComposeReader, name: string, spec: Data): ImportedService {
  const at: FieldPath = ["services", name];
  const image = typeof spec.image === "string" ? spec.image : undefined;
  if (image === undefined && spec.build !== undefined) r.note([...at, "build"], "assumed", `built from source (no image): the plan runs ${name}:latest; build and load it under that name`, name);
  const port = readPort(r, name, spec);
  const deploy = record(spec.deploy);
  const replicas = typeof deploy.replicas === "number" ? deploy.replicas : typeof spec.scale === "number" ? spec.scale : 1;
  const persistent = isPersistent(r, name, spec);
  const env = record(spec.environment);
  const envNames = Array.isArray(spec.environment) ? list(spec.environment).map((e) => String(e).split("=")[0]!) : Object.keys(env);
  if (envNames.length > 0) r.note([...at, "environment"], "dropped", `environment ${envNames.join(", ")} (values are not in the plan)`, name);
  const other = Object.keys(spec).filter((k) => !READ_KEYS.has(k) && !k.startsWith("x-"));
  const deployOther = Object.keys(deploy).filter((k) => k !== "resources" && k !== "replicas");
  if (other.length > 0 || deployOther.length > 0) r.note(other.length > 0 ? [...at, other[0]!] : [...at, "deploy", deployOther[0]!], "dropped", `${[...other, ...deployOther.map((k) => `deploy.${k}`)].join(", ")} (not in the plan)`, name);
  return {
    name,
    file: r.doc.file,
    line: r.line(at),
    ...readResources(r, name, spec),
    replicas,
    ...(port !== undefined ? { port } : {}),
    dependsOn: [],
    ...((v) => (v !== undefined ? { validate: v } : {}))(readValidation(r, name, spec, port)),
    ...(image !== undefined ? { image } : {}),
    kind: persistent ? "StatefulSet" : "Deployment",
    persistent,
    manifests: [],
  };
}

/** `depends_on` first (what Compose orders by), then services named in environment values. */
function readDependencies(r: ComposeReader, specs: Map<string, Data>, imported: Map<string, ImportedService>): void {
  for (const [name, service] of imported) {
    const spec = specs.get(name)!;
    for (const dep of composeDependencies(spec.depends_on)) {
      const where: FieldPath = ["services", name, "depends_on", Array.isArray(spec.depends_on) ? list(spec.depends_on).indexOf(dep.name) : dep.name];
      if (!imported.has(dep.name)) {
        r.note(where, "skipped", `depends_on ${dep.name}, which is ${specs.has(dep.name) ? "in a profile not enabled" : "not a service of the file"}: no dependency`, name);
        continue;
      }
      addDependency(service, dep.name);
      if (dep.condition === "service_started") r.note(where, "assumed", `${dep.name} (condition service_started): the plan waits until it is Ready, which is stronger`, name);
      if (dep.condition === "service_completed_successfully") r.note(where, "dropped", `${dep.name} runs to completion (service_completed_successfully); the plan has no one-off jobs, so it is deployed as a service`, name);
      if (!dep.required) r.note(where, "assumed", `${dep.name} is optional (required: false); the plan waits for it anyway`, name);
    }
    const env = spec.environment;
    const entries: [string, unknown, FieldPath][] = Array.isArray(env)
      ? env.map((e, i) => [String(e).split("=")[0]!, String(e).split("=").slice(1).join("="), ["services", name, "environment", i]])
      : Object.entries(record(env)).map(([k, v]) => [k, v, ["services", name, "environment", k]]);
    for (const [variable, value, where] of entries) {
      if (typeof value !== "string") continue;
      for (const host of hostReferences(value, variable)) {
        if (host.namespace === undefined && imported.has(host.name) && addDependency(service, host.name)) {
          r.note(where, "inferred", `${name} depends on ${host.name}: environment ${variable} refers to it (not in depends_on)`, name);
        }
      }
    }
  }
}

export function importCompose(source: ManifestText, options: ComposeImportOptions = {}): ImportedApp {
  const { objects, errors } = parseManifests([source]);
  if (errors.length > 0) throw new ImportError(errors.map((e) => ({ file: e.file, line: e.location.line, message: `not valid YAML: ${e.message}` })));
  const doc = objects[0];
  const services = record(doc?.value.services);
  if (!doc || Object.keys(services).length === 0) throw new ImportError([{ file: source.file, line: 1, message: "a Compose file needs a `services` mapping with at least one service" }]);
  const sink = new NoteSink();
  const r = new ComposeReader(doc, sink);
  const enabled = new Set(options.profiles ?? []);
  const specs = new Map(Object.entries(services).map(([name, spec]) => [name, record(spec)]));
  const imported = new Map<string, ImportedService>();
  for (const [name, spec] of specs) {
    const profiles = list(spec.profiles).map(String);
    if (profiles.length > 0 && !profiles.some((p) => enabled.has(p) || enabled.has("*"))) {
      r.note(["services", name, "profiles"], "skipped", `${name} is in profile ${profiles.join(", ")}, not enabled (--profile ${profiles[0]} includes it)`, name);
      continue;
    }
    imported.set(name, readService(r, name, spec));
  }
  if (imported.size === 0) throw new ImportError([{ file: source.file, line: r.line(["services"]), message: "every service is in a profile that is not enabled; pass --profile NAME" }]);
  readDependencies(r, specs, imported);
  for (const key of Object.keys(doc.value)) {
    if (key !== "services" && key !== "name" && !key.startsWith("x-")) r.note([key], "skipped", `top-level ${key} (not part of the plan)`);
  }
  const fromDir = source.file.replace(/\\/g, "/").split("/").slice(-2, -1)[0];
  const name = typeof doc.value.name === "string" ? doc.value.name : fromDir && fromDir !== "." && fromDir !== ".." ? fromDir : "compose";
  return { format: "compose", name: name.toLowerCase().replace(/[^a-z0-9-]+/g, "-"), services: [...imported.values()], notes: sink };
}
