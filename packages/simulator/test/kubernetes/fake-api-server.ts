/**
 * A TEST DOUBLE of the Kubernetes API server for protocol-level tests of our client. It speaks
 * the small subset of the REST API the backend uses — discovery, GET/LIST, WATCH streams with
 * resourceVersion and bookmarks (and 410 Gone for compacted versions), server-side apply PATCH
 * (`application/apply-patch+yaml`, fieldManager, force, dryRun), POST/PUT with optimistic
 * concurrency, DELETE with propagationPolicy, Events, metrics.k8s.io, Leases, Secrets — and
 * records every request so tests can assert on what the client sent.
 *
 * It does NOT implement Kubernetes semantics: no scheduler, no controllers, no defaulting, no
 * field ownership beyond "which manager applied last", no validation. Tests drive object status
 * explicitly (`setStatus`, `upsert`, `emitEvent`) or through the tiny `autoReady` helper, which
 * only pretends a controller made the workload Ready. What Kubernetes really does is covered by
 * the kind suite (test/kind).
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { parse as parseYaml } from "yaml";

export type Json = Record<string, any>;

export interface LoggedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType?: string;
  authorization?: string;
  body?: Json;
}

interface Resource {
  apiVersion: string;
  plural: string;
  kind: string;
  namespaced: boolean;
}

const RESOURCES: Resource[] = [
  { apiVersion: "v1", plural: "pods", kind: "Pod", namespaced: true },
  { apiVersion: "v1", plural: "services", kind: "Service", namespaced: true },
  { apiVersion: "v1", plural: "configmaps", kind: "ConfigMap", namespaced: true },
  { apiVersion: "v1", plural: "secrets", kind: "Secret", namespaced: true },
  { apiVersion: "v1", plural: "events", kind: "Event", namespaced: true },
  { apiVersion: "v1", plural: "persistentvolumeclaims", kind: "PersistentVolumeClaim", namespaced: true },
  { apiVersion: "v1", plural: "nodes", kind: "Node", namespaced: false },
  { apiVersion: "v1", plural: "namespaces", kind: "Namespace", namespaced: false },
  { apiVersion: "apps/v1", plural: "deployments", kind: "Deployment", namespaced: true },
  { apiVersion: "apps/v1", plural: "statefulsets", kind: "StatefulSet", namespaced: true },
  { apiVersion: "coordination.k8s.io/v1", plural: "leases", kind: "Lease", namespaced: true },
  { apiVersion: "storage.k8s.io/v1", plural: "storageclasses", kind: "StorageClass", namespaced: false },
];

/** Where SelfSubjectAccessReviews are created (preflight's permission check). */
const SSAR_PATH = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";

export interface AddNodeOptions {
  /** node.status.images: each entry the names of one image (the kubelet lists tag and digest names). */
  images?: string[][];
  /** spec.providerID, e.g. kind's `kind://docker/<cluster>/<node>`. */
  providerID?: string;
}

interface Change {
  rv: number;
  type: "ADDED" | "MODIFIED" | "DELETED";
  resource: Resource;
  object: Json;
}

interface Watcher {
  resource: Resource;
  namespace?: string;
  labelSelector?: string;
  res: http.ServerResponse;
  bookmarks: boolean;
}

/**
 * A fault the server plays instead of serving matching requests (test control, see injectFault):
 * an error status (429 with Retry-After, 500, 503 …), a hang (the request is read and never
 * answered), or a dropped connection (the socket is destroyed without an answer).
 */
export interface Fault {
  status?: number;
  /** Retry-After header value sent with `status`. */
  retryAfter?: string;
  hang?: boolean;
  drop?: boolean;
  /** How many matching requests get it (default 1; Infinity = until clearFaults). */
  times?: number;
  /** Only this method. */
  method?: string;
  /** Only paths containing this. */
  path?: string;
  /** true: only WATCH requests; false: never WATCH requests; unset: both. */
  watch?: boolean;
}

export interface FakeApiServerOptions {
  token?: string;
  metrics?: boolean;
}

export class FakeApiServer {
  readonly requests: LoggedRequest[] = [];
  readonly token: string;
  metrics: boolean;
  nodeUsage = new Map<string, { cpu: string; memory: string }>();
  /** Pod metrics (metrics.k8s.io PodMetrics) by `namespace/pod`: each container's usage. Empty: an empty list. */
  podUsage = new Map<string, { name: string; usage: { cpu: string; memory: string } }[]>();
  /** Workloads applied become Ready (pods + status) after this many ms; undefined = never. */
  autoReadyMs: number | undefined;
  /** Workload names whose pods stay Pending with a FailedScheduling event instead. */
  readonly unschedulable = new Set<string>();
  /**
   * SelfSubjectAccessReviews answered "denied": `verb group/resource` (core group empty:
   * "delete /secrets"; subresources as "create /pods/portforward"). Everything else is allowed.
   */
  readonly denied = new Set<string>();
  /**
   * Namespaces that do not exist. Every other namespace reads as existing (GET
   * /api/v1/namespaces/<name> answers an Active Namespace even when none was stored), as the
   * tests written before namespaces were looked up assume.
   */
  readonly missingNamespaces = new Set<string>();
  private readonly store = new Map<string, { resource: Resource; object: Json }>();
  private readonly changes: Change[] = [];
  private compactedBelow = 0;
  private rv = 100;
  private uid = 0;
  private readonly watchers = new Set<Watcher>();
  private readonly faults: (Fault & { left: number })[] = [];
  /** Requests a fault was played on (hangs, drops and error statuses), for assertions. */
  readonly faulted: LoggedRequest[] = [];
  private server: http.Server | undefined;
  port = 0;

  constructor(options: FakeApiServerOptions = {}) {
    this.token = options.token ?? "fake-token-do-not-print-7f3a9c";
    this.metrics = options.metrics ?? true;
  }

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const w of this.watchers) w.res.destroy();
    this.watchers.clear();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  kubeconfig(namespace = "prod"): string {
    return [
      "apiVersion: v1",
      "kind: Config",
      "clusters:",
      `- name: fake\n  cluster:\n    server: http://127.0.0.1:${this.port}\n    insecure-skip-tls-verify: true`,
      "users:",
      `- name: deployer\n  user:\n    token: ${this.token}`,
      "contexts:",
      `- name: fake\n  context:\n    cluster: fake\n    user: deployer\n    namespace: ${namespace}`,
      "current-context: fake",
      "",
    ].join("\n");
  }

  // ------------------------------------------------------------ test controls

  /** Ends every open watch stream (a dropped connection). */
  dropWatches(): void {
    for (const w of this.watchers) w.res.destroy();
    this.watchers.clear();
  }

  /** Plays `fault` on the next matching request(s); faults are tried in the order injected. */
  injectFault(fault: Fault): void {
    this.faults.push({ ...fault, left: fault.times ?? 1 });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  /** Forgets history: a watch from an older resourceVersion gets 410 Gone. */
  compact(): void {
    this.compactedBelow = this.rv + 1;
    this.changes.length = 0;
  }

  get watchCount(): number {
    return this.watchers.size;
  }

  get(apiVersion: string, plural: string, namespace: string | undefined, name: string): Json | undefined {
    return this.store.get(this.key(apiVersion, plural, namespace, name))?.object;
  }

  list(apiVersion: string, plural: string, namespace?: string): Json[] {
    return [...this.store.values()]
      .filter((e) => e.resource.apiVersion === apiVersion && e.resource.plural === plural && (namespace === undefined || e.object.metadata.namespace === namespace))
      .map((e) => e.object);
  }

  /** Creates or replaces an object as a controller would (bumps resourceVersion, notifies watchers). */
  upsert(apiVersion: string, plural: string, object: Json): Json {
    const resource = this.resource(apiVersion, plural)!;
    const key = this.key(apiVersion, plural, object.metadata.namespace, object.metadata.name);
    const existing = this.store.get(key);
    object.apiVersion = apiVersion;
    object.kind = resource.kind;
    object.metadata.uid ??= existing?.object.metadata.uid ?? `uid-${++this.uid}`;
    object.metadata.creationTimestamp ??= existing?.object.metadata.creationTimestamp ?? new Date().toISOString();
    object.metadata.resourceVersion = String(++this.rv);
    this.store.set(key, { resource, object });
    this.publish({ rv: this.rv, type: existing ? "MODIFIED" : "ADDED", resource, object });
    return object;
  }

  setStatus(apiVersion: string, plural: string, namespace: string | undefined, name: string, status: Json): void {
    const object = this.get(apiVersion, plural, namespace, name);
    if (!object) throw new Error(`fake: no ${plural}/${name}`);
    this.upsert(apiVersion, plural, { ...structuredClone(object), status });
  }

  remove(apiVersion: string, plural: string, namespace: string | undefined, name: string): void {
    const key = this.key(apiVersion, plural, namespace, name);
    const entry = this.store.get(key);
    if (!entry) return;
    this.store.delete(key);
    const object = { ...entry.object, metadata: { ...entry.object.metadata, resourceVersion: String(++this.rv) } };
    this.publish({ rv: this.rv, type: "DELETED", resource: entry.resource, object });
  }

  emitEvent(namespace: string, involved: { kind: string; name: string }, reason: string, message: string, type: "Normal" | "Warning" = "Warning"): void {
    const now = new Date().toISOString();
    this.upsert("v1", "events", {
      metadata: { name: `${involved.name}.${(++this.uid).toString(16)}`, namespace },
      involvedObject: { kind: involved.kind, name: involved.name, namespace },
      reason,
      message,
      type,
      count: 1,
      firstTimestamp: now,
      lastTimestamp: now,
    });
  }

  addNode(name: string, memory: string, cpu: string, options: AddNodeOptions = {}): void {
    this.upsert("v1", "nodes", {
      metadata: { name },
      ...(options.providerID !== undefined ? { spec: { providerID: options.providerID } } : {}),
      status: {
        capacity: { memory, cpu, pods: "110" },
        allocatable: { memory, cpu, pods: "110" },
        ...(options.images !== undefined ? { images: options.images.map((names) => ({ names, sizeBytes: 1_000_000 })) } : {}),
        conditions: [
          { type: "Ready", status: "True" },
          { type: "MemoryPressure", status: "False" },
        ],
      },
    });
  }

  /** Requests with this method whose path contains `fragment`. */
  requestsTo(method: string, fragment: string): LoggedRequest[] {
    return this.requests.filter((r) => r.method === method && r.path.includes(fragment));
  }

  // ------------------------------------------------------------ pretend controller

  private scheduleController(resource: Resource, object: Json): void {
    if (resource.kind !== "Deployment" && resource.kind !== "StatefulSet") return;
    const name = object.metadata.name as string;
    const namespace = object.metadata.namespace as string;
    if (this.unschedulable.has(name)) {
      setTimeout(() => this.makeUnschedulable(resource, namespace, name), 5);
      return;
    }
    if (this.autoReadyMs === undefined) return;
    setTimeout(() => this.makeReady(resource, namespace, name), this.autoReadyMs);
  }

  private podsFor(namespace: string, name: string): Json[] {
    return this.list("v1", "pods", namespace).filter((p) => p.metadata.labels?.["opdeploy.io/workload"] === name);
  }

  /** Replaces the workload's pods by `replicas` Ready pods of the current template and reports Current. */
  makeReady(resource: Resource | string, namespace: string, name: string): void {
    const res = typeof resource === "string" ? RESOURCES.find((r) => r.kind === resource)! : resource;
    const workload = this.get(res.apiVersion, res.plural, namespace, name);
    if (!workload) return;
    const replicas = workload.spec.replicas ?? 1;
    const template = workload.spec.template;
    for (const pod of this.podsFor(namespace, name)) this.remove("v1", "pods", namespace, pod.metadata.name);
    const nodes = this.list("v1", "nodes");
    for (let i = 0; i < replicas; i++) {
      const podName = res.kind === "StatefulSet" ? `${name}-${i}` : `${name}-${workload.metadata.generation}-${i}`;
      this.upsert("v1", "pods", {
        metadata: { name: podName, namespace, labels: { ...template.metadata.labels } },
        spec: { ...structuredClone(template.spec), nodeName: nodes[i % Math.max(1, nodes.length)]?.metadata.name },
        status: { phase: "Running", conditions: [{ type: "PodScheduled", status: "True" }, { type: "Ready", status: "True" }], containerStatuses: [{ name, ready: true, restartCount: 0, state: { running: {} } }] },
      });
    }
    const status: Json =
      res.kind === "Deployment"
        ? {
            observedGeneration: workload.metadata.generation,
            replicas,
            updatedReplicas: replicas,
            readyReplicas: replicas,
            availableReplicas: replicas,
            conditions: [
              { type: "Available", status: "True", reason: "MinimumReplicasAvailable" },
              { type: "Progressing", status: "True", reason: "NewReplicaSetAvailable" },
            ],
          }
        : { observedGeneration: workload.metadata.generation, replicas, readyReplicas: replicas, currentReplicas: replicas, updatedReplicas: replicas, currentRevision: "r1", updateRevision: "r1" };
    this.setStatus(res.apiVersion, res.plural, namespace, name, status);
  }

  private makeUnschedulable(resource: Resource, namespace: string, name: string): void {
    const workload = this.get(resource.apiVersion, resource.plural, namespace, name);
    if (!workload) return;
    const nodes = this.list("v1", "nodes").length;
    const message = `0/${nodes} nodes are available: ${nodes} Insufficient memory. preemption: 0/${nodes} nodes are available: ${nodes} No preemption victims found for incoming pod.`;
    const podName = `${name}-${workload.metadata.generation}-0`;
    this.upsert("v1", "pods", {
      metadata: { name: podName, namespace, labels: { ...workload.spec.template.metadata.labels } },
      spec: structuredClone(workload.spec.template.spec),
      status: { phase: "Pending", conditions: [{ type: "PodScheduled", status: "False", reason: "Unschedulable", message }] },
    });
    this.emitEvent(namespace, { kind: "Pod", name: podName }, "FailedScheduling", message);
    this.setStatus(resource.apiVersion, resource.plural, namespace, name, {
      observedGeneration: workload.metadata.generation,
      replicas: 1,
      updatedReplicas: 1,
      readyReplicas: 0,
      availableReplicas: 0,
      unavailableReplicas: 1,
      conditions: [{ type: "Available", status: "False", reason: "MinimumReplicasUnavailable" }],
    });
  }

  // ------------------------------------------------------------ HTTP

  /** True when a fault was played (the request is answered, hung or dropped by it). */
  private playFault(logged: LoggedRequest, isWatch: boolean, req: http.IncomingMessage, res: http.ServerResponse): boolean {
    const index = this.faults.findIndex(
      (f) => (f.method === undefined || f.method === logged.method) && (f.path === undefined || logged.path.includes(f.path)) && (f.watch === undefined || f.watch === isWatch),
    );
    if (index < 0) return false;
    const fault = this.faults[index]!;
    if (--fault.left <= 0) this.faults.splice(index, 1);
    this.faulted.push(logged);
    if (fault.drop) {
      req.socket.destroy();
    } else if (fault.status !== undefined) {
      const reason = fault.status === 429 ? "TooManyRequests" : "InternalError";
      res.writeHead(fault.status, { "Content-Type": "application/json", ...(fault.retryAfter !== undefined ? { "Retry-After": fault.retryAfter } : {}) });
      res.end(JSON.stringify(this.statusBody(fault.status, reason, `fake: injected ${fault.status}`)));
    }
    // hang: answer nothing; stop() closes the connection.
    return true;
  }

  private key(apiVersion: string, plural: string, namespace: string | undefined, name: string): string {
    return `${apiVersion}|${plural}|${namespace ?? ""}|${name}`;
  }

  private resource(apiVersion: string, plural: string): Resource | undefined {
    return RESOURCES.find((r) => r.apiVersion === apiVersion && r.plural === plural);
  }

  private publish(change: Change): void {
    this.changes.push(change);
    for (const w of this.watchers) {
      if (w.resource !== change.resource) continue;
      if (w.namespace !== undefined && change.object.metadata.namespace !== w.namespace) continue;
      if (w.labelSelector && !matchesSelector(change.object, w.labelSelector)) continue;
      w.res.write(`${JSON.stringify({ type: change.type, object: change.object })}\n`);
    }
  }

  private send(res: http.ServerResponse, status: number, body: Json): void {
    res.writeHead(status, { "Content-Type": "application/json" });
    res.end(JSON.stringify(body));
  }

  private statusBody(code: number, reason: string, message: string, details?: Json): Json {
    return { kind: "Status", apiVersion: "v1", status: "Failure", code, reason, message, ...(details ? { details } : {}) };
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://fake");
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    const contentType = req.headers["content-type"];
    let body: Json | undefined;
    if (text) body = contentType?.includes("yaml") ? (parseYaml(text) as Json) : (JSON.parse(text) as Json);
    const logged: LoggedRequest = { method: req.method ?? "GET", path: url.pathname, query: Object.fromEntries(url.searchParams) };
    if (contentType) logged.contentType = contentType;
    if (req.headers.authorization) logged.authorization = req.headers.authorization;
    if (body) logged.body = body;
    this.requests.push(logged);
    if (this.playFault(logged, url.searchParams.get("watch") === "true", req, res)) return;

    if (req.headers.authorization !== `Bearer ${this.token}`) return this.send(res, 401, this.statusBody(401, "Unauthorized", "Unauthorized"));

    const path = url.pathname;
    if (path === SSAR_PATH && req.method === "POST") return this.accessReview(res, body);
    // Discovery.
    const discovery = /^\/(?:api\/(v1)|apis\/([^/]+\/[^/]+))$/.exec(path);
    if (discovery) {
      const apiVersion = discovery[1] ?? discovery[2]!;
      if (apiVersion.startsWith("metrics.k8s.io") && !this.metrics) return this.send(res, 404, this.statusBody(404, "NotFound", "the server could not find the requested resource"));
      const resources = RESOURCES.filter((r) => r.apiVersion === apiVersion).map((r) => ({ name: r.plural, kind: r.kind, namespaced: r.namespaced, verbs: ["get", "list", "watch", "create", "update", "patch", "delete"] }));
      if (resources.length === 0) return this.send(res, 404, this.statusBody(404, "NotFound", "not found"));
      return this.send(res, 200, { kind: "APIResourceList", apiVersion: "v1", groupVersion: apiVersion, resources });
    }
    if (path.startsWith("/apis/metrics.k8s.io/")) {
      if (!this.metrics) return this.send(res, 404, this.statusBody(404, "NotFound", "the server could not find the requested resource"));
      if (path.endsWith("/nodes")) {
        return this.send(res, 200, { kind: "NodeMetricsList", apiVersion: "metrics.k8s.io/v1beta1", items: [...this.nodeUsage].map(([name, usage]) => ({ metadata: { name }, usage, window: "10s" })) });
      }
      const inNamespace = /\/namespaces\/([^/]+)\/pods$/.exec(path)?.[1];
      const items = [...this.podUsage]
        .map(([key, containers]) => ({ namespace: key.slice(0, key.indexOf("/")), name: key.slice(key.indexOf("/") + 1), containers }))
        .filter((p) => inNamespace === undefined || p.namespace === decodeURIComponent(inNamespace))
        .map((p) => ({ metadata: { name: p.name, namespace: p.namespace }, timestamp: new Date().toISOString(), window: "30s", containers: p.containers }));
      return this.send(res, 200, { kind: "PodMetricsList", apiVersion: "metrics.k8s.io/v1beta1", items });
    }
    const log = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/log$/.exec(path);
    if (log && req.method === "GET") return this.podLog(res, decodeURIComponent(log[1]!), decodeURIComponent(log[2]!), url.searchParams);
    const match = /^\/(?:api\/(v1)|apis\/([^/]+\/[^/]+))(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?$/.exec(path);
    if (!match) return this.send(res, 404, this.statusBody(404, "NotFound", `no route ${path}`));
    const apiVersion = match[1] ?? match[2]!;
    const namespace = match[3] !== undefined ? decodeURIComponent(match[3]) : undefined;
    const resource = this.resource(apiVersion, match[4]!);
    const name = match[5] !== undefined ? decodeURIComponent(match[5]) : undefined;
    if (!resource) return this.send(res, 404, this.statusBody(404, "NotFound", `no resource ${match[4]}`));
    const key = this.key(apiVersion, resource.plural, namespace, name ?? "");
    const dryRun = url.searchParams.get("dryRun") === "All";

    switch (req.method) {
      case "GET": {
        if (name !== undefined) {
          const entry = this.store.get(key);
          if (!entry && resource.plural === "namespaces" && !this.missingNamespaces.has(name)) {
            return this.send(res, 200, { apiVersion: "v1", kind: "Namespace", metadata: { name }, status: { phase: "Active" } });
          }
          return entry ? this.send(res, 200, entry.object) : this.send(res, 404, this.statusBody(404, "NotFound", `${resource.plural} "${name}" not found`));
        }
        if (url.searchParams.get("watch") === "true") return this.watch(resource, namespace, url, res);
        const selector = url.searchParams.get("labelSelector") ?? "";
        const fieldSelector = url.searchParams.get("fieldSelector") ?? "";
        const items = this.list(apiVersion, resource.plural, namespace).filter((o) => matchesSelector(o, selector) && matchesFields(o, fieldSelector));
        return this.send(res, 200, { kind: `${resource.kind}List`, apiVersion, metadata: { resourceVersion: String(this.rv) }, items });
      }
      case "PATCH": {
        if (contentType !== "application/apply-patch+yaml") return this.send(res, 415, this.statusBody(415, "UnsupportedMediaType", `fake supports only server-side apply, got ${contentType}`));
        const manager = url.searchParams.get("fieldManager");
        if (!manager) return this.send(res, 422, this.statusBody(422, "Invalid", "fieldManager is required for apply patch"));
        const existing = this.store.get(key)?.object;
        const owner = existing?.metadata.annotations?.["fake/last-applied-by"];
        if (existing && owner && owner !== manager && url.searchParams.get("force") !== "true") {
          const message = `Apply failed with 1 conflict: conflict with "${owner}" using ${apiVersion}: .spec`;
          return this.send(res, 409, this.statusBody(409, "Conflict", message, { causes: [{ reason: "FieldManagerConflict", message: `conflict with "${owner}" using ${apiVersion}`, field: ".spec" }] }));
        }
        const applied = structuredClone(body!) as Json;
        applied.metadata.namespace = namespace;
        const { status: _ignored, ...desired } = applied;
        const sameSpec = existing && JSON.stringify(stripMeta(existing)) === JSON.stringify(stripMeta(desired));
        if (existing && sameSpec && existing.metadata.annotations?.["fake/last-applied-by"] === manager) return this.send(res, 200, existing);
        const generation = (existing?.metadata.generation ?? 0) + (existing && JSON.stringify(existing.spec) === JSON.stringify(desired.spec) ? 0 : 1);
        const object: Json = {
          ...desired,
          metadata: { ...desired.metadata, generation, annotations: { ...(desired.metadata.annotations ?? {}), "fake/last-applied-by": manager } },
          ...(existing?.status ? { status: existing.status } : {}),
        };
        if (dryRun) {
          object.metadata.resourceVersion = existing?.metadata.resourceVersion ?? "0";
          object.metadata.uid = existing?.metadata.uid ?? "dry-run";
          return this.send(res, existing ? 200 : 201, object);
        }
        const saved = this.upsert(apiVersion, resource.plural, object);
        this.scheduleController(resource, saved);
        return this.send(res, existing ? 200 : 201, saved);
      }
      case "POST": {
        const objectName = body?.metadata?.name as string;
        const createKey = this.key(apiVersion, resource.plural, namespace, objectName);
        if (this.store.has(createKey)) return this.send(res, 409, this.statusBody(409, "AlreadyExists", `${resource.plural} "${objectName}" already exists`));
        const object = { ...body!, metadata: { ...body!.metadata, namespace } };
        if (dryRun) return this.send(res, 201, object);
        return this.send(res, 201, this.upsert(apiVersion, resource.plural, object));
      }
      case "PUT": {
        const existing = this.store.get(key)?.object;
        if (!existing) return this.send(res, 404, this.statusBody(404, "NotFound", `${resource.plural} "${name}" not found`));
        const expected = body?.metadata?.resourceVersion;
        if (expected !== undefined && expected !== existing.metadata.resourceVersion) {
          return this.send(res, 409, this.statusBody(409, "Conflict", `Operation cannot be fulfilled on ${resource.plural} "${name}": the object has been modified; please apply your changes to the latest version and try again`));
        }
        const object = { ...body!, metadata: { ...body!.metadata, namespace } };
        delete object.metadata.resourceVersion;
        if (dryRun) return this.send(res, 200, object);
        return this.send(res, 200, this.upsert(apiVersion, resource.plural, object));
      }
      case "DELETE": {
        const entry = this.store.get(key);
        if (!entry) return this.send(res, 404, this.statusBody(404, "NotFound", `${resource.plural} "${name}" not found`));
        if (!dryRun) {
          this.remove(apiVersion, resource.plural, namespace, name!);
          if (resource.kind === "Deployment" || resource.kind === "StatefulSet") {
            // Background propagation: the garbage collector deletes the pods (never the claims).
            for (const pod of this.podsFor(namespace!, name!)) this.remove("v1", "pods", namespace, pod.metadata.name);
          }
        }
        return this.send(res, 200, { kind: "Status", apiVersion: "v1", status: "Success", details: { name, kind: resource.plural } });
      }
      default:
        return this.send(res, 405, this.statusBody(405, "MethodNotAllowed", `${req.method}`));
    }
  }

  /** Container logs a test sets: `${namespace}/${pod}/${container}` (current) or with `/previous`. */
  readonly podLogs = new Map<string, string>();

  /** Sets what GET …/pods/<pod>/log answers for a container (its previous instance with `previous`). */
  setPodLog(namespace: string, pod: string, container: string, text: string, previous = false): void {
    this.podLogs.set(`${namespace}/${pod}/${container}${previous ? "/previous" : ""}`, text);
  }

  /** GET …/pods/<pod>/log as the API server answers it: text/plain, tailLines honoured, 400 without a previous instance. */
  private podLog(res: http.ServerResponse, namespace: string, pod: string, query: URLSearchParams): void {
    if (!this.store.get(this.key("v1", "pods", namespace, pod))) return this.send(res, 404, this.statusBody(404, "NotFound", `pods "${pod}" not found`));
    const previous = query.get("previous") === "true";
    const text = this.podLogs.get(`${namespace}/${pod}/${query.get("container") ?? ""}${previous ? "/previous" : ""}`);
    if (text === undefined) {
      return this.send(res, 400, this.statusBody(400, "BadRequest", `previous terminated container "${query.get("container")}" in pod "${pod}" not found`));
    }
    const tail = Number(query.get("tailLines") ?? "0");
    const lines = text.split("\n");
    const body = tail > 0 ? lines.slice(-tail - (text.endsWith("\n") ? 1 : 0)).join("\n") : text;
    res.writeHead(200, { "Content-Type": "text/plain" });
    res.end(body);
  }

  /** A SelfSubjectAccessReview: allowed unless `verb group/resource[/subresource]` is in `denied`; nothing is stored. */
  private accessReview(res: http.ServerResponse, body: Json | undefined): void {
    const a = body?.spec?.resourceAttributes ?? {};
    const resource = `${a.group ?? ""}/${a.resource ?? ""}${a.subresource ? `/${a.subresource}` : ""}`;
    const allowed = !this.denied.has(`${a.verb} ${resource}`);
    this.send(res, 201, { apiVersion: "authorization.k8s.io/v1", kind: "SelfSubjectAccessReview", spec: body?.spec ?? {}, status: { allowed, ...(allowed ? {} : { reason: "fake: denied by the test" }) } });
  }

  private watch(resource: Resource, namespace: string | undefined, url: URL, res: http.ServerResponse): void {
    const from = Number(url.searchParams.get("resourceVersion") || "0");
    res.writeHead(200, { "Content-Type": "application/json", "Transfer-Encoding": "chunked" });
    if (from > 0 && from < this.compactedBelow) {
      // As the API server does: a 200 stream carrying one ERROR event with a 410 Status.
      res.end(`${JSON.stringify({ type: "ERROR", object: this.statusBody(410, "Expired", `too old resource version: ${from} (${this.compactedBelow})`) })}\n`);
      return;
    }
    const watcher: Watcher = { resource, res, bookmarks: url.searchParams.get("allowWatchBookmarks") === "true" };
    if (namespace !== undefined) watcher.namespace = namespace;
    const selector = url.searchParams.get("labelSelector");
    if (selector) watcher.labelSelector = selector;
    for (const change of this.changes) {
      if (change.rv <= from || change.resource !== resource) continue;
      if (namespace !== undefined && change.object.metadata.namespace !== namespace) continue;
      res.write(`${JSON.stringify({ type: change.type, object: change.object })}\n`);
    }
    if (watcher.bookmarks) res.write(`${JSON.stringify({ type: "BOOKMARK", object: { kind: resource.kind, apiVersion: resource.apiVersion, metadata: { resourceVersion: String(this.rv) } } })}\n`);
    this.watchers.add(watcher);
    res.on("close", () => this.watchers.delete(watcher));
  }
}

function stripMeta(object: Json): Json {
  const { metadata, status: _status, ...rest } = object;
  const { resourceVersion: _rv, generation: _g, uid: _u, creationTimestamp: _c, annotations, ...meta } = metadata ?? {};
  const { "fake/last-applied-by": _a, ...otherAnnotations } = annotations ?? {};
  return { ...rest, metadata: { ...meta, annotations: otherAnnotations } };
}

function matchesSelector(object: Json, selector: string): boolean {
  if (!selector) return true;
  const labels = object.metadata?.labels ?? {};
  return selector.split(",").every((term) => {
    const [k, v] = term.split("=");
    return labels[k!] === v;
  });
}

function matchesFields(object: Json, selector: string): boolean {
  if (!selector) return true;
  return selector.split(",").every((term) => {
    const negated = term.includes("!=");
    const [path, value] = term.split(negated ? "!=" : "=");
    const actual = path!.split(".").reduce<any>((o, k) => o?.[k], object);
    return negated ? actual !== value : actual === value;
  });
}
