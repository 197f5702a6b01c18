/**
 * Cross-check of the user's own manifests against the plan, for services that point at their own
 * files (`service.manifests`): the Deployment/StatefulSet and Service found there must agree with
 * the plan, and with each other, on what breaks a rollout.
 *
 * - Ports (error): the plan's port must be a containerPort; every readiness/liveness/startup probe
 *   must check the port the app listens on; each Service targetPort must reach a containerPort.
 *   The user's readiness failures were exactly this (probe 9007 vs container 9016).
 * - Resources and replicas (warning): the plan's capacity math is only true if the manifests
 *   request what the plan says.
 * - Env (manifest-env-missing): a `configMapKeyRef` to a key the ConfigMap does not define keeps
 *   the pod in CreateContainerConfigError (error); a variable the plan says the service reads
 *   (`service.env`, e.g. CACHE_URL) that nothing sets is a warning — the code falls back or fails.
 *
 * Services the renderer generates are checked for the env part only (their ports and resources
 * come from the plan by construction).
 */
import type { Finding, RuleId, Severity } from "../checks/finding.js";
import type { Plan, Service, SourceLocation } from "../plan/model.js";
import { parseResourceAmount } from "../plan/units.js";
import { quantityFromBytes, quantityFromMillis } from "../quantity/index.js";
import { CONNECTION_KEYS, connectionSettings, credentialFamiliesFor, servicePort } from "../render/connections.js";
import { connectionsConfigMapName } from "../render/names.js";
import { type FieldPath, type ManifestObject, type ManifestText, parseManifests } from "./parse-manifests.js";
import { findService, findWorkload, isRecord, list, ownObjects, podLabels, record, sameFile, selectorMatches } from "./service-objects.js";

type Data = Record<string, unknown>;


const PROBES = ["readinessProbe", "livenessProbe", "startupProbe"] as const;

class FindingSink {
  readonly findings: Finding[] = [];
  add(rule: RuleId, severity: Severity, service: Service, location: SourceLocation, message: string): void {
    this.findings.push({ rule, severity, message, services: [service.name], location });
  }
}







interface ContainerPort {
  name?: string;
  port: number;
}

function containerPorts(container: Data): ContainerPort[] {
  return list(container.ports).flatMap((p) => {
    const port = record(p);
    if (typeof port.containerPort !== "number") return [];
    return [{ port: port.containerPort, ...(typeof port.name === "string" ? { name: port.name } : {}) }];
  });
}

/** A named or numbered port resolved against the container's ports (undefined: unknown name). */
function resolvePort(port: unknown, ports: ContainerPort[]): number | undefined {
  if (typeof port === "number") return port;
  if (typeof port === "string") {
    if (/^[0-9]+$/.test(port)) return Number(port);
    return ports.find((p) => p.name === port)?.port;
  }
  return undefined;
}

/** `-p 5432`, `-p5432`, `--port 6379`, `--port=6379` in an exec probe's command. */
function execProbePort(command: unknown[]): { port: number; index: number } | undefined {
  for (let i = 0; i < command.length; i++) {
    const arg = String(command[i]);
    const glued = /^(?:-p|--port=)([0-9]+)$/.exec(arg);
    if (glued) return { port: Number(glued[1]), index: i };
    if ((arg === "-p" || arg === "--port") && i + 1 < command.length && /^[0-9]+$/.test(String(command[i + 1]))) {
      return { port: Number(command[i + 1]), index: i + 1 };
    }
  }
  return undefined;
}

function showPorts(ports: ContainerPort[]): string {
  return ports.length === 0 ? "none" : ports.map((p) => (p.name ? `${p.port} ("${p.name}")` : String(p.port))).join(", ");
}

function checkPorts(
  sink: FindingSink,
  service: Service,
  workload: ManifestObject,
  containerPath: FieldPath,
  container: Data,
  serviceObject: ManifestObject | undefined,
): void {
  const ports = containerPorts(container);
  const planPort = service.port;
  const v = service.validate;
  // The plan's port may be the Service's, in front of another container port (Service 8080 →
  // targetPort 8081): clients use 8080 and the container listens on 8081, which is consistent.
  // The container side of the plan's port is then the target; telling the user to make the
  // container listen on 8080, or to probe 8080, would break a working Service.
  const fronting = planPort === undefined || !serviceObject ? undefined : list(record(serviceObject.value.spec).ports).map(record).find((sp) => sp.port === planPort);
  const frontedTarget = fronting ? resolvePort(fronting.targetPort ?? fronting.port, ports) : undefined;
  // With a wrong targetPort (reported below, with the port to set), the container's one port is its side.
  const containerSide =
    frontedTarget !== undefined && ports.some((p) => p.port === frontedTarget) ? frontedTarget : fronting && ports.length === 1 ? ports[0]!.port : planPort;
  if (!fronting && planPort !== undefined && !ports.some((p) => p.port === planPort)) {
    sink.add(
      "manifest-mismatch",
      "error",
      service,
      workload.locate([...containerPath, "ports"]),
      `${service.name}: the plan says the service listens on ${planPort}, but container "${String(container.name)}" declares ports ${showPorts(ports)}; make containerPort ${planPort} (or fix the plan).`,
    );
  }
  // The port the probes must check: the plan's health port when it gives one, else the app port.
  const appPort = containerSide ?? (ports.length === 1 ? ports[0]!.port : undefined);
  const probePort = (v.kind === "http" || v.kind === "tcp") && v.port !== undefined ? v.port : appPort;

  for (const probeName of PROBES) {
    const probe = record(container[probeName]);
    if (Object.keys(probe).length === 0) continue;
    const probePath = [...containerPath, probeName];
    for (const handler of ["httpGet", "tcpSocket", "grpc"] as const) {
      if (!isRecord(probe[handler])) continue;
      const written = probe[handler].port;
      const where = workload.locate([...probePath, handler, "port"]);
      const resolved = resolvePort(written, ports);
      if (resolved === undefined) {
        sink.add("manifest-mismatch", "error", service, where, `${service.name}: ${probeName} checks port ${JSON.stringify(written)}, which is not a named port of the container (ports: ${showPorts(ports)}); the probe can never succeed.`);
        continue;
      }
      const offPlan = probePort !== undefined && resolved !== probePort;
      const undeclared = ports.length > 0 && !ports.some((p) => p.port === resolved);
      if (offPlan || undeclared) {
        const target = probePort ?? ports[0]!.port;
        const named = ports.find((p) => p.port === target)?.name;
        sink.add(
          "manifest-mismatch",
          "error",
          service,
          where,
          `${service.name}: ${probeName} checks port ${resolved} but ${
            undeclared
              ? `the container declares ${showPorts(ports)}${planPort !== undefined ? ` (plan: ${planPort})` : ""}`
              : `the plan says the service listens on ${probePort}`
          }; the probe fails and the pod ${probeName === "readinessProbe" ? "never becomes Ready" : "is restarted"} — set ${handler}.port to ${named ? `"${named}"` : target}.`,
        );
      }
    }
    const command = list(record(probe.exec).command);
    const execPort = execProbePort(command);
    if (execPort && appPort !== undefined && execPort.port !== appPort) {
      sink.add(
        "manifest-mismatch",
        "error",
        service,
        workload.locate([...probePath, "exec", "command", execPort.index]),
        `${service.name}: ${probeName} runs "${command.join(" ")}" against port ${execPort.port} but the service listens on ${appPort}; the probe fails.`,
      );
    }
  }

  if (!serviceObject) {
    if (planPort !== undefined) {
      sink.add("manifest-mismatch", "warning", service, workload.locate(["metadata", "name"]), `${service.name}: no Service selects this ${workload.kind} in the manifests read, so other services cannot reach it on port ${planPort}.`);
    }
    return;
  }
  const spec = record(serviceObject.value.spec);
  const selector = record(spec.selector);
  if (Object.keys(selector).length > 0 && !selectorMatches(selector, podLabels(workload))) {
    sink.add("manifest-mismatch", "error", service, serviceObject.locate(["spec", "selector"]), `${service.name}: Service "${serviceObject.name}" selects ${JSON.stringify(selector)} but the pods are labelled ${JSON.stringify(podLabels(workload))}; the Service has no endpoints.`);
  }
  const servicePorts = list(spec.ports).map(record);
  // A Service reaches every container of the pod (a metrics sidecar's named port is a fine
  // targetPort: Sock Shop's rabbitmq-exporter), so its ports resolve against all of them.
  const podPorts = list(record(record(record(workload.value.spec).template).spec).containers).flatMap((c) => containerPorts(record(c)));
  servicePorts.forEach((sp, i) => {
    // targetPort defaults to port (core/v1 ServicePort).
    const target = sp.targetPort ?? sp.port;
    const resolved = resolvePort(target, podPorts);
    const where = serviceObject.locate(["spec", "ports", i, sp.targetPort !== undefined ? "targetPort" : "port"]);
    if (resolved === undefined) {
      sink.add("manifest-mismatch", "error", service, where, `${service.name}: Service "${serviceObject.name}" targetPort ${JSON.stringify(target)} is not a named port of the pod's containers (ports: ${showPorts(podPorts)}); connections fail.`);
    } else if (podPorts.length > 0 && !podPorts.some((p) => p.port === resolved)) {
      // Only a port some container listens on is advice that works.
      const fix = appPort !== undefined && podPorts.some((p) => p.port === appPort) ? appPort : (ports[0]?.port ?? podPorts[0]!.port);
      sink.add("manifest-mismatch", "error", service, where, `${service.name}: Service "${serviceObject.name}" sends traffic to targetPort ${resolved} but the pod's containers listen on ${showPorts(podPorts)}; set targetPort to ${fix}.`);
    } else if (appPort !== undefined && ports.length === 0 && resolved !== appPort) {
      sink.add("manifest-mismatch", "error", service, where, `${service.name}: Service "${serviceObject.name}" sends traffic to targetPort ${resolved} but the service listens on ${appPort}.`);
    }
  });
  if (planPort !== undefined && servicePorts.length > 0 && !servicePorts.some((sp) => sp.port === planPort)) {
    sink.add("manifest-mismatch", "warning", service, serviceObject.locate(["spec", "ports"]), `${service.name}: Service "${serviceObject.name}" exposes ${servicePorts.map((sp) => String(sp.port)).join(", ")} but the plan's port is ${planPort}; clients built from the plan connect to the wrong port.`);
  }
}

function checkReplicasAndResources(sink: FindingSink, service: Service, workload: ManifestObject, containerPath: FieldPath, container: Data): void {
  const spec = record(workload.value.spec);
  // replicas defaults to 1 (apps/v1 defaults.go).
  const replicas = typeof spec.replicas === "number" ? spec.replicas : 1;
  if (replicas !== service.replicas) {
    sink.add("manifest-mismatch", "warning", service, workload.locate(["spec", "replicas"]), `${service.name}: the manifest runs ${replicas} replica${replicas === 1 ? "" : "s"}, the plan ${service.replicas}; the plan's capacity figures are off by ${Math.abs(replicas - service.replicas)} pod(s).`);
  }
  if (service.kind !== workload.kind) {
    sink.add("manifest-mismatch", "warning", service, workload.locate(["kind"]), `${service.name}: the plan deploys a ${service.kind}, the manifest a ${workload.kind}.`);
  }
  const resources = record(container.resources);
  for (const section of ["requests", "limits"] as const) {
    for (const resource of ["memory", "cpu"] as const) {
      const planned = section === "requests" ? service.requests[resource] : service.limits[resource];
      const written = record(resources[section])[resource];
      const show = (n: number) => (resource === "memory" ? quantityFromBytes(n) : quantityFromMillis(n)).toString();
      const where = workload.locate([...containerPath, "resources", section, resource]);
      if (written === undefined) {
        if (planned !== undefined && planned > 0) {
          sink.add("manifest-mismatch", "warning", service, where, `${service.name}: the plan sets ${section}.${resource} ${show(planned)} but the manifest sets none.`);
        }
        continue;
      }
      const parsed = typeof written === "string" || typeof written === "number" ? parseResourceAmount(written, resource) : { ok: false as const, reason: "not a quantity" };
      if (!parsed.ok) {
        sink.add("manifest-mismatch", "error", service, where, `${service.name}: ${section}.${resource} ${JSON.stringify(written)} is not a valid quantity (${parsed.reason}); the API server rejects it.`);
      } else if (planned === undefined) {
        if (section === "limits") {
          sink.add("manifest-mismatch", "warning", service, where, `${service.name}: the manifest sets limits.${resource} ${show(parsed.value)} but the plan gives no limit.`);
        }
      } else if (parsed.value !== planned) {
        sink.add("manifest-mismatch", "warning", service, where, `${service.name}: ${section}.${resource} is ${show(parsed.value)} in the manifest but ${show(planned)} in the plan.`);
      }
    }
  }
}

interface ConfigMapKeys {
  keys: Set<string>;
  /** False for the generated connections ConfigMap (known from the plan, not from a file). */
  fromFile: boolean;
}

function checkEnv(
  sink: FindingSink,
  service: Service,
  workload: ManifestObject,
  containerPath: FieldPath,
  container: Data,
  configMaps: Map<string, ConfigMapKeys>,
): void {
  const provided = new Set<string>();
  let unknownSources = false;
  list(container.env).forEach((entry, i) => {
    const env = record(entry);
    if (typeof env.name === "string") provided.add(env.name);
    const ref = record(record(env.valueFrom).configMapKeyRef);
    if (typeof ref.name !== "string" || typeof ref.key !== "string") return;
    const cm = configMaps.get(ref.name);
    if (!cm) return; // not among the files read: cannot judge
    if (!cm.keys.has(ref.key) && ref.optional !== true) {
      sink.add(
        "manifest-env-missing",
        "error",
        service,
        workload.locate([...containerPath, "env", i, "valueFrom", "configMapKeyRef", "key"]),
        `${service.name}: env ${String(env.name)} reads key ${ref.key} of ConfigMap "${ref.name}", which defines only ${[...cm.keys].sort().join(", ") || "no keys"}; the pod stays in CreateContainerConfigError.`,
      );
    }
  });
  for (const entry of list(container.envFrom)) {
    const from = record(entry);
    const prefix = typeof from.prefix === "string" ? from.prefix : "";
    const ref = record(from.configMapRef);
    const cm = typeof ref.name === "string" ? configMaps.get(ref.name) : undefined;
    if (cm) for (const key of cm.keys) provided.add(prefix + key);
    else unknownSources = true;
  }
  if (unknownSources) return; // something we cannot see may set the rest
  for (const key of service.env) {
    if (provided.has(key)) continue;
    const sources = [...configMaps.entries()].filter(([, cm]) => cm.fromFile || cm.keys.size > 0).map(([name]) => name);
    sink.add(
      "manifest-env-missing",
      "warning",
      service,
      workload.locate([...containerPath, container.env !== undefined ? "env" : "name"]),
      `${service.name}: the plan says the service reads ${key}, but neither the container's env nor ${sources.length > 0 ? `ConfigMap ${sources.map((s) => `"${s}"`).join(", ")}` : "any ConfigMap"} sets it (connection settings are ${Object.values(CONNECTION_KEYS).map((k) => k.url).join(", ")}).`,
    );
  }
}

/** Env keys a generated container gets; see render/workload.ts. */
function generatedEnvKeys(plan: Plan, service: Service): Set<string> {
  const keys = new Set<string>(["HOME"]);
  if (servicePort(service) !== undefined) keys.add("PORT");
  for (const family of credentialFamiliesFor(plan, service)) keys.add(CONNECTION_KEYS[family].passwordEnv);
  for (const key of Object.keys(connectionSettings({ plan, namespace: plan.namespace, clusterDomain: "cluster.local" }))) keys.add(key);
  return keys;
}

/**
 * Findings for manifests the user supplies (`docs`: every file the services' `manifests` name,
 * read by the caller), plus env keys (`service.env`) that generated manifests would not set.
 */
export function crossCheckManifests(plan: Plan, docs: readonly ManifestText[]): Finding[] {
  const sink = new FindingSink();
  const { objects, errors } = parseManifests(docs);
  const configMaps = new Map<string, ConfigMapKeys>();
  for (const o of objects) {
    if (o.kind === "ConfigMap") {
      configMaps.set(o.name, { keys: new Set([...Object.keys(record(o.value.data)), ...Object.keys(record(o.value.binaryData))]), fromFile: true });
    }
  }
  const generated = connectionsConfigMapName(plan);
  if (!configMaps.has(generated)) {
    configMaps.set(generated, { keys: new Set(Object.keys(connectionSettings({ plan, namespace: plan.namespace, clusterDomain: "cluster.local" }))), fromFile: false });
  }

  for (const service of plan.services.values()) {
    if (service.manifests.length === 0) {
      const keys = generatedEnvKeys(plan, service);
      for (const key of service.env) {
        if (keys.has(key)) continue;
        sink.add(
          "manifest-env-missing",
          "warning",
          service,
          service.location,
          `${service.name}: the plan says the service reads ${key}, but the generated manifests set only ${[...keys].sort().join(", ")}; rename the variable in the code or add it to ConfigMap "${generated}".`,
        );
      }
      continue;
    }
    const syntax = errors.filter((e) => service.manifests.some((m) => sameFile(m, e.file)));
    for (const e of syntax) {
      sink.add("manifest-mismatch", "error", service, e.location, `${service.name}: ${e.file} is not valid YAML (${e.message}); nothing in it was checked.`);
    }
    const own = ownObjects(service, objects);
    const workload = findWorkload(service, own, objects);
    if (!workload) {
      if (syntax.length === 0) {
        sink.add("manifest-mismatch", "error", service, service.location, `${service.name}: no Deployment or StatefulSet for this service in ${service.manifests.join(", ")} (looked for metadata.name or label app.kubernetes.io/name "${service.name}").`);
      }
      continue;
    }
    const containers = list(record(record(record(workload.value.spec).template).spec).containers).map(record);
    let index = containers.findIndex((c) => c.name === service.name);
    if (index < 0) index = 0;
    const container = containers[index];
    if (!container) {
      sink.add("manifest-mismatch", "error", service, workload.locate(["spec", "template", "spec"]), `${service.name}: ${workload.kind} "${workload.name}" has no containers.`);
      continue;
    }
    const containerPath: FieldPath = ["spec", "template", "spec", "containers", index];
    checkReplicasAndResources(sink, service, workload, containerPath, container);
    checkPorts(sink, service, workload, containerPath, container, findService(service, workload, own, objects));
    checkEnv(sink, service, workload, containerPath, container, configMaps);
  }
  return sink.findings.sort(
    (a, b) => a.location.file.localeCompare(b.location.file) || a.location.line - b.location.line || a.location.column - b.location.column,
  );
}
