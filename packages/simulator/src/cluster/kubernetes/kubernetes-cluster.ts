/**
 * The real backend of the `Cluster` interface (../cluster.ts): Kubernetes through
 * @kubernetes/client-node. Writes are server-side applies with field manager `opdeploy`;
 * everything the engine reads comes from list+watch caches (resilient-watch.ts), so `waitFor`
 * re-evaluates on every watch event (and on a 2 s tick) instead of polling, and a
 * FailedScheduling / OOMKilled / BackOff / Unhealthy shows up as a `ClusterEvent` and in the pod
 * statuses as soon as the API server reports it — the engine fails fast instead of waiting out
 * progressDeadlineSeconds.
 *
 * Readiness follows kstatus (./kstatus.ts); counts come from the pods themselves. Beside this
 * file: server-side-apply.ts (writes), pod-status.ts (readings of the cached objects),
 * event-recorder.ts, usage-cache.ts (metrics, nodes), wait-for.ts, endpoints.ts (validation).
 */
import type { KubernetesObject, Service } from "@openpolicy/core";
import type {
  ApplyResult,
  Cluster,
  ClusterEvent,
  ClusterMetrics,
  ClusterView,
  NodeStatus,
  PodStatus,
  RemoveOptions,
  RemoveResult,
  ValidationOutcome,
  VolumeStatus,
  WaitResult,
  WorkloadResources,
  WorkloadStatus,
  WorkloadSummary,
} from "../cluster.js";
import { ClusterError } from "../cluster.js";
import type { WorkloadSpec } from "../workload-spec.js";
import type { EndpointResolver, ServiceValidator } from "./endpoints.js";
import { defaultValidator, portForwardEndpoint } from "./endpoints.js";
import { EventRecorder } from "./event-recorder.js";
import type { Json, KubeConfigSource } from "./kube-api.js";
import { KubeApi, collectionPath, loadKubeConfig } from "./kube-api.js";
import { generation, plain, sortedByName, templateLabels, volumeStatuses, workloadSummary } from "./pod-status.js";
import type { WorkloadRenderer } from "./render-workload.js";
import { REVISION_LABEL, WORKLOAD_LABEL, kubeName, renderWorkloadSpec, stampWorkload } from "./render-workload.js";
import { ResilientWatch } from "./resilient-watch.js";
import type { ApplyTarget } from "./server-side-apply.js";
import { CLUSTER_SCOPED, applyOwnedObject, liveOwner } from "./server-side-apply.js";
import type { TrafficSamplerOptions } from "./traffic-metrics.js";
import { TrafficSampler, httpServices } from "./traffic-metrics.js";
import { UsageCache, serviceMetrics } from "./usage-cache.js";
import { ChangeWaiters } from "./wait-for.js";

// What moved to the files beside this one stays importable from here, as before the split.
export { podRequests } from "../pod-resources.js";
export { defaultValidator, portForwardEndpoint, validationPort } from "./endpoints.js";
export type { EndpointResolver, ServiceEndpoint, ServiceValidator } from "./endpoints.js";
export { podStatusOf } from "./pod-status.js";
export { FIELD_MANAGER, conflictManagers } from "./server-side-apply.js";
export { METRICS_UNAVAILABLE_WARNING } from "./usage-cache.js";

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
  private readonly render: WorkloadRenderer;
  /** See workloadsByLabel; undefined when the workload stores changed since it was built. */
  private byLabel: Map<string, Json> | undefined;
  private readonly stores: Record<"deployments" | "statefulsets" | "pods" | "events" | "pvcs" | "nodes", Store>;
  private readonly waiters = new ChangeWaiters();
  /** Shared objects applied by this connection, by kind/name, with the content applied. */
  private readonly appliedShared = new Map<string, string>();
  private readonly revisionAppliedAt = new Map<string, number>();
  private readonly specNames = new Map<string, string>();
  private readonly warned = new Set<string>();
  private readonly recorder: EventRecorder;
  private readonly usage: UsageCache;
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
    this.recorder = new EventRecorder({ namespace: ns, createdAtMs: this.createdAtMs, stores: this.stores, specNames: this.specNames });
    this.usage = new UsageCache({
      api,
      namespace: ns,
      stores: this.stores,
      refreshMs: options.refreshMs,
      isClosed: () => this.closed,
      warnOnce: (key, message) => this.warnOnce(key, message),
    });
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
    await cluster.usage.refresh(true);
    return cluster;
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

  /** Server-side apply of one object; takes over conflicting fields only from managers we own (server-side-apply.ts). */
  async applyObject(object: KubernetesObject, options: { dryRun?: boolean; owner?: string } = {}): Promise<Json> {
    return applyOwnedObject(this.applyTarget(), object, { dryRun: options.dryRun ?? this.options.dryRun ?? false, owner: options.owner });
  }

  private applyTarget(): ApplyTarget {
    return { api: this.api, namespace: this.namespace, ownedFieldManagers: this.options.ownedFieldManagers };
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
    this.byLabel = undefined;
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
      const owner = await liveOwner(this.applyTarget(), "apps/v1", kind, objectName);
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
    this.byLabel = undefined;
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
    await this.usage.refresh(false);
    return this.resourcesOf(name);
  }

  async nodes(): Promise<NodeStatus[]> {
    await this.usage.refresh(false);
    return this.view.nodes();
  }

  async events(sinceT: number): Promise<ClusterEvent[]> {
    return this.view.events(sinceT);
  }

  async volumes(): Promise<VolumeStatus[]> {
    return volumeStatuses(this.stores.pvcs.items.values(), this.specNames);
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
    return this.waiters.wait(() => check(this.view), timeoutSeconds, {
      now: () => this.now(),
      isClosed: () => this.closed,
      tick: () => this.usage.refresh(false),
      tickMs: this.options.tickMs ?? 2000,
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
    this.waiters.notify();
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
    return this.stores.deployments.items.get(key) ?? this.stores.statefulsets.items.get(key) ?? this.workloadsByLabel().get(k);
  }

  /**
   * Workloads by their opdeploy.io/workload label, built when first asked after the workload
   * stores changed: absent workloads are looked up on every look at the cluster (baselines,
   * removals, prerequisites), and a scan of every Deployment each time would be quadratic.
   */
  private workloadsByLabel(): Map<string, Json> {
    if (this.byLabel) return this.byLabel;
    const index = new Map<string, Json>();
    for (const store of [this.stores.deployments, this.stores.statefulsets]) {
      for (const object of store.items.values()) {
        const meta = object.metadata as Json;
        const label = (meta.labels as Record<string, string> | undefined)?.[WORKLOAD_LABEL];
        if (meta.namespace === this.namespace && label !== undefined && !index.has(label)) index.set(label, object);
      }
    }
    this.byLabel = index;
    return index;
  }

  private notify(): void {
    this.waiters.notify();
  }

  private changed(collection: string, type: string, object: Json | undefined): void {
    if (collection === "deployments" || collection === "statefulsets") this.byLabel = undefined;
    if (collection === "events" && object) this.recorder.recordKubernetesEvent(object);
    if (collection === "events" && type === "RELISTED") for (const e of this.stores.events.items.values()) this.recorder.recordKubernetesEvent(e);
    if (collection === "pods" && object && type !== "DELETED") this.recorder.recordPodEvents(object);
    this.notify();
  }

  // ---------------------------------------------------------------- the view

  private makeView(): ClusterView {
    return {
      now: () => this.now(),
      workload: (name) => this.summary(name)?.summary,
      workloadStatus: (name) => {
        const s = this.summary(name);
        return s ? { ...s.summary, pods: s.pods } : undefined;
      },
      workloadResources: (name) => this.resourcesOf(name),
      workloadNames: () =>
        [...this.stores.deployments.items.values(), ...this.stores.statefulsets.items.values()]
          .map((w) => String((w.metadata as Json).name))
          .map((n) => this.specNames.get(n) ?? n)
          .sort(),
      nodes: () => this.usage.nodeStatuses(),
      metrics: () => this.metricsNow(),
      events: (sinceT) => this.recorder.since(sinceT),
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
    return workloadSummary(object, this.podsOf(k), { name: this.specNames.get(k) ?? name, kind, revisionAppliedAt: this.revisionAppliedAt.get(k) ?? 0 });
  }

  /** Requests of the workload's bound pods and their usage (pod metrics, else the requests). */
  private resourcesOf(name: string): WorkloadResources | undefined {
    const k = kubeName(name);
    if (!this.workloadObject(k)) return undefined;
    return this.usage.workloadResources(this.podsOf(k));
  }

  /** Ready pods per service with the traffic sampler's latest figures (serviceMetrics in usage-cache.ts). */
  private metricsNow(): ClusterMetrics {
    return serviceMetrics(
      () => this.now(),
      this.view.workloadNames(),
      (name) => this.summary(name)?.summary.readyReplicas ?? 0,
      (name) => this.traffic?.figures(name) ?? this.traffic?.figures(this.specNames.get(name) ?? name),
    );
  }
}
