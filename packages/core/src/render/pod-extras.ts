/**
 * The parts of a generated pod the plan writes beyond the main container's defaults: named ports
 * (Service port → container port), env values, sidecars, init containers and native sidecars.
 */
import type { EnvVar, ExtraContainer, InitContainer, ResourceAmount, ResourceLimits, Service } from "../plan/model.js";
import { mainContainerPorts } from "../plan/normalize-pod.js";
import { quantityFromBytes, quantityFromMillis } from "../quantity/index.js";

type Json = Record<string, unknown>;

/** A container's `resources`: requests always, limits when any is set. */
export function renderResources(requests: ResourceAmount, limits: ResourceLimits): Record<string, Record<string, string>> {
  const rendered = {
    cpu: quantityFromMillis(requests.cpu).toString(),
    memory: quantityFromBytes(requests.memory).toString(),
  };
  const limit: Record<string, string> = {};
  if (limits.cpu !== undefined) limit.cpu = quantityFromMillis(limits.cpu).toString();
  if (limits.memory !== undefined) limit.memory = quantityFromBytes(limits.memory).toString();
  return Object.keys(limit).length > 0 ? { requests: rendered, limits: limit } : { requests: rendered };
}

/** Env entries: literal values, or references to a ConfigMap or Secret key (never a Secret's value). */
export function renderEnv(env: readonly EnvVar[]): Json[] {
  return env.map(({ name, from }) => {
    if ("value" in from) return { name, value: from.value };
    if ("secret" in from) return { name, valueFrom: { secretKeyRef: { name: from.secret, key: from.key } } };
    return { name, valueFrom: { configMapKeyRef: { name: from.configMap, key: from.key } } };
  });
}

/**
 * The main container's env: what the renderer sets for the image family, then the plan's values.
 * A variable the plan sets replaces the renderer's of the same name (Kubernetes would keep the
 * later of two duplicates, but a duplicate reads as a mistake in the rendered object).
 */
export function mergeEnv(rendered: Json[], service: Service): Json[] {
  if (service.envValues === undefined || service.envValues.length === 0) return rendered;
  const own = new Set(service.envValues.map((e) => e.name));
  return [...rendered.filter((e) => !own.has(e.name as string)), ...renderEnv(service.envValues)];
}

/** Container ports of the main container from `ports:` (one per distinct target number). */
export function mainContainerPortSpecs(service: Service): Array<{ name: string; containerPort: number; protocol: "TCP" }> {
  return mainContainerPorts(service).map((p) => ({ name: p.name, containerPort: p.port, protocol: "TCP" }));
}

/**
 * The Service's ports from `ports:`. A targetPort on the main container is given by its container
 * port name (as the generated objects always do); on a sidecar, by the sidecar's name for it, or its
 * number when it has none.
 */
export function servicePortSpecs(service: Service): Json[] {
  const main = new Map(mainContainerPorts(service).map((p) => [p.port, p.name]));
  const sidecar = new Map([...(service.containers ?? []), ...(service.initContainers ?? [])].flatMap((c) => c.ports.map((p) => [p.port, p.name] as const)));
  return (service.ports ?? []).map((p) => {
    let targetPort: number | string = p.targetPort;
    if (typeof p.targetPort === "number") targetPort = main.get(p.targetPort) ?? sidecar.get(p.targetPort) ?? p.targetPort;
    return { name: p.name, port: p.port, targetPort, protocol: "TCP" };
  });
}

function renderContainer(container: ExtraContainer): Json {
  const zero = container.requests.memory === 0 && container.requests.cpu === 0 && container.limits.memory === undefined && container.limits.cpu === undefined;
  return {
    name: container.name,
    image: container.image,
    ...(container.command ? { command: container.command } : {}),
    ...(container.args ? { args: container.args } : {}),
    ...(container.ports.length > 0
      ? { ports: container.ports.map((p) => ({ ...(p.name ? { name: p.name } : {}), containerPort: p.port, protocol: "TCP" })) }
      : {}),
    ...(container.env.length > 0 ? { env: renderEnv(container.env) } : {}),
    // No resources written: no request, as in the user's own manifest (BestEffort for this container).
    ...(zero ? {} : { resources: renderResources(container.requests, container.limits) }),
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
  };
}

/** Sidecars, listed after the main container. */
export function renderSidecars(service: Service): Json[] {
  return (service.containers ?? []).map(renderContainer);
}

/** Init containers in start order; a native sidecar carries `restartPolicy: Always` (KEP-753). */
export function renderInitContainers(service: Service): Json[] {
  return (service.initContainers ?? []).map((c: InitContainer) => ({
    ...renderContainer(c),
    ...(c.sidecar ? { restartPolicy: "Always" } : {}),
  }));
}
