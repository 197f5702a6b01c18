/**
 * The real backend of the `Cluster` interface (../cluster.ts): Kubernetes through
 * @kubernetes/client-node. Writes are server-side applies with field manager `opdeploy`;
 * everything the engine reads comes from list+watch caches (resilient-watch.ts), so `waitFor`
 * re-evaluates on every watch event (and on a 2 s tick) instead of polling, and a
 * FailedScheduling / OOMKilled / BackOff / Unhealthy shows up as a `ClusterEvent` and in the pod
 * statuses as soon as the API server reports it — the engine fails fast instead of waiting out
 * progressDeadlineSeconds.
 *
 * Readiness follows kstatus (./kstatus.ts); counts come from the pods themselves.
 */
import { credentialsFromEnv, validateService } from "../../validation/index.js";
import * as net from "node:net";
import type { Service } from "@openpolicy/core";
import type { KubernetesObject } from "@openpolicy/core";
import { podRequests, quantityBytes, quantityMillis, resourcesOf } from "../pod-resources.js";
export { podRequests } from "../pod-resources.js";
import { PortForward } from "@kubernetes/client-node";
import type {
  ApplyResult,
  Cluster,
  ClusterEvent,
  ClusterMetrics,
  ClusterView,
  NodeStatus,
  PodPhase,
  PodStatus,
  RemoveOptions,
  RemoveResult,
  Resources,
  ValidationOutcome,
  VolumeStatus,
  WaitResult,
  WorkloadResources,
  WorkloadStatus,
  WorkloadSummary,
} from "../cluster.js";
import { CONTAINER_START_FAILURES, ClusterError } from "../cluster.js";
import type { WorkloadSpec } from "../workload-spec.js";
import { crashLoopingContainers, deploymentStatus, podReady, statefulSetStatus, timestampMs } from "./kstatus.js";
import type { Json, KubeConfigSource } from "./kube-api.js";
import { KubeApi, KubeApiError, collectionPath, loadKubeConfig } from "./kube-api.js";
import type { WorkloadRenderer } from "./render-workload.js";
import { PLAN_LABEL, REVISION_LABEL, WORKLOAD_LABEL, kubeName, renderWorkloadSpec, stampWorkload } from "./render-workload.js";

/** Kinds without a namespace that a plan applies (shared by plans, never owned by one). */
const CLUSTER_SCOPED: ReadonlySet<string> = new Set(["PriorityClass", "Namespace", "StorageClass"]);

/** REST collection names of the kinds a plan applies. */
const PLURALS: Record<string, string> = {
  Deployment: "deployments",
  StatefulSet: "statefulsets",
  Service: "services",
  ConfigMap: "configmaps",
  PersistentVolumeClaim: "persistentvolumeclaims",
  Secret: "secrets",
  ServiceAccount: "serviceaccounts",
};
import { ResilientWatch, objectKey } from "./resilient-watch.js";
import type { TrafficSamplerOptions } from "./traffic-metrics.js";
import { TrafficSampler, httpServices } from "./traffic-metrics.js";

export const FIELD_MANAGER = "opdeploy";
export const METRICS_UNAVAILABLE_WARNING = "metrics.k8s.io unavailable: gates use requests only";

/** Where `validate` connects; `close` ends the port-forward. */
export interface ServiceEndpoint {
  host: string;
  port: number;
  close(): Promise<void>;
}

export type EndpointResolver = (service: Service, cluster: KubernetesCluster) => Promise<ServiceEndpoint | undefined>;
export type ServiceValidator = (service: Service, endpoint: ServiceEndpoint | undefined) => Promise<ValidationOutcome>;

export interface KubernetesClusterOptions extends KubeConfigSource {
  /** Namespace to work in; the context's namespace, else "default". */
  namespace?: string;
  name?: string;
  /** Field managers whose conflicting fields we may take over with force (ours). */
  ownedFieldManagers?: readonly string[];
  /** Server-side dry run (`dryRun=All`) of every write; nothing changes in the cluster. */
  dryRun?: boolean;
  render?: WorkloadRenderer;
  validator?: ServiceValidator;
  resolveEndpoint?: EndpointResolver;
  /** Re-evaluation tick of `waitFor`, ms (2000). */
  tickMs?: number;
  /** Milliseconds between metrics / node-wide pod refreshes (10000). */
  refreshMs?: number;
  watchRetryMs?: number;
  /** Warnings (never contain credentials); console.warn by default. */
  warn?: (message: string) => void;
  /**
   * Synthetic traffic that measures the HTTP services' latency and error rate for `metrics()`
   * (traffic-metrics.ts): defaults for `sampleTraffic`, or `false` to never send any (then
   * latency and error rate read 0 and those rollback triggers cannot fire).
   */
  trafficMetrics?: TrafficSamplerOptions | false;
}

type Store = ResilientWatch;

export class KubernetesCluster implements Cluster {
  readonly name: string;
  readonly namespace: string;
  readonly api: KubeApi;
  private readonly createdAtMs = Date.now();
  private readonly options: KubernetesClusterOptions;
  private render: WorkloadRenderer;
  private readonly stores: Record<"deployments" | "statefulsets" | "pods" | "events" | "pvcs" | "nodes", Store>;
  private readonly listeners = new Set<() => void>();
  private readonly clusterEvents: ClusterEvent[] = [];
  private readonly seenEvents = new Set<string>();
  /** Shared objects applied by this connection, by kind/name, with the content applied. */
  private readonly appliedShared = new Map<string, string>();
  private readonly revisionAppliedAt = new Map<string, number>();
  private readonly specNames = new Map<string, string>();
  private readonly warned = new Set<string>();
  private nodeUsage: Map<string, Resources> | undefined;
  /** Usage per pod of the namespace (metrics.k8s.io), when metrics-server answers. */
  private podUsage: Map<string, Resources> | undefined;
  private metricsAvailable: boolean | undefined;
  /** Pods of other namespaces (node accounting), refreshed every refreshMs. */
  private otherPods: Json[] = [];
  private lastRefreshMs = 0;
  private refreshing: Promise<void> | undefined;
  private closed = false;
  /** The traffic sampler of the current (or last) deploy; its figures outlive `stop`. */
  private traffic: TrafficSampler | undefined;
  readonly view: ClusterView;

  private constructor(api: KubeApi, options: KubernetesClusterOptions) {
    this.api = api;
    this.options = options;
    this.namespace = options.namespace ?? api.kubeConfig.getContextObject(api.kubeConfig.getCurrentContext())?.namespace ?? "default";
    this.name = options.name ?? `kubernetes:${api.kubeConfig.getCurrentContext()}/${this.namespace}`;
    this.render = options.render ?? renderWorkloadSpec;
    const ns = this.namespace;
    const make = (apiVersion: string, plural: string, namespaced: boolean): Store =>
      new ResilientWatch({
        kubeConfig: api.kubeConfig,
        path: collectionPath(apiVersion, plural, namespaced ? ns : undefined),
        list: () => api.list(collectionPath(apiVersion, plural, namespaced ? ns : undefined)),
        onChange: (type, object) => this.changed(plural, type, object),
        onProblem: (message) => this.warnOnce(`watch:${message}`, api.redact(message)),
        ...(options.watchRetryMs !== undefined ? { retryMs: options.watchRetryMs } : {}),
      });
    this.stores = {
      deployments: make("apps/v1", "deployments", true),
      statefulsets: make("apps/v1", "statefulsets", true),
      pods: make("v1", "pods", true),
      events: make("v1", "events", true),
      pvcs: make("v1", "persistentvolumeclaims", true),
      nodes: make("v1", "nodes", false),
    };
    this.view = this.makeView();
  }

  /** Connects: loads the kubeconfig, lists and starts watching. */
  static async connect(options: KubernetesClusterOptions = {}): Promise<KubernetesCluster> {
    const api = new KubeApi(loadKubeConfig(options));
    const cluster = new KubernetesCluster(api, options);
    try {
      await Promise.all(Object.values(cluster.stores).map((s) => s.start()));
    } catch (error) {
      await cluster.close();
      throw api.wrap(error, `connect to ${api.server}`);
    }
    await cluster.refresh(true);
    return cluster;
  }

  /** Replaces how specs become objects (deployPlan renders from the plan and records what it applied). */
  setRenderer(render: WorkloadRenderer): void {
    this.render = render;
  }

  /** Watch statistics (lists, watches, drops, expired relists, bookmarks) per collection. */
  watchStats(): Record<string, ResilientWatch["stats"]> {
    return Object.fromEntries(Object.entries(this.stores).map(([k, s]) => [k, { ...s.stats }]));
  }

  now(): number {
    return Math.round(Date.now() - this.createdAtMs) / 1000;
  }

  private warnOnce(key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    (this.options.warn ?? ((m: string) => console.warn(m)))(this.api.redact(message));
  }

  // ---------------------------------------------------------------- writes

  /** Server-side apply of one object; takes over conflicting fields only from managers we own. */
  async applyObject(object: KubernetesObject, options: { dryRun?: boolean; owner?: string } = {}): Promise<Json> {
    const dryRun = options.dryRun ?? this.options.dryRun ?? false;
    if (!CLUSTER_SCOPED.has(object.kind)) object.metadata.namespace ??= this.namespace;
    if (options.owner !== undefined && !CLUSTER_SCOPED.has(object.kind)) await this.assertNotOwnedByAnother(object, options.owner);
    try {
      return (await this.api.serverSideApply(object, { fieldManager: FIELD_MANAGER, force: false, dryRun })) as unknown as Json;
    } catch (error) {
      if (!(error instanceof KubeApiError) || error.status !== 409) throw error;
      const owned = new Set([FIELD_MANAGER, ...(this.options.ownedFieldManagers ?? [])]);
      const managers = conflictManagers(error);
      if (managers.length === 0 || managers.some((m) => !owned.has(m))) {
        throw new ClusterError(
          `apply ${object.kind}/${object.metadata.name}: fields are managed by ${managers.map((m) => JSON.stringify(m)).join(", ") || "another field manager"}; not taking them over (${error.message.replace(/^cluster: /, "")})`,
        );
      }
      return (await this.api.serverSideApply(object, { fieldManager: FIELD_MANAGER, force: true, dryRun })) as unknown as Json;
    }
  }

  /**
   * Refuses an object that exists labelled as another plan's (opdeploy.io/plan): two plans in one
   * namespace must not take over each other's Deployments. Unlabelled objects are adopted, as
   * `kubectl apply` does; the label is then ours.
   */
  private async assertNotOwnedByAnother(object: KubernetesObject, owner: string): Promise<void> {
    const owners = await this.liveOwners(object.apiVersion, object.kind, object.metadata.name);
    if (owners !== undefined && owners !== owner) {
      throw new ClusterError(`apply ${object.kind}/${object.metadata.name}: it belongs to plan ${owners} (label ${PLAN_LABEL}); plan ${owner} does not take over another plan's objects`);
    }
  }

  /** The live object's owning plan, or undefined when it does not exist or carries no owner. */
  private async liveOwners(apiVersion: string, kind: string, name: string): Promise<string | undefined> {
    const plural = PLURALS[kind];
    if (!plural) return undefined;
    const path = collectionPath(apiVersion, plural, this.namespace, name);
    const { status, body } = await this.api.request("GET", path);
    if (status === 404) return undefined;
    if (status < 200 || status >= 300) throw this.api.statusError("GET", path, status, body);
    return ((body?.metadata as Json | undefined)?.labels as Record<string, string> | undefined)?.[PLAN_LABEL];
  }

  /**
   * Applies the spec's objects (`spec.objects`, the very objects the simulated cluster ran), or
   * renders specs that carry none. Shared objects are applied when their content differs from what
   * this connection applied last — a rollback's older ConfigMap is applied again — then the
   * workload's own objects.
   */
  async apply(spec: WorkloadSpec): Promise<ApplyResult> {
    const name = kubeName(spec.name);
    this.specNames.set(name, spec.name);
    const rendered = spec.objects
      ? { objects: structuredClone(spec.objects), shared: structuredClone(spec.shared ?? []) }
      : this.render(spec, this.namespace);
    const revision = stampWorkload(rendered.objects, name);
    const dryRun = this.options.dryRun ?? false;
    for (const shared of rendered.shared) {
      const key = `${shared.kind}/${shared.metadata.name}`;
      if (!CLUSTER_SCOPED.has(shared.kind)) shared.metadata.namespace = this.namespace;
      const content = JSON.stringify(shared);
      if (this.appliedShared.get(key) === content) continue;
      await this.applyObject(shared, spec.owner !== undefined ? { owner: spec.owner } : {});
      this.appliedShared.set(key, content);
    }
    for (const object of rendered.objects) object.metadata.namespace = this.namespace;
    const before = this.workloadObject(name);
    let changed = false;
    for (const object of rendered.objects) {
      const store = this.storeFor(object.kind);
      const previous = store?.items.get(`${this.namespace}/${object.metadata.name}`);
      const after = await this.applyObject(object, spec.owner !== undefined ? { owner: spec.owner } : {});
      if (dryRun) {
        changed ||= previous === undefined || generation(previous) !== generation(after);
        continue;
      }
      if (object.kind === "Deployment" || object.kind === "StatefulSet") {
        changed ||= previous === undefined || generation(previous) !== generation(after);
      }
      if (store) store.remember(plain(after));
    }
    const beforeRevision = before ? templateLabels(before)[REVISION_LABEL] : undefined;
    if (!dryRun && beforeRevision !== revision) this.revisionAppliedAt.set(name, this.now());
    this.notify();
    return { changed, revision };
  }

  async remove(name: string, options: RemoveOptions): Promise<RemoveResult> {
    if (!options.keepVolumes) {
      throw new ClusterError("remove: the Kubernetes backend never deletes PersistentVolumeClaims (keepVolumes must be true)");
    }
    const k = kubeName(name);
    const live = this.workloadObject(k);
    const objectName = live ? String((live.metadata as Json).name) : k;
    if (options.owner !== undefined) {
      const kind = live?.kind === "StatefulSet" || this.stores.statefulsets.items.has(`${this.namespace}/${objectName}`) ? "StatefulSet" : "Deployment";
      const owner = await this.liveOwners("apps/v1", kind, objectName);
      // Another plan's workload is never removed (a rollback of one plan leaves the other's alone).
      if (owner !== undefined && owner !== options.owner) return { removed: false, keptFor: owner };
    }
    const query = { propagationPolicy: "Background", ...(this.options.dryRun ? { dryRun: "All" } : {}) };
    for (const [apiVersion, plural, store] of [
      ["apps/v1", "deployments", this.stores.deployments],
      ["apps/v1", "statefulsets", this.stores.statefulsets],
    ] as const) {
      const path = collectionPath(apiVersion, plural, this.namespace, objectName);
      const { status, body } = await this.api.request("DELETE", path, { query });
      if (status !== 404 && (status < 200 || status >= 300)) throw this.api.statusError("DELETE", path, status, body);
      if (!this.options.dryRun) store.items.delete(`${this.namespace}/${objectName}`);
    }
    // The workload's Services (found by our label); never its claims.
    const services = await this.api.list(collectionPath("v1", "services", this.namespace), `${WORKLOAD_LABEL}=${k}`);
    for (const service of services.items) {
      const serviceName = String((service.metadata as Json).name);
      const path = collectionPath("v1", "services", this.namespace, serviceName);
      const { status, body } = await this.api.request("DELETE", path, { query });
      if (status !== 404 && (status < 200 || status >= 300)) throw this.api.statusError("DELETE", path, status, body);
    }
    this.notify();
    return { removed: true };
  }

  // ---------------------------------------------------------------- reads

  async workloadStatus(name: string): Promise<WorkloadStatus | undefined> {
    return this.view.workloadStatus(name);
  }

  /** GET …/pods/<pod>/log per container (tailLines, previous); undefined when it cannot be read. */
  async podLogs(pod: string, options: { container?: string; previous?: boolean; tailLines: number }): Promise<{ container: string; lines: string[] }[] | undefined> {
    const live = this.stores.pods.items.get(`${this.namespace}/${pod}`);
    const containers = options.container !== undefined ? [options.container] : (((live?.spec as Json | undefined)?.containers ?? []) as Json[]).map((c) => String(c.name));
    const out: { container: string; lines: string[] }[] = [];
    for (const container of containers) {
      const path = `${collectionPath("v1", "pods", this.namespace, pod)}/log`;
      const query = { container, tailLines: options.tailLines, ...(options.previous ? { previous: true } : {}) };
      const { status, body } = await this.api.request("GET", path, { query, text: true });
      if (status < 200 || status >= 300) continue; // no previous instance, or not allowed: no lines
      const text = typeof body?.text === "string" ? body.text : "";
      // Our own bound too: a server that ignores tailLines cannot flood the report.
      out.push({ container, lines: this.api.redact(text).split("\n").filter((l) => l !== "").slice(-options.tailLines) });
    }
    return out.length > 0 ? out : undefined;
  }

  async workloadResources(name: string): Promise<WorkloadResources | undefined> {
    await this.refresh(false);
    return this.resourcesOf(name);
  }

  async nodes(): Promise<NodeStatus[]> {
    await this.refresh(false);
    return this.view.nodes();
  }

  async events(sinceT: number): Promise<ClusterEvent[]> {
    return this.view.events(sinceT);
  }

  async volumes(): Promise<VolumeStatus[]> {
    const volumes: VolumeStatus[] = [];
    for (const pvc of sortedByName(this.stores.pvcs.items.values())) {
      const metadata = pvc.metadata as Json;
      const labels = (metadata.labels ?? {}) as Record<string, string>;
      const workload = labels[WORKLOAD_LABEL];
      if (workload === undefined) continue;
      const volume: VolumeStatus = { name: String(metadata.name), workload: this.specNames.get(workload) ?? workload };
      const storage = (((pvc.spec as Json)?.resources as Json)?.requests as Json)?.storage;
      if (typeof storage === "string") volume.size = quantityBytes(storage);
      volumes.push(volume);
    }
    return volumes;
  }

  async observe(): Promise<ClusterMetrics> {
    return this.view.metrics();
  }

  async validate(service: Service): Promise<ValidationOutcome> {
    const k = kubeName(service.name);
    if (!this.workloadObject(k)) throw new ClusterError(`validate: unknown service ${JSON.stringify(service.name)} (not applied in namespace ${this.namespace})`);
    if (service.validate.kind === "none") return { service: service.name, ok: true, message: `${service.name}: no validation configured` };
    const resolve = this.options.resolveEndpoint ?? portForwardEndpoint;
    const endpoint = await resolve(service, this);
    try {
      const validator = this.options.validator ?? defaultValidator;
      return await validator(service, endpoint);
    } finally {
      await endpoint?.close();
    }
  }

  async waitFor<T>(check: (view: ClusterView) => T | undefined, timeoutSeconds: number): Promise<WaitResult<T>> {
    const deadline = Date.now() + Math.max(0, timeoutSeconds) * 1000;
    return new Promise<WaitResult<T>>((resolve, reject) => {
      let finished = false;
      const timers: NodeJS.Timeout[] = [];
      const finish = (result: WaitResult<T> | Error): void => {
        if (finished) return;
        finished = true;
        this.listeners.delete(evaluate);
        for (const timer of timers) clearTimeout(timer), clearInterval(timer);
        if (result instanceof Error) reject(result);
        else resolve(result);
      };
      const evaluate = (): void => {
        if (finished) return;
        let value: T | undefined;
        try {
          value = check(this.view);
        } catch (error) {
          finish(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        if (value !== undefined) finish({ done: true, value, t: this.now() });
        else if (Date.now() >= deadline || this.closed) finish({ done: false, t: this.now() });
      };
      this.listeners.add(evaluate);
      timers.push(
        setInterval(() => {
          void this.refresh(false).finally(evaluate);
        }, this.options.tickMs ?? 2000),
      );
      timers.push(setTimeout(evaluate, Math.max(0, deadline - Date.now()) + 1));
      evaluate();
    });
  }

  /**
   * Starts measuring latency and error rate of `services` that are validated by HTTP GET, with
   * short bounded probes through the endpoint resolver (traffic-metrics.ts), replacing a sampler
   * already running. Returns undefined (and sends nothing) when the `trafficMetrics` option is
   * false, the cluster is a dry run or closed, or no service is HTTP.
   */
  async sampleTraffic(services: Iterable<Service>, options: TrafficSamplerOptions = {}): Promise<TrafficSampler | undefined> {
    await this.stopTrafficSampling();
    const http = httpServices(services);
    if (this.options.trafficMetrics === false || this.options.dryRun || this.closed || http.length === 0) return undefined;
    const sampler = new TrafficSampler(
      http,
      {
        isReady: (service) => (this.view.workload(service.name)?.readyReplicas ?? 0) > 0,
        resolveEndpoint: (service) => (this.options.resolveEndpoint ?? portForwardEndpoint)(service, this),
        warnOnce: (key, message) => this.warnOnce(key, message),
        sampled: () => this.notify(),
      },
      { ...(this.options.trafficMetrics ?? {}), ...options },
    );
    this.traffic = sampler;
    sampler.start();
    return sampler;
  }

  /** Stops the traffic sampler (waiting for its probe in flight); its last figures stay readable. */
  async stopTrafficSampling(): Promise<void> {
    await this.traffic?.stop();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.stopTrafficSampling();
    for (const store of Object.values(this.stores)) store.stop();
    for (const listener of [...this.listeners]) listener();
  }

  // ---------------------------------------------------------------- caches

  private storeFor(kind: string): Store | undefined {
    if (kind === "Deployment") return this.stores.deployments;
    if (kind === "StatefulSet") return this.stores.statefulsets;
    if (kind === "PersistentVolumeClaim") return this.stores.pvcs;
    return undefined;
  }

  /**
   * The workload of service `k`: named `k` (generated objects), else the one labelled
   * opdeploy.io/workload=k (a user's Deployment may be named otherwise: "cartservice" for "cart").
   */
  private workloadObject(k: string): Json | undefined {
    const key = `${this.namespace}/${k}`;
    const named = this.stores.deployments.items.get(key) ?? this.stores.statefulsets.items.get(key);
    if (named) return named;
    for (const store of [this.stores.deployments, this.stores.statefulsets]) {
      for (const object of store.items.values()) {
        const meta = object.metadata as Json;
        if (meta.namespace === this.namespace && (meta.labels as Record<string, string> | undefined)?.[WORKLOAD_LABEL] === k) return object;
      }
    }
    return undefined;
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  private changed(collection: string, type: string, object: Json | undefined): void {
    if (collection === "events" && object) this.recordKubernetesEvent(object);
    if (collection === "events" && type === "RELISTED") for (const e of this.stores.events.items.values()) this.recordKubernetesEvent(e);
    if (collection === "pods" && object && type !== "DELETED") this.recordPodEvents(object);
    this.notify();
  }

  /** Metrics (node usage) and pods of other namespaces (node requests), at most every refreshMs. */
  private async refresh(force: boolean): Promise<void> {
    if (this.closed) return;
    const every = this.options.refreshMs ?? 10_000;
    if (!force && Date.now() - this.lastRefreshMs < every) return this.refreshing;
    if (this.refreshing) return this.refreshing;
    this.lastRefreshMs = Date.now();
    this.refreshing = (async () => {
      try {
        await Promise.all([this.refreshMetrics(), this.refreshOtherPods()]);
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  private async refreshMetrics(): Promise<void> {
    if (this.metricsAvailable === false) return;
    const { status, body } = await this.api.request("GET", "/apis/metrics.k8s.io/v1beta1/nodes").catch(() => ({ status: 0, body: undefined }));
    if (status === 404 || status === 503 || status === 403 || status === 0) {
      // No metrics-server (kind ships none): usage = requests from here on.
      this.metricsAvailable = false;
      this.nodeUsage = undefined;
      this.warnOnce("metrics", METRICS_UNAVAILABLE_WARNING);
      return;
    }
    if (status < 200 || status >= 300) return;
    this.metricsAvailable = true;
    const usage = new Map<string, Resources>();
    for (const item of (body?.items ?? []) as Json[]) {
      const u = (item.usage ?? {}) as Record<string, string>;
      usage.set(String((item.metadata as Json).name), { memory: quantityBytes(u.memory), cpu: quantityMillis(u.cpu) });
    }
    this.nodeUsage = usage;
    const pods = await this.api
      .request("GET", `/apis/metrics.k8s.io/v1beta1/namespaces/${encodeURIComponent(this.namespace)}/pods`)
      .catch(() => ({ status: 0, body: undefined }));
    if (pods.status < 200 || pods.status >= 300) {
      this.podUsage = undefined;
      return;
    }
    const perPod = new Map<string, Resources>();
    for (const item of (pods.body?.items ?? []) as Json[]) {
      const total = { memory: 0, cpu: 0 };
      for (const c of (item.containers ?? []) as Json[]) {
        const u = (c.usage ?? {}) as Record<string, string>;
        total.memory += quantityBytes(u.memory);
        total.cpu += quantityMillis(u.cpu);
      }
      perPod.set(String((item.metadata as Json).name), total);
    }
    this.podUsage = perPod;
  }

  /** Requests of the workload's bound pods and their usage (pod metrics, else the requests). */
  private resourcesOf(name: string): WorkloadResources | undefined {
    const k = kubeName(name);
    if (!this.workloadObject(k)) return undefined;
    const out: WorkloadResources = { requested: { memory: 0, cpu: 0 }, used: { memory: 0, cpu: 0 } };
    for (const pod of this.podsOf(k)) {
      if (!(pod.spec as Json | undefined)?.nodeName) continue;
      const phase = (pod.status as Json | undefined)?.phase;
      if (phase === "Succeeded" || phase === "Failed") continue;
      const r = podRequests(pod);
      const u = this.podUsage?.get(String((pod.metadata as Json).name)) ?? r;
      out.requested.memory += r.memory;
      out.requested.cpu += r.cpu;
      out.used.memory += u.memory;
      out.used.cpu += u.cpu;
    }
    return out;
  }

  private async refreshOtherPods(): Promise<void> {
    if (this.warned.has("allpods")) return;
    const { status, body } = await this.api
      .request("GET", "/api/v1/pods", { query: { fieldSelector: "status.phase!=Succeeded,status.phase!=Failed" } })
      .catch(() => ({ status: 0, body: undefined }));
    if (status < 200 || status >= 300) {
      this.warnOnce("allpods", `cannot list pods of other namespaces (HTTP ${status}): node requests count only namespace ${this.namespace}`);
      return;
    }
    this.otherPods = ((body?.items ?? []) as Json[]).filter((p) => (p.metadata as Json)?.namespace !== this.namespace);
  }

  /** Kubernetes Event → ClusterEvent (deduplicated by uid and count; repeated events count again). */
  private recordKubernetesEvent(event: Json): void {
    const metadata = (event.metadata ?? {}) as Json;
    const count = Number(event.count ?? ((event.series as Json)?.count as number | undefined) ?? 1);
    const key = `${String(metadata.uid ?? metadata.name)}#${count}`;
    if (this.seenEvents.has(key)) return;
    this.seenEvents.add(key);
    const involved = (event.involvedObject ?? event.regarding ?? {}) as Json;
    const kind = String(involved.kind ?? "");
    const objectName = String(involved.name ?? "");
    const when =
      timestampMs(event.eventTime) ?? timestampMs((event.series as Json)?.lastObservedTime) ?? timestampMs(event.lastTimestamp) ?? timestampMs(event.firstTimestamp) ?? timestampMs(metadata.creationTimestamp) ?? Date.now();
    const clusterEvent: ClusterEvent = {
      t: Math.round(when - this.createdAtMs) / 1000,
      type: event.type === "Warning" ? "Warning" : "Normal",
      reason: String(event.reason ?? ""),
      object: `${kind}/${objectName}`,
      message: String(event.message ?? event.note ?? ""),
    };
    const workload = this.workloadOf(kind, objectName);
    if (workload !== undefined) clusterEvent.workload = workload;
    if (kind === "Node") clusterEvent.node = objectName;
    else if (kind === "Pod") {
      const node = (this.stores.pods.items.get(`${this.namespace}/${objectName}`)?.spec as Json | undefined)?.nodeName;
      if (typeof node === "string") clusterEvent.node = node;
    }
    this.insertEvent(clusterEvent);
  }

  /** OOMKilled and Evicted live in pod status, not in Events: synthesize one event per occurrence. */
  private recordPodEvents(pod: Json): void {
    const metadata = pod.metadata as Json;
    const name = String(metadata.name);
    const status = (pod.status ?? {}) as Json;
    const workload = this.workloadOf("Pod", name);
    const node = (pod.spec as Json | undefined)?.nodeName;
    const push = (key: string, reason: string, message: string, atMs: number) => {
      if (this.seenEvents.has(key)) return;
      this.seenEvents.add(key);
      const e: ClusterEvent = { t: Math.round(atMs - this.createdAtMs) / 1000, type: "Warning", reason, object: `Pod/${name}`, message };
      if (workload !== undefined) e.workload = workload;
      if (typeof node === "string") e.node = node;
      this.insertEvent(e);
    };
    for (const cs of (status.containerStatuses ?? []) as Json[]) {
      const terminated = ((cs.lastState as Json | undefined)?.terminated ?? (cs.state as Json | undefined)?.terminated) as Json | undefined;
      if (terminated?.reason === "OOMKilled") {
        push(
          `${String(metadata.uid)}/${String(cs.name)}/oom/${String(cs.restartCount ?? 0)}/${String(terminated.finishedAt ?? "")}`,
          "OOMKilled",
          `Container ${String(cs.name)} was OOM-killed (exit code ${String(terminated.exitCode ?? 137)})`,
          timestampMs(terminated.finishedAt) ?? Date.now(),
        );
      }
    }
    if (status.reason === "Evicted") push(`${String(metadata.uid)}/evicted`, "Evicted", String(status.message ?? "Pod was evicted"), Date.now());
  }

  private insertEvent(event: ClusterEvent): void {
    let i = this.clusterEvents.length;
    while (i > 0 && this.clusterEvents[i - 1]!.t > event.t) i--;
    this.clusterEvents.splice(i, 0, event);
  }

  private workloadOf(kind: string, objectName: string): string | undefined {
    const map = (k: string) => this.specNames.get(k) ?? k;
    if (kind === "Deployment" || kind === "StatefulSet") return map(objectName);
    if (kind === "Pod") {
      const pod = this.stores.pods.items.get(`${this.namespace}/${objectName}`);
      const label = ((pod?.metadata as Json | undefined)?.labels as Record<string, string> | undefined)?.[WORKLOAD_LABEL];
      if (label) return map(label);
      // Pod gone already: <deployment>-<rs hash>-<suffix> or <statefulset>-<ordinal>.
      let best: string | undefined;
      for (const store of [this.stores.deployments, this.stores.statefulsets]) {
        for (const w of store.items.values()) {
          const n = String((w.metadata as Json).name);
          if (objectName.startsWith(`${n}-`) && (!best || n.length > best.length)) best = n;
        }
      }
      return best !== undefined ? map(best) : undefined;
    }
    return undefined;
  }

  // ---------------------------------------------------------------- the view

  private makeView(): ClusterView {
    const self = this;
    return {
      now: () => self.now(),
      workload: (name) => self.summary(name)?.summary,
      workloadStatus: (name) => {
        const s = self.summary(name);
        return s ? { ...s.summary, pods: s.pods } : undefined;
      },
      workloadResources: (name) => self.resourcesOf(name),
      workloadNames: () =>
        [...self.stores.deployments.items.values(), ...self.stores.statefulsets.items.values()]
          .map((w) => String((w.metadata as Json).name))
          .map((n) => self.specNames.get(n) ?? n)
          .sort(),
      nodes: () => self.nodeStatuses(),
      metrics: () => self.metricsNow(),
      events: (sinceT) => self.clusterEvents.filter((e) => e.t >= sinceT),
    };
  }

  private podsOf(k: string): Json[] {
    return sortedByName([...this.stores.pods.items.values()].filter((p) => ((p.metadata as Json).labels as Record<string, string> | undefined)?.[WORKLOAD_LABEL] === k));
  }

  private summary(name: string): { summary: WorkloadSummary; pods: PodStatus[] } | undefined {
    const k = kubeName(name);
    const object = this.workloadObject(k);
    if (!object) return undefined;
    const kind = object.kind === "StatefulSet" || this.stores.statefulsets.items.has(`${this.namespace}/${String((object.metadata as Json).name)}`) ? "StatefulSet" : "Deployment";
    const ks = kind === "Deployment" ? deploymentStatus(object) : statefulSetStatus(object);
    const revision = templateLabels(object)[REVISION_LABEL] ?? "";
    const replicas = typeof (object.spec as Json)?.replicas === "number" ? ((object.spec as Json).replicas as number) : 1;
    const pods = this.podsOf(k).map((p) => podStatusOf(p));
    const live = pods.filter((p) => !p.terminating);
    const updated = live.filter((p) => p.revision === revision);
    const unschedulable = live.filter((p) => p.reason === "FailedScheduling");
    let status = ks.status;
    // The controller's status can trail the pods we watch (and vice versa): Current needs both.
    if (status === "Current" && updated.filter((p) => p.ready).length < replicas) status = "InProgress";
    const summary: WorkloadSummary = {
      name: this.specNames.get(k) ?? name,
      kind,
      status,
      revision,
      replicas,
      updatedReplicas: updated.length,
      readyReplicas: live.filter((p) => p.ready).length,
      updatedReadyReplicas: updated.filter((p) => p.ready).length,
      unschedulablePods: unschedulable.length,
      maxRestarts: Math.max(0, ...pods.map((p) => p.restarts)),
      crashLooping: pods.some((p) => p.reason === "CrashLoopBackOff"),
      revisionAppliedAt: this.revisionAppliedAt.get(k) ?? 0,
    };
    if (ks.reason !== undefined && status !== "Current") summary.reason = ks.reason;
    const stuck = live.find((p) => p.reason !== undefined && CONTAINER_START_FAILURES.has(p.reason));
    if (stuck && status !== "Current") {
      summary.reason = stuck.reason!;
      if (stuck.message !== undefined) summary.message = stuck.message;
    }
    const message = unschedulable[0]?.message ?? (status !== "Current" ? ks.message : undefined);
    if (message !== undefined && !(stuck && status !== "Current")) summary.message = message;
    return { summary, pods };
  }

  private nodeStatuses(): NodeStatus[] {
    const pods = [...this.stores.pods.items.values(), ...this.otherPods];
    const nodes: NodeStatus[] = [];
    for (const node of sortedByName(this.stores.nodes.items.values())) {
      const name = String((node.metadata as Json).name);
      const status = (node.status ?? {}) as Json;
      const capacity = resourcesOf(status.capacity);
      const allocatable = resourcesOf(status.allocatable);
      const requested = { memory: 0, cpu: 0 };
      const terminatingRequested = { memory: 0, cpu: 0 };
      let count = 0;
      for (const pod of pods) {
        if ((pod.spec as Json | undefined)?.nodeName !== name) continue;
        const phase = (pod.status as Json | undefined)?.phase;
        if (phase === "Succeeded" || phase === "Failed") continue;
        count++;
        const r = podRequests(pod);
        requested.memory += r.memory;
        requested.cpu += r.cpu;
        if ((pod.metadata as Json).deletionTimestamp) {
          terminatingRequested.memory += r.memory;
          terminatingRequested.cpu += r.cpu;
        }
      }
      const conditions = (status.conditions ?? []) as Json[];
      const used = this.nodeUsage?.get(name) ?? { ...requested };
      nodes.push({
        name,
        capacity,
        allocatable,
        requested,
        terminatingRequested,
        used,
        pods: count,
        ready: conditions.some((c) => c.type === "Ready" && c.status === "True"),
        memoryPressure: conditions.some((c) => c.type === "MemoryPressure" && c.status === "True"),
      });
    }
    return nodes;
  }

  /**
   * Ready pods per service, and latency / error rate from the traffic sampler's latest probe
   * (traffic-metrics.ts) — the cluster has no request metrics by itself (that takes a service
   * mesh or Prometheus). Services without figures (not HTTP, not measured yet, sampling off)
   * read 0 and stay out of the means, which are over services with a Ready pod and figures, as
   * the simulated cluster averages over the services that serve.
   */
  private metricsNow(): ClusterMetrics {
    let latencySum = 0;
    let errorSum = 0;
    let measured = 0;
    const services = this.view.workloadNames().map((name) => {
      const readyPods = this.summary(name)?.summary.readyReplicas ?? 0;
      const figures = readyPods > 0 ? (this.traffic?.figures(name) ?? this.traffic?.figures(this.specNames.get(name) ?? name)) : undefined;
      if (!figures) return { name, readyPods, latencyMs: 0, errorRate: 0 };
      measured++;
      latencySum += figures.latencyMs;
      errorSum += figures.errorRate;
      return { name, readyPods, latencyMs: figures.latencyMs, errorRate: figures.errorRate };
    });
    const mean = (sum: number) => (measured > 0 ? Math.round((sum / measured) * 10) / 10 : 0);
    return { t: this.now(), services, averageLatencyMs: mean(latencySum), errorRate: mean(errorSum) };
  }
}

// -------------------------------------------------------------------- helpers

function plain(object: Json): Json {
  // Typed client objects carry Dates; the caches hold JSON as a watch delivers it.
  return JSON.parse(JSON.stringify(object)) as Json;
}

function generation(object: Json | undefined): number | undefined {
  const g = (object?.metadata as Json | undefined)?.generation;
  return typeof g === "number" ? g : undefined;
}

function templateLabels(object: Json): Record<string, string> {
  return ((((object.spec as Json | undefined)?.template as Json | undefined)?.metadata as Json | undefined)?.labels ?? {}) as Record<string, string>;
}

function sortedByName(items: Iterable<Json>): Json[] {
  return [...items].sort((a, b) => {
    const x = objectKey(a);
    const y = objectKey(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

/** Field managers named in a 409 apply conflict (Status details.causes or the message). */
export function conflictManagers(error: KubeApiError): string[] {
  const texts: string[] = [error.message];
  const causes = ((error.body?.details as Json | undefined)?.causes ?? []) as Json[];
  for (const cause of causes) texts.push(String(cause.message ?? ""));
  const managers = new Set<string>();
  for (const text of texts) for (const match of text.matchAll(/conflicts? with "([^"]+)"/g)) managers.add(match[1]!);
  return [...managers];
}

export function podStatusOf(pod: Json): PodStatus {
  const metadata = pod.metadata as Json;
  const status = (pod.status ?? {}) as Json;
  const labels = (metadata.labels ?? {}) as Record<string, string>;
  const containers = (status.containerStatuses ?? []) as Json[];
  const phase = (["Pending", "Running", "Succeeded", "Failed"].includes(String(status.phase)) ? status.phase : "Pending") as PodPhase;
  const result: PodStatus = {
    name: String(metadata.name),
    phase,
    ready: podReady(pod),
    terminating: metadata.deletionTimestamp !== undefined && metadata.deletionTimestamp !== null,
    restarts: Math.max(0, ...containers.map((c) => Number(c.restartCount ?? 0))),
    revision: labels[REVISION_LABEL] ?? "",
  };
  const node = (pod.spec as Json | undefined)?.nodeName;
  if (typeof node === "string") result.node = node;
  const index = labels["apps.kubernetes.io/pod-index"] ?? labels["statefulset.kubernetes.io/pod-name"]?.match(/-(\d+)$/)?.[1];
  if (index !== undefined && /^\d+$/.test(index)) result.ordinal = Number(index);
  // Most telling reason first.
  const scheduled = ((status.conditions ?? []) as Json[]).find((c) => c.type === "PodScheduled");
  const waiting = containers.map((c) => (c.state as Json | undefined)?.waiting as Json | undefined).find((w) => w?.reason);
  const terminated = containers.map((c) => ((c.lastState as Json | undefined)?.terminated ?? (c.state as Json | undefined)?.terminated) as Json | undefined).find((t) => t?.reason);
  if (status.reason === "Evicted") {
    result.reason = "Evicted";
    result.message = String(status.message ?? "");
  } else if (crashLoopingContainers(pod).length > 0) {
    result.reason = "CrashLoopBackOff";
    result.message = String(waiting?.message ?? "back-off restarting failed container");
    if (terminated?.reason === "OOMKilled") result.message = `OOMKilled; ${result.message}`;
  } else if (terminated?.reason === "OOMKilled") {
    result.reason = "OOMKilled";
    result.message = "container was OOM-killed";
  } else if (waiting?.reason) {
    result.reason = String(waiting.reason);
    if (waiting.message) result.message = String(waiting.message);
  } else if (scheduled?.status === "False" && scheduled.reason === "Unschedulable") {
    result.reason = "FailedScheduling";
    result.message = String(scheduled.message ?? "pod could not be scheduled");
  }
  return result;
}

// -------------------------------------------------------------------- validation

/**
 * Reaches the service through a port-forward to one Ready pod (PortForward from client-node):
 * a local TCP server on 127.0.0.1:<random> whose connections are piped over the API server's
 * portforward subresource. Needs `pods/portforward` create (deploy/rbac.yaml).
 */
export const portForwardEndpoint: EndpointResolver = async (service, cluster) => {
  const port = validationPort(service);
  if (port === undefined) return undefined;
  const status = cluster.view.workloadStatus(service.name);
  const pod = status?.pods.find((p) => p.ready && !p.terminating);
  if (!pod) throw new ClusterError(`validate: no Ready pod of ${service.name} to port-forward to`);
  const forward = new PortForward(cluster.api.kubeConfig);
  const server = net.createServer((socket) => {
    forward.portForward(cluster.namespace, pod.name, [port], socket, null, socket).catch(() => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => server.listen(0, "127.0.0.1", resolve).once("error", reject));
  const address = server.address() as net.AddressInfo;
  return {
    host: "127.0.0.1",
    port: address.port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};

export function validationPort(service: Service): number | undefined {
  const v = service.validate;
  if ((v.kind === "http" || v.kind === "tcp") && v.port !== undefined) return v.port;
  const defaults: Record<string, number> = { postgres: 5432, redis: 6379, rabbitmq: 5672 };
  return service.port ?? defaults[v.kind];
}

/**
 * Validates with the real protocol (src/validation): PostgreSQL `SELECT 1`, Redis `PING`, an AMQP
 * channel, HTTP GET, TCP connect — reached through the endpoint (a port-forward by default).
 * Credentials come from the environment (`credentialsFromEnv`), never from the plan, and never
 * appear in messages.
 */
export const defaultValidator: ServiceValidator = async (service, endpoint) => {
  if (!endpoint) return { service: service.name, ok: true, message: `${service.name}: nothing to validate (no port)` };
  const result = await validateService(service.validate, { host: endpoint.host, port: endpoint.port }, credentialsFromEnv(service.validate.kind));
  return {
    service: service.name,
    ok: result.ok,
    message: result.ok ? `${service.name}: ${service.validate.kind} check passed (${result.durationMs} ms)` : `${service.name}: ${result.reason ?? "validation failed"}`,
  };
};
