/**
 * The pod-shaped service fields (`ports`, `probe`, `terminationGracePeriodSeconds`, `env` values,
 * `containers`, `initContainers`) written back as plan input, so a plan the planner rewrites keeps
 * them and loads back to the same model.
 */
import type { EnvVar, ExtraContainer, InitContainer, ResourceAmount, ResourceLimits, Service } from "@openpolicy/core";

type Quantities = { memory: (bytes: number) => string | number; cpu: (millicores: number) => string | number };

function envInput(env: readonly EnvVar[]): Record<string, unknown> {
  return Object.fromEntries(env.map(({ name, from }) => [name, "value" in from ? from.value : { ...from }]));
}

function resourcesInput(requests: ResourceAmount, limits: ResourceLimits, q: Quantities): Record<string, unknown> | undefined {
  const limit: Record<string, unknown> = {};
  if (limits.memory !== undefined) limit.memory = q.memory(limits.memory);
  if (limits.cpu !== undefined) limit.cpu = q.cpu(limits.cpu);
  // The reader fills a missing request from its limit, so writing both reads back the same.
  const request = { memory: q.memory(requests.memory), cpu: q.cpu(requests.cpu) };
  const none = requests.memory === 0 && requests.cpu === 0 && Object.keys(limit).length === 0;
  return none ? undefined : { requests: request, ...(Object.keys(limit).length > 0 ? { limits: limit } : {}) };
}

function containerInput(container: ExtraContainer | InitContainer, q: Quantities): Record<string, unknown> {
  const out: Record<string, unknown> = { name: container.name, image: container.image };
  if (container.command) out.command = [...container.command];
  if (container.args) out.args = [...container.args];
  const resources = resourcesInput(container.requests, container.limits, q);
  if (resources) out.resources = resources;
  if (container.ports.length > 0) out.ports = container.ports.map((p) => ({ ...p }));
  if (container.env.length > 0) out.env = envInput(container.env);
  if ("sidecar" in container && container.sidecar) out.restartPolicy = "Always";
  return out;
}

/** The fields to add to (or replace in) a service's input; `port` is dropped when `ports` is written. */
export function podFieldsInput(service: Service, q: Quantities): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (service.ports) out.ports = service.ports.map((p) => ({ ...p }));
  if (service.probe) {
    const { kind, path, port, command, ...timings } = service.probe;
    const handler = kind === "http" ? { http: port !== undefined ? { path, port } : path } : kind === "exec" ? { exec: command } : { [kind]: port };
    out.probe = { ...handler, ...timings };
  }
  if (service.terminationGracePeriodSeconds !== undefined) out.terminationGracePeriodSeconds = service.terminationGracePeriodSeconds;
  if (service.containers) out.containers = service.containers.map((c) => containerInput(c, q));
  if (service.initContainers) out.initContainers = service.initContainers.map((c) => containerInput(c, q));
  if (service.envValues) out.env = envInput(service.envValues);
  return out;
}
