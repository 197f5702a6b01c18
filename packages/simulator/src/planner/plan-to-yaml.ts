/**
 * A Plan written back in the YAML input format (packages/core/src/plan/schema.ts), so that an
 * optimized plan can be saved and loaded again with `parsePlanText` into an equivalent plan
 * (same model, locations aside).
 *
 * Everything is written explicitly rather than left to defaults (kind, persistence, start-up,
 * requests and limits through `resources`), so the file does not depend on how defaults are
 * derived. Figures use Kubernetes quantities (Gi/Mi/Ki when exact, bytes otherwise; millicores),
 * percentages with `%`, durations in seconds.
 */
import { Document, isMap, isSeq, type YAMLMap } from "yaml";
import type { Phase, Plan, Service, Validation } from "@openpolicy/core";
import { podFieldsInput } from "./pod-fields-input.js";

const KI = 1024;
const UNITS = [
  ["Ei", KI ** 6],
  ["Pi", KI ** 5],
  ["Ti", KI ** 4],
  ["Gi", KI ** 3],
  ["Mi", KI ** 2],
  ["Ki", KI],
] as const;

/** Bytes as a quantity the plan reader parses back exactly: "1Gi", "1536Mi", or a plain number. */
export function memoryQuantityText(bytes: number): string | number {
  if (bytes === 0) return 0;
  for (const [unit, size] of UNITS) if (bytes % size === 0) return `${bytes / size}${unit}`;
  return bytes;
}

/** Millicores as a quantity: whole cores as "2", anything else as "500m". */
export function cpuQuantityText(millicores: number): string | number {
  if (millicores === 0) return 0;
  return millicores % 1000 === 0 ? String(millicores / 1000) : `${millicores}m`;
}

const percentText = (value: number) => `${value}%`;

function validationInput(validation: Validation): unknown {
  switch (validation.kind) {
    case "none":
      return undefined;
    case "redis":
    case "rabbitmq":
      return validation.kind;
    case "postgres": {
      const details: Record<string, string> = {};
      if (validation.database !== undefined) details.database = validation.database;
      if (validation.user !== undefined) details.user = validation.user;
      if (validation.passwordSecret !== undefined) details.passwordSecret = validation.passwordSecret;
      return Object.keys(details).length === 0 ? "postgres" : { postgres: details };
    }
    case "tcp":
      return { tcp: validation.port };
    case "http": {
      if (validation.port === undefined && validation.expectStatus === undefined) return { http: validation.path };
      const http: Record<string, unknown> = { path: validation.path };
      if (validation.port !== undefined) http.port = validation.port;
      if (validation.expectStatus !== undefined) http.status = validation.expectStatus;
      return { http };
    }
  }
}

/**
 * `dependsOn` as written: when the author used "*", the shortest list "<names…>, *" that expands
 * to the same dependencies in the same order (the reader expands "*" in place, skipping names
 * already listed); otherwise the names.
 */
function dependsOnInput(service: Service, all: readonly string[]): string[] {
  if (!service.dependsOnAll) return [...service.dependsOn];
  const expand = (written: string[]) => {
    const out: string[] = [];
    for (const name of written) {
      const names = name === "*" ? all.filter((other) => other !== service.name) : [name];
      for (const each of names) if (!out.includes(each)) out.push(each);
    }
    return out;
  };
  const target = service.dependsOn.join("\u0000");
  for (let k = 0; k <= service.dependsOn.length; k++) {
    const written = [...service.dependsOn.slice(0, k), "*"];
    if (expand(written).join("\u0000") === target) return written;
  }
  // Not expressible with "*" (cannot happen for a plan the reader produced): spell it out.
  return [...service.dependsOn];
}

function serviceInput(service: Service, all: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const limits: Record<string, unknown> = {};
  if (service.limits.memory !== undefined) limits.memory = memoryQuantityText(service.limits.memory);
  if (service.limits.cpu !== undefined) limits.cpu = cpuQuantityText(service.limits.cpu);
  out.resources = {
    requests: { memory: memoryQuantityText(service.requests.memory), cpu: cpuQuantityText(service.requests.cpu) },
    ...(Object.keys(limits).length > 0 ? { limits } : {}),
  };
  out.replicas = service.replicas;
  if (service.port !== undefined) out.port = service.port;
  const dependsOn = dependsOnInput(service, all);
  if (dependsOn.length > 0) out.dependsOn = dependsOn;
  const validate = validationInput(service.validate);
  if (validate !== undefined) out.validate = validate;
  if (service.image !== undefined) out.image = service.image;
  if (service.usageGiven) out.usage = { memory: memoryQuantityText(service.usage.memory), cpu: cpuQuantityText(service.usage.cpu) };
  out.startup = `${service.startupSeconds}s`;
  out.kind = service.kind;
  if (service.kind === "Deployment" && service.strategy !== "RollingUpdate") out.strategy = service.strategy;
  const { maxSurge, maxUnavailable } = service.rollingUpdate;
  if (String(maxSurge) !== "25%" || String(maxUnavailable) !== "25%") out.rollingUpdate = { maxSurge, maxUnavailable };
  out.persistent = service.persistent;
  if (service.storage !== undefined) out.storage = memoryQuantityText(service.storage);
  if (service.priority !== 0) out.priority = service.priority;
  if (service.manifests.length > 0) out.manifests = [...service.manifests];
  if (service.env.length > 0) out.env = [...service.env];
  Object.assign(out, podFieldsInput(service, { memory: memoryQuantityText, cpu: cpuQuantityText }));
  if (service.ports) delete out.port;
  return out;
}

function phaseInput(phase: Phase): Record<string, unknown> {
  const out: Record<string, unknown> = { name: phase.name };
  if (phase.sequential) {
    out.sequential = true;
    out.services = phase.batches.flatMap((b) => b.services);
  } else if (phase.batches.length === 1 && phase.batches[0]!.name === phase.name) {
    out.services = [...phase.batches[0]!.services];
  } else {
    out.batches = phase.batches.map((b) => ({ name: b.name, services: [...b.services] }));
  }
  if (phase.gate) {
    const gate: Record<string, unknown> = {};
    if (phase.gate.memory !== undefined) gate.memory = percentText(phase.gate.memory);
    if (phase.gate.cpu !== undefined) gate.cpu = percentText(phase.gate.cpu);
    if (phase.gate.healthy !== undefined) gate.healthy = percentText(phase.gate.healthy);
    out.gate = gate;
  }
  if (phase.declared) {
    const declared: Record<string, unknown> = {};
    // The author's own text: the declared-total check judges rounding by how it was written.
    if (phase.declared.memory !== undefined || phase.declared.memoryText !== undefined) {
      declared.memory = phase.declared.memoryText ?? memoryQuantityText(phase.declared.memory!);
    }
    if (phase.declared.cpu !== undefined || phase.declared.cpuText !== undefined) {
      declared.cpu = phase.declared.cpuText ?? cpuQuantityText(phase.declared.cpu!);
    }
    out.declared = declared;
  }
  if (phase.expectedSeconds) out.expected = `${phase.expectedSeconds[0]}s-${phase.expectedSeconds[1]}s`;
  return out;
}

/** The plan as input, in the schema's field order. */
export function planToInput(plan: Plan): Record<string, unknown> {
  const out: Record<string, unknown> = { name: plan.name };
  if (plan.namespace !== plan.name) out.namespace = plan.namespace;
  const cluster: Record<string, unknown> = {
    nodes: plan.cluster.nodes.map((g) => ({
      ...(g.name !== undefined ? { name: g.name } : {}),
      count: g.count,
      memory: memoryQuantityText(g.memory),
      cpu: cpuQuantityText(g.cpu),
      pods: g.pods,
    })),
    reserved: { memory: memoryQuantityText(plan.cluster.reserved.memory), cpu: cpuQuantityText(plan.cluster.reserved.cpu) },
  };
  if (plan.cluster.overhead !== "none") cluster.overhead = plan.cluster.overhead;
  out.cluster = cluster;
  if (plan.budget) {
    const budget: Record<string, unknown> = {};
    if (plan.budget.memory !== undefined) budget.memory = percentText(plan.budget.memory);
    if (plan.budget.cpu !== undefined) budget.cpu = percentText(plan.budget.cpu);
    out.budget = budget;
  }
  const r = plan.rollback;
  const rollback: Record<string, unknown> = {};
  if (r.memory !== undefined) rollback.memory = percentText(r.memory);
  if (r.unhealthy !== undefined) rollback.unhealthy = percentText(r.unhealthy);
  if (r.latency !== undefined) rollback.latency = `${r.latency}ms`;
  if (r.errorRate !== undefined) rollback.errorRate = percentText(r.errorRate);
  // `for` (how long a trigger must hold) is newer than the rest of the policy; read it defensively.
  const forSeconds = (r as { forSeconds?: number }).forSeconds;
  if (forSeconds !== undefined) rollback.for = `${forSeconds}s`;
  rollback.scope = r.scope;
  rollback.timeout = `${r.timeoutSeconds}s`;
  out.rollback = rollback;
  out.phases = plan.phases.map(phaseInput);
  const all = [...plan.services.keys()];
  out.services = Object.fromEntries([...plan.services.values()].map((s) => [s.name, serviceInput(s, all)]));
  return out;
}

export interface PlanToYamlOptions {
  /** A comment for the top of the file (each line becomes a `#` line). */
  comment?: string;
}

/**
 * YAML text of the plan: block style for the structure, one flow mapping per line for each
 * service, node group, batch and gate (the layout of examples/openpolicy/plan.yaml).
 */
export function planToYaml(plan: Plan, options: PlanToYamlOptions = {}): string {
  const document = new Document(planToInput(plan));
  if (options.comment) document.commentBefore = options.comment.split("\n").map((line) => ` ${line}`).join("\n");
  const flowItems = (node: unknown) => {
    if (isSeq(node)) for (const item of node.items) if (isMap(item)) item.flow = true;
    if (isMap(node)) for (const pair of node.items) if (isMap(pair.value)) pair.value.flow = true;
  };
  const root = document.contents as YAMLMap;
  const cluster: unknown = root.get("cluster", true);
  if (isMap(cluster)) {
    flowItems(cluster.get("nodes", true));
    const reserved = cluster.get("reserved", true);
    if (isMap(reserved)) reserved.flow = true;
  }
  for (const key of ["budget", "rollback"]) {
    const node = root.get(key, true);
    if (isMap(node)) node.flow = true;
  }
  const phases = root.get("phases", true);
  if (isSeq(phases)) {
    for (const phase of phases.items) {
      if (!isMap(phase)) continue;
      for (const key of ["services", "gate", "declared"]) {
        const node = phase.get(key, true);
        if (node && (isMap(node) || isSeq(node))) node.flow = true;
      }
      flowItems(phase.get("batches", true));
      const batches = phase.get("batches", true);
      if (isSeq(batches)) for (const b of batches.items) if (isMap(b)) (b.get("services", true) as { flow?: boolean }).flow = true;
    }
  }
  flowItems(root.get("services", true));
  return document.toString({ lineWidth: 0, flowCollectionPadding: false });
}
