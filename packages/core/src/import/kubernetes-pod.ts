/**
 * One Deployment or StatefulSet read into an imported service: effective pod requests and limits
 * (core's one rule, qos/pod-resources.ts), replicas, the main container's port, image and probes,
 * and a note for everything the plan format cannot carry yet.
 */
import type { FieldPath, ManifestObject } from "../manifests/parse-manifests.js";
import { podLimits, podRequests, quantityBytes } from "../qos/pod-resources.js";
import { quantityFromBytes, quantityFromMillis } from "../quantity/index.js";
import type { ImportedService, ValidateInput } from "./imported.js";
import type { NoteSink } from "./notes.js";
import { grpcHealthProbePort, httpValidation, infrastructureOfImage } from "./validation.js";

type Data = Record<string, unknown>;
export const record = (value: unknown): Data => (typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Data) : {});
export const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const text = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);

export const POD_SPEC: FieldPath = ["spec", "template", "spec"];

export interface ContainerPort {
  name?: string;
  port: number;
}

export function containerPorts(container: Data): ContainerPort[] {
  return list(container.ports).flatMap((p) => {
    const port = record(p);
    return typeof port.containerPort === "number" ? [{ port: port.containerPort, ...(text(port.name) ? { name: text(port.name)! } : {}) }] : [];
  });
}

/** A Service targetPort or probe port (number, digits or a port name) against the container's ports. */
export function resolvePort(port: unknown, ports: ContainerPort[]): number | undefined {
  if (typeof port === "number") return port;
  if (typeof port === "string" && /^[0-9]+$/.test(port)) return Number(port);
  return typeof port === "string" ? ports.find((p) => p.name === port)?.port : undefined;
}

export function mainContainerIndex(workload: ManifestObject, containers: Data[]): number {
  const named = containers.findIndex((c) => c.name === workload.name);
  return Math.max(named, 0);
}

/** One container's effective request, by the same rule as the pod's (a lone limit counts). */
function showAmount(container: Data): string {
  const r = podRequests({ spec: { containers: [container] } });
  return `requests ${quantityFromBytes(r.memory).toString()} memory, ${quantityFromMillis(r.cpu).toString()} CPU`;
}

/** Notes for the pod-level things one plan service cannot say: more containers, init containers, overhead. */
function noteContainers(sink: NoteSink, workload: ManifestObject, containers: Data[], init: Data[], main: number): void {
  const line = (path: FieldPath) => workload.locate(path).line;
  containers.forEach((c, i) => {
    if (i === main) return;
    sink.add(
      workload.file,
      line([...POD_SPEC, "containers", i]),
      "dropped",
      `container "${String(c.name)}" of ${workload.kind} ${workload.name} runs beside "${String(containers[main]!.name)}": its ${showAmount(c)} are counted in the pod's requests (sum of containers), its image, ports and probes are not in the plan (one container per service)`,
      workload.name,
    );
  });
  init.forEach((c, i) => {
    const sidecar = c.restartPolicy === "Always";
    sink.add(
      workload.file,
      line([...POD_SPEC, "initContainers", i]),
      "dropped",
      sidecar
        ? `init container "${String(c.name)}" is a sidecar (restartPolicy: Always): its ${showAmount(c)} are added to the pod's requests, as the scheduler counts them; the container is not in the plan`
        : `init container "${String(c.name)}" is not in the plan; its ${showAmount(c)} count only if larger than the containers' sum (max rule)`,
      workload.name,
    );
  });
}

/** The check `validate` infers from the image and the main container's probes. */
function inferValidation(sink: NoteSink, workload: ManifestObject, container: Data, path: FieldPath, port: number | undefined): ValidateInput | undefined {
  const note = (at: FieldPath, kind: "inferred" | "dropped" | "assumed", message: string) => sink.add(workload.file, workload.locate(at).line, kind, message, workload.name);
  const family = infrastructureOfImage(text(container.image));
  if (family) {
    note([...path, "image"], "inferred", `validate: ${family} (a protocol check) from image ${String(container.image)}`);
    return family;
  }
  const ports = containerPorts(container);
  for (const probeName of ["readinessProbe", "startupProbe", "livenessProbe"] as const) {
    const probe = record(container[probeName]);
    const at = [...path, probeName];
    const http = record(probe.httpGet);
    if (Object.keys(http).length > 0) {
      const probePort = resolvePort(http.port, ports);
      note(at, "inferred", `validate: HTTP GET ${text(http.path) ?? "/"} from the ${probeName}`);
      return httpValidation(text(http.path) ?? "/", probePort, port);
    }
    const tcp = resolvePort(record(probe.tcpSocket).port, ports);
    if (tcp !== undefined) {
      note(at, "inferred", `validate: TCP connect to ${tcp} from the ${probeName}'s tcpSocket`);
      return { tcp };
    }
    const grpc = record(probe.grpc);
    const grpcPort = typeof grpc.port === "number" ? grpc.port : grpcHealthProbePort(list(record(probe.exec).command).map(String));
    if (grpcPort !== undefined) {
      note(at, "dropped", `the ${probeName} is a gRPC health check on ${grpcPort}; the plan has no gRPC check, so validate connects over TCP to ${grpcPort}`);
      return { tcp: grpcPort };
    }
    if (Object.keys(record(probe.exec)).length > 0) note(at, "dropped", `the ${probeName} runs a command; the plan has no exec check`);
  }
  if (port !== undefined) {
    note(path, "assumed", `validate: TCP connect to ${port} (no HTTP, TCP or gRPC probe says more)`);
    return { tcp: port };
  }
  note(path, "assumed", `no probe and no port: nothing to validate`);
  return undefined;
}

/** Everything in the pod template that deploy would need and the plan cannot say yet. */
function noteDropped(sink: NoteSink, workload: ManifestObject, podSpec: Data, containers: Data[]): void {
  const at = (path: FieldPath, message: string) => sink.add(workload.file, workload.locate(path).line, "dropped", message, workload.name);
  if (podSpec.terminationGracePeriodSeconds !== undefined) {
    at([...POD_SPEC, "terminationGracePeriodSeconds"], `terminationGracePeriodSeconds: ${String(podSpec.terminationGracePeriodSeconds)} (the plan format has no grace period)`);
  }
  containers.forEach((c, i) => {
    const names = list(c.env).map((e) => text(record(e).name)).filter((n): n is string => n !== undefined);
    if (names.length > 0) at([...POD_SPEC, "containers", i, "env"], `env of "${String(c.name)}": ${names.join(", ")} (values are not in the plan)`);
    if (list(c.envFrom).length > 0) at([...POD_SPEC, "containers", i, "envFrom"], `envFrom of "${String(c.name)}" (not in the plan)`);
  });
  const scheduling = ["nodeSelector", "affinity", "tolerations", "topologySpreadConstraints", "priorityClassName"].filter((k) => podSpec[k] !== undefined);
  if (scheduling.length > 0) at([...POD_SPEC, scheduling[0]!], `${scheduling.join(", ")} (the plan places pods by resources only)`);
}

/** The port other services reach: the targetPort of a Service selecting the pods, else the main container's first port. */
function appPort(sink: NoteSink, workload: ManifestObject, ports: ContainerPort[], services: ManifestObject[], path: FieldPath): number | undefined {
  for (const svc of services) {
    const spec = record(svc.value.spec);
    for (const [i, sp] of list(spec.ports).map(record).entries()) {
      const target = resolvePort(sp.targetPort ?? sp.port, ports);
      if (target === undefined || (ports.length > 0 && !ports.some((p) => p.port === target))) continue;
      if (sp.port !== target) {
        sink.add(svc.file, svc.locate(["spec", "ports", i]).line, "dropped", `Service ${svc.name} port ${String(sp.port)} → targetPort ${target}: the plan keeps the container port ${target} (no Service port in the format)`, workload.name);
      }
      const others = ports.filter((p) => p.port !== target);
      if (others.length > 0) sink.add(workload.file, workload.locate([...path, "ports"]).line, "dropped", `ports ${others.map((p) => p.port).join(", ")} (the plan has one port per service; kept ${target})`, workload.name);
      return target;
    }
  }
  if (ports.length > 1) sink.add(workload.file, workload.locate([...path, "ports"]).line, "dropped", `ports ${ports.slice(1).map((p) => p.port).join(", ")} (the plan has one port per service; kept ${ports[0]!.port})`, workload.name);
  return ports[0]?.port;
}

function rolloutSettings(workload: ManifestObject): Pick<ImportedService, "strategy" | "rollingUpdate" | "persistent" | "storage"> {
  const spec = record(workload.value.spec);
  if (workload.kind === "StatefulSet") {
    const claims = list(spec.volumeClaimTemplates).map(record);
    const storage = claims.reduce((sum, c) => sum + quantityBytes(record(record(record(c.spec).resources).requests).storage), 0);
    return { persistent: claims.length > 0, ...(storage > 0 ? { storage } : {}) };
  }
  const strategy = record(spec.strategy);
  const rolling = record(strategy.rollingUpdate);
  const bounds = {
    ...(rolling.maxSurge !== undefined ? { maxSurge: rolling.maxSurge as number | string } : {}),
    ...(rolling.maxUnavailable !== undefined ? { maxUnavailable: rolling.maxUnavailable as number | string } : {}),
  };
  return {
    persistent: false,
    ...(strategy.type === "Recreate" ? { strategy: "Recreate" as const } : {}),
    ...(Object.keys(bounds).length > 0 ? { rollingUpdate: bounds } : {}),
  };
}

/** `services`: the Service objects selecting this workload's pods. */
export function readWorkload(sink: NoteSink, workload: ManifestObject, services: ManifestObject[], manifests: string[]): ImportedService {
  const podSpec = record(record(record(workload.value.spec).template).spec);
  const containers = list(podSpec.containers).map(record);
  const init = list(podSpec.initContainers).map(record);
  // core's one rule for the pod's effective request and limit (fit.go computePodResourceRequest,
  // API defaulting of a request from its limit, sidecars): qos/pod-resources.ts.
  const pod = { spec: podSpec };
  const requests = podRequests(pod);
  const limits = podLimits(pod);
  const main = mainContainerIndex(workload, containers);
  const container = containers[main] ?? {};
  const path: FieldPath = [...POD_SPEC, "containers", main];
  noteContainers(sink, workload, containers, init, main);
  noteDropped(sink, workload, podSpec, containers);
  const port = appPort(sink, workload, containerPorts(container), services, path);
  const replicas = record(workload.value.spec).replicas;
  if (typeof replicas !== "number") {
    sink.add(workload.file, workload.locate(["spec"]).line, "assumed", `replicas: 1 (not set; the ${workload.kind} default)`, workload.name);
  }
  if (requests.memory === 0 && requests.cpu === 0) {
    sink.add(workload.file, workload.locate(path).line, "assumed", `no requests or limits: a BestEffort pod, counted as 0 memory and 0 CPU`, workload.name);
  }
  const validate = inferValidation(sink, workload, container, path, port);
  const delay = record(container.readinessProbe).initialDelaySeconds;
  if (typeof delay === "number" && delay > 0) {
    sink.add(workload.file, workload.locate([...path, "readinessProbe", "initialDelaySeconds"]).line, "inferred", `startup: ${delay}s (the readiness probe's initialDelaySeconds: Ready no sooner)`, workload.name);
  }
  const policy = container.imagePullPolicy;
  return {
    name: workload.name,
    file: workload.file,
    line: workload.locate(["metadata", "name"]).line,
    requests,
    limits,
    replicas: typeof replicas === "number" ? replicas : 1,
    ...(port !== undefined ? { port } : {}),
    dependsOn: [],
    ...(validate !== undefined ? { validate } : {}),
    ...(text(container.image) ? { image: text(container.image)! } : {}),
    ...(policy === "Always" || policy === "IfNotPresent" || policy === "Never" ? { imagePullPolicy: policy } : {}),
    kind: workload.kind === "StatefulSet" ? "StatefulSet" : "Deployment",
    ...rolloutSettings(workload),
    ...(typeof delay === "number" && delay > 0 ? { startupSeconds: delay } : {}),
    manifests,
  };
}
