/**
 * Imported services become a plan in the YAML input notation: resources as Kubernetes quantities,
 * phases from the dependency generations (core's graph: a service's phase comes after every phase
 * holding something it depends on), a cluster when none is given (a guess, and said so), and the
 * YAML text with every note as a comment. The raw plan is decoded with the same decoder `check`
 * uses, so import never writes a plan that cannot be read back.
 */
import { Document, isMap, isScalar } from "yaml";
import { breakCycles, buildDependencyGraph, findCycles, topologicalGenerations } from "../graph/index.js";
import { decodePlan } from "../plan/decode.js";
import type { Plan } from "../plan/model.js";
import { quantityFromBytes, quantityFromMillis } from "../quantity/index.js";
import type { ImportedApp, ImportedService } from "./imported.js";
import { formatImportNote, type InputNote } from "./notes.js";

import type { RawPlan } from "../markdown/import.js";

export type { RawPlan };

/** The size of the cluster's nodes for an imported plan. */
export interface NodeSize {
  /** bytes */
  memory: number;
  /** millicores */
  cpu: number;
  count?: number;
}

/** The result of {@link importSources}: the plan (raw, decoded and as YAML) and the notes. */
export interface PlanImport {
  format: ImportedApp["format"];
  raw: RawPlan;
  plan: Plan;
  notes: InputNote[];
  /** The plan as YAML with the notes as comments (what `opdeploy import` writes). */
  yaml: string;
}

const memoryText = (bytes: number) => quantityFromBytes(bytes).toString();
const cpuText = (millis: number) => quantityFromMillis(millis).toString();

function serviceInput(s: ImportedService): Record<string, unknown> {
  const limits = { ...(s.limits.memory !== undefined ? { memory: memoryText(s.limits.memory) } : {}), ...(s.limits.cpu !== undefined ? { cpu: cpuText(s.limits.cpu) } : {}) };
  return {
    resources: { requests: { memory: memoryText(s.requests.memory), cpu: cpuText(s.requests.cpu) }, ...(Object.keys(limits).length > 0 ? { limits } : {}) },
    replicas: s.replicas,
    ...(s.port !== undefined ? { port: s.port } : {}),
    ...(s.dependsOn.length > 0 ? { dependsOn: [...s.dependsOn] } : {}),
    ...(s.validate !== undefined ? { validate: s.validate } : {}),
    ...(s.image !== undefined ? { image: s.image } : {}),
    ...(s.imagePullPolicy !== undefined ? { imagePullPolicy: s.imagePullPolicy } : {}),
    ...(s.startupSeconds !== undefined ? { startup: `${s.startupSeconds}s` } : {}),
    // Written out, not left to defaults: the plan's default kind for a postgres/redis check is a
    // StatefulSet, while the input may run Redis as a Deployment (Online Boutique's redis-cart).
    kind: s.kind,
    ...(s.strategy !== undefined ? { strategy: s.strategy } : {}),
    ...(s.rollingUpdate !== undefined ? { rollingUpdate: s.rollingUpdate } : {}),
    persistent: s.persistent,
    ...(s.storage !== undefined ? { storage: memoryText(s.storage) } : {}),
    ...(s.manifests.length > 0 ? { manifests: [...s.manifests] } : {}),
  };
}

const GI = 1024 ** 3;
const nextPowerOfTwo = (n: number) => 2 ** Math.ceil(Math.log2(Math.max(n, 1)));

/** One node twice the plan's requests (room for a rolling update's surge) and at least its limits, in round figures. */
function guessNode(services: readonly ImportedService[]): NodeSize {
  let memory = 0;
  let cpu = 0;
  let memoryLimits = 0;
  let cpuLimits = 0;
  for (const s of services) {
    memory += s.requests.memory * s.replicas;
    cpu += s.requests.cpu * s.replicas;
    memoryLimits += (s.limits.memory ?? 0) * s.replicas;
    cpuLimits += (s.limits.cpu ?? 0) * s.replicas;
  }
  return { memory: nextPowerOfTwo(Math.max(2 * memory, memoryLimits, GI) / GI) * GI, cpu: nextPowerOfTwo(Math.max(2 * cpu, cpuLimits, 1000) / 1000) * 1000 };
}

function decode(raw: RawPlan, file: string, app: ImportedApp): Plan {
  const lines = new Map(app.services.map((s) => [s.name, s.line]));
  return decodePlan(raw, {
    file,
    format: "yaml",
    locate: (path) => ({ line: path[0] === "services" && typeof path[1] === "string" ? (lines.get(path[1]) ?? 1) : 1, column: 1 }),
  });
}

/** Phases = dependency generations; a cycle (references both ways) is broken first, with a note per dropped edge. */
function phasesOf(raw: RawPlan, file: string, app: ImportedApp): string[][] {
  const services = raw.services as Record<string, Record<string, unknown>>;
  raw.phases = [{ name: "all", services: Object.keys(services) }];
  const graph = buildDependencyGraph(decode(raw, file, app));
  if (findCycles(graph).length > 0) {
    for (const { service, dependency } of breakCycles(graph)) {
      const s = app.services.find((x) => x.name === service)!;
      s.dependsOn = s.dependsOn.filter((d) => d !== dependency);
      if (s.dependsOn.length > 0) services[service]!.dependsOn = [...s.dependsOn];
      else delete services[service]!.dependsOn;
      app.notes.add(s.file, s.line, "dropped", `${service} → ${dependency} is part of a dependency cycle; dropped so the services have an order`, service);
    }
  }
  return topologicalGenerations(decode(raw, file, app));
}

function emit(raw: RawPlan, app: ImportedApp, files: readonly string[]): string {
  const doc = new Document(raw);
  const inPlan = new Set(app.services.map((s) => s.name));
  // A note about something left out (a profile not enabled, a duplicate name) has no service to sit above.
  const general = app.notes.notes.filter((n) => n.service === undefined || !inPlan.has(n.service));
  const kinds = ["inferred", "assumed", "dropped", "skipped"].map((k) => `${app.notes.notes.filter((n) => n.kind === k).length} ${k}`).join(", ");
  const header = [
    ` Imported by opdeploy import from ${files.join(", ")} (${app.format === "kubernetes" ? "Kubernetes YAML" : "Compose"}).`,
    ` Notes (${kinds}): what was read with an inference or an assumption, and what the plan cannot say yet.`,
    ` Each service's notes are above it; notes about the input as a whole:`,
    ...general.map((n) => `   ${formatImportNote(n)}`),
  ];
  doc.commentBefore = header.join("\n");
  const services = doc.get("services", true);
  if (isMap(services)) {
    for (const pair of services.items) {
      if (!isScalar(pair.key)) continue;
      const name = String(pair.key.value);
      const s = app.services.find((x) => x.name === name)!;
      const own = app.notes.notes
        .filter((n) => n.service === name)
        .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line)
        .map((n) => `   ${formatImportNote(n)}`);
      pair.key.commentBefore = [` from ${s.file}:${s.line}`, ...own].join("\n");
    }
  }
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

export interface ToPlanOptions {
  /** The cluster's nodes; guessed (and noted) when not given. */
  node?: NodeSize;
  name?: string;
}

export function toPlan(app: ImportedApp, files: readonly string[], options: ToPlanOptions = {}): PlanImport {
  const file = files[0] ?? "-";
  const services = Object.fromEntries(app.services.map((s) => [s.name, serviceInput(s)]));
  const node = options.node ?? guessNode(app.services);
  if (!options.node) {
    app.notes.add(file, 1, "assumed", `cluster: one node of ${memoryText(node.memory)} memory and ${cpuText(node.cpu)} CPU, twice the plan's requests; give your nodes with --node MEMORY,CPU[,COUNT]`);
  }
  const name = options.name ?? app.name;
  const raw: RawPlan = {
    name,
    ...(app.namespace !== undefined && app.namespace !== name ? { namespace: app.namespace } : {}),
    cluster: { nodes: [{ count: node.count ?? 1, memory: memoryText(node.memory), cpu: cpuText(node.cpu) }] },
    phases: [],
    services,
  };
  const generations = phasesOf(raw, file, app);
  raw.phases = generations.map((members, i) => ({
    name: `wave-${i + 1}`,
    description: i === 0 ? "services that depend on nothing imported" : `services whose dependencies are all in ${i === 1 ? "wave 1" : `waves 1-${i}`}`,
    services: members,
  }));
  const plan = decode(raw, file, app);
  // In source order, as a compiler lists diagnostics (files in the order given).
  const order = new Map(files.map((f, i) => [f, i]));
  const notes = [...app.notes.notes].sort((a, b) => (order.get(a.file) ?? -1) - (order.get(b.file) ?? -1) || a.line - b.line);
  return { format: app.format, raw, plan, notes, yaml: emit(raw, app, files) };
}
