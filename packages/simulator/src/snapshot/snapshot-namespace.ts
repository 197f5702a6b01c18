/**
 * `opdeploy snapshot`: the live namespace as a plan — the state to rehearse the next upgrade
 * from (`opdeploy simulate plan.yaml --from state.yaml`) and a first plan for a team without one.
 *
 * The workloads are read by the same importer as `opdeploy import` reads manifests
 * (core's importSources): the namespace's Deployments, StatefulSets, Services and ConfigMaps,
 * without status and server-populated metadata, give the services — replicas, effective pod
 * requests and limits, images, strategies, ports, dependencies from Service references, phases
 * from the dependency generations — with the importer's notes as comments. Secrets are never
 * read. Then what only the live cluster knows is added:
 * - the nodes (grouped by capacity; `reserved` = capacity − allocatable of the first group), when
 *   the identity may list them (deploy/rbac.yaml's deployer may not: the importer's guess, noted);
 * - per service, measured `usage` (metrics.k8s.io, when it answers) and observed `startup`
 *   (measure.ts), each with a comment saying how many pods it came from. A service with no
 *   Ready pod showing both times has no `startup`, so the file only ever states observations
 *   (calibrate copies exactly what is there).
 */
import type { Plan } from "@openpolicy/core";
import { ImportError, importSources, type InputNote, parsePlanText, quantityFromBytes, quantityFromMillis } from "@openpolicy/core";
import { isMap, isScalar, parseDocument, stringify, type Document } from "yaml";
import type { Json, KubeApi } from "../cluster/kubernetes/kube-api.js";
import { collectionPath } from "../cluster/kubernetes/kube-api.js";
import { quantityBytes, quantityMillis } from "../cluster/pod-resources.js";
import { comparable } from "../diff/comparable.js";
import { measureWorkload, podMetrics, type Measured } from "./measure.js";

export interface SnapshotTarget {
  api: KubeApi;
  namespace: string;
}

export interface SnapshotOptions {
  /** The plan's name (default: the namespace). */
  name?: string;
  /** When the snapshot was taken, for the header (default: now). */
  now?: Date;
  /**
   * The name notes give the live objects' text (`objects`), default `namespace/<ns>`: the CLI
   * passes the file it saves that text to, so every note's file:line can be opened.
   */
  objectsFile?: string;
}

export interface NamespaceSnapshot {
  /** The plan file's text. */
  yaml: string;
  /** The live objects read, as multi-document YAML: what the notes' line numbers refer to. */
  objects: string;
  plan: Plan;
  notes: InputNote[];
  /** Per service (the workload's name). */
  measured: Map<string, Measured>;
  /** Whether metrics.k8s.io answered. */
  metrics: boolean;
}

export class SnapshotError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SnapshotError";
  }
}

const MI = 1024 ** 2;

/** Collections read; ConfigMaps because the importer follows env references through them. */
const READ = [
  { apiVersion: "apps/v1", plural: "deployments" },
  { apiVersion: "apps/v1", plural: "statefulsets" },
  { apiVersion: "v1", plural: "services" },
  { apiVersion: "v1", plural: "configmaps" },
] as const;

/** The CA bundle every namespace gets (kube-controller-manager's root-ca-cert-publisher): not the app's. */
const SYSTEM_CONFIGMAPS = new Set(["kube-root-ca.crt"]);

export async function snapshotNamespace(target: SnapshotTarget, options: SnapshotOptions = {}): Promise<NamespaceSnapshot> {
  const { api, namespace } = target;
  const lists = await Promise.all(READ.map((r) => api.list(collectionPath(r.apiVersion, r.plural, namespace))));
  const [deployments, statefulSets, services, configMaps] = lists.map((l, i) => l.items.map((item): Json => ({ ...item, apiVersion: READ[i]!.apiVersion, kind: kindOf(READ[i]!.plural) })));
  const workloads = [...deployments!, ...statefulSets!];
  if (workloads.length === 0) throw new SnapshotError(`namespace ${namespace} has no Deployment or StatefulSet: nothing to make a plan of`);
  const objects = [...workloads, ...services!, ...configMaps!.filter((c) => !SYSTEM_CONFIGMAPS.has(String((c.metadata as Json).name)))].map(comparable);
  const file = options.objectsFile ?? `namespace/${namespace}`;
  const text = objects.map((o) => stringify(o, { lineWidth: 0 })).join("---\n");
  const liveNodes = await readNodes(api);
  const nodes = nodeGroups(liveNodes);
  let imported: ReturnType<typeof importSources>;
  try {
    imported = importSources([{ file, text }], { name: options.name ?? namespace, ...(nodes[0] ? { node: nodes[0] } : {}) });
  } catch (error) {
    if (error instanceof ImportError) throw new SnapshotError(error.problems.map((p) => `${p.file}: ${p.message}`).join("\n"));
    throw error;
  }
  const pods = (await api.list(collectionPath("v1", "pods", namespace))).items;
  const metrics = await podMetrics(api, namespace);
  const measured = new Map(workloads.map((w) => [String((w.metadata as Json).name), measureWorkload(w, pods, metrics)]));
  const doc = parseDocument(imported.yaml);
  setCluster(doc, nodes, liveNodes.length > 0 && liveNodes.every(isKindNode));
  for (const [name, m] of measured) setMeasured(doc, name, m, metrics !== undefined);
  const when = (options.now ?? new Date()).toISOString();
  doc.commentBefore = [
    ` Snapshot of namespace ${namespace} at ${when} by opdeploy snapshot: what runs there, as a plan.`,
    ` Rehearse an upgrade from it: opdeploy simulate plan.yaml --from <this file>`,
    ` Copy its measurements into a plan: opdeploy calibrate plan.yaml --from <this file>`,
    ...(metrics === undefined ? [" metrics.k8s.io did not answer: no measured usage (install metrics-server to get it)."] : []),
    (doc.commentBefore ?? "").replace(/^ Imported by opdeploy import from [^\n]*\n?/, ""),
  ].join("\n");
  const yaml = doc.toString({ lineWidth: 0, flowCollectionPadding: false });
  return { yaml, objects: text, plan: parsePlanText(yaml, file), notes: imported.notes, measured, metrics: metrics !== undefined };
}

/**
 * Every node, or none when the deployer may not list them: deploy/rbac.yaml grants nothing
 * cluster-scoped, and then the importer's guessed cluster (with its note) is the best there is.
 */
async function readNodes(api: KubeApi): Promise<Json[]> {
  const path = collectionPath("v1", "nodes");
  const { status, body } = await api.request("GET", path);
  if (status === 403) return [];
  if (status < 200 || status >= 300) throw api.statusError("GET", path, status, body);
  return (body?.items ?? []) as Json[];
}

function kindOf(plural: string): string {
  return { deployments: "Deployment", statefulsets: "StatefulSet", services: "Service", configmaps: "ConfigMap" }[plural]!;
}

interface NodeGroup {
  memory: number;
  cpu: number;
  count: number;
  reserved: { memory: number; cpu: number };
}

/** Nodes grouped by capacity, largest group first. */
function nodeGroups(nodes: readonly Json[]): NodeGroup[] {
  const groups = new Map<string, NodeGroup>();
  for (const node of nodes) {
    const status = (node.status ?? {}) as Json;
    const capacity = (status.capacity ?? {}) as Record<string, string>;
    const allocatable = (status.allocatable ?? capacity) as Record<string, string>;
    const memory = quantityBytes(capacity.memory ?? "0");
    const cpu = quantityMillis(capacity.cpu ?? "0");
    if (memory === 0 || cpu === 0) continue;
    const reserved = { memory: Math.max(0, memory - quantityBytes(allocatable.memory ?? "0")), cpu: Math.max(0, cpu - quantityMillis(allocatable.cpu ?? "0")) };
    const key = `${memory}|${cpu}`;
    const group = groups.get(key) ?? { memory, cpu, count: 0, reserved };
    group.count++;
    groups.set(key, group);
  }
  return [...groups.values()].sort((a, b) => b.count - a.count);
}

/** kind's nodes carry providerID kind://<provider>/<cluster>/<node> (kind's kubeadm config). */
function isKindNode(node: Json): boolean {
  const providerID = (node.spec as Json | undefined)?.providerID;
  return typeof providerID === "string" && providerID.startsWith("kind://");
}

/**
 * The live nodes; `reserved` always written (0 included): the plan's default (the kubelet's
 * 100Mi eviction threshold) is a guess, capacity − allocatable is what the node reports.
 */
function setCluster(doc: Document, nodes: NodeGroup[], kind: boolean): void {
  if (nodes.length === 0) return;
  const groups = nodes.map((g) => doc.createNode({ count: g.count, memory: quantityFromBytes(g.memory).toString(), cpu: quantityFromMillis(g.cpu).toString() }, { flow: true }));
  doc.setIn(["cluster", "nodes"], doc.createNode(groups));
  const reserved = nodes[0]!.reserved;
  doc.setIn(["cluster", "reserved"], doc.createNode({ memory: quantityFromBytes(reserved.memory).toString(), cpu: quantityFromMillis(reserved.cpu).toString() }, { flow: true }));
  // kind's own kube-system pods (CoreDNS, kindnet, the control plane) then count in a rehearsal.
  if (kind) doc.setIn(["cluster", "overhead"], "kind");
}

/** usage and startup as measured (rounded up: whole Mi, whole millicores, whole seconds), with where they came from. */
function setMeasured(doc: Document, name: string, m: Measured, metrics: boolean): void {
  const services = doc.get("services", true);
  if (!isMap(services) || !services.has(name)) return;
  const said: string[] = [];
  if (m.usage) {
    const memory = Math.max(1, Math.ceil(m.usage.memory / MI)) * MI;
    const cpu = Math.max(1, Math.ceil(m.usage.cpu));
    doc.setIn(["services", name, "usage"], doc.createNode({ memory: quantityFromBytes(memory).toString(), cpu: quantityFromMillis(cpu).toString() }, { flow: true }));
    said.push(`usage: the largest of ${m.usage.pods} pod(s), metrics.k8s.io`);
  } else {
    said.push(metrics ? `usage: no pod metrics for its ${m.pods} pod(s)` : "usage: not measured (no metrics.k8s.io)");
  }
  if (m.startup) {
    doc.setIn(["services", name, "startup"], `${Math.max(1, Math.ceil(m.startup.seconds))}s`);
    said.push(`startup: median container start → Ready of ${m.startup.pods} pod(s)`);
  } else {
    services.deleteIn([name, "startup"]);
    said.push(`startup: not observed (no Ready pod of ${m.pods} shows its start)`);
  }
  const pair = services.items.find((p) => isScalar(p.key) && p.key.value === name);
  if (pair && isScalar(pair.key)) pair.key.commentBefore = [pair.key.commentBefore ?? "", ...said.map((s) => ` measured ${s}`)].filter((l) => l !== "").join("\n");
}
