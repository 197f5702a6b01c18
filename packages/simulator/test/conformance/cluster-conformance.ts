/**
 * The contract of `Cluster` (src/cluster/cluster.ts) as a reusable suite, in the style of
 * graphology's spec suites: every backend runs the same cases.
 *
 *   describeClusterConformance("simulated", () => makeSimulated(), { ... });
 *   describeClusterConformance("kind", () => connectKind(), { timeoutSeconds: 300 }); // later
 */
import { describe, expect, it } from "vitest";
import type { Cluster, WorkloadSpec } from "../../src/index.js";
import { DEFAULT_PROBE } from "../../src/index.js";

export interface ConformanceOptions {
  /** Upper bound for waits that should succeed (simulated seconds or wall-clock seconds). */
  timeoutSeconds?: number;
  /** Memory in bytes that no node can fit (used to make a pod unschedulable). */
  tooMuchMemory: number;
  /** Prefix for workload names (real clusters may share a namespace between runs). */
  prefix?: string;
}

const Mi = 1024 * 1024;

export function conformanceSpec(name: string, overrides: Partial<WorkloadSpec> = {}): WorkloadSpec {
  return {
    name,
    kind: "Deployment",
    replicas: 1,
    image: "registry.k8s.io/pause:3.9",
    requests: { memory: 16 * Mi, cpu: 10 },
    limits: { memory: 32 * Mi, cpu: 20 },
    strategy: "RollingUpdate",
    maxSurge: "25%",
    maxUnavailable: "25%",
    progressDeadlineSeconds: 600,
    terminationGracePeriodSeconds: 30,
    readinessProbe: { ...DEFAULT_PROBE },
    livenessProbe: { ...DEFAULT_PROBE },
    persistent: false,
    priority: 0,
    dependsOn: [],
    expected: { startupSeconds: 5, usage: { memory: 16 * Mi, cpu: 10 } },
    ...overrides,
  };
}

export function describeClusterConformance(name: string, makeCluster: () => Promise<Cluster>, options: ConformanceOptions): void {
  const timeout = options.timeoutSeconds ?? 120;
  const prefix = options.prefix ?? "conf";
  const current = (cluster: Cluster, workload: string) =>
    cluster.waitFor((view) => (view.workload(workload)?.status === "Current" ? true : undefined), timeout);

  describe(`Cluster conformance: ${name}`, () => {
    it("a ready workload reaches Current, with every replica Ready", async () => {
      const cluster = await makeCluster();
      await cluster.apply(conformanceSpec(`${prefix}-ready`, { replicas: 2 }));
      const waited = await current(cluster, `${prefix}-ready`);
      expect(waited.done).toBe(true);
      const status = await cluster.workloadStatus(`${prefix}-ready`);
      expect(status?.readyReplicas).toBe(2);
      expect(status?.pods.filter((p) => p.phase === "Running" && p.ready)).toHaveLength(2);
      await cluster.close();
    });

    it("apply of the same spec twice is a no-op", async () => {
      const cluster = await makeCluster();
      const spec = conformanceSpec(`${prefix}-idem`);
      const first = await cluster.apply(spec);
      expect(first.changed).toBe(true);
      await current(cluster, spec.name);
      const before = await cluster.workloadStatus(spec.name);
      const second = await cluster.apply(structuredClone(spec));
      expect(second).toEqual({ changed: false, revision: first.revision });
      const after = await cluster.workloadStatus(spec.name);
      expect(after?.pods.map((p) => [p.name, p.restarts])).toEqual(before?.pods.map((p) => [p.name, p.restarts]));
      await cluster.close();
    });

    it("changing only replicas scales without a new revision", async () => {
      const cluster = await makeCluster();
      const spec = conformanceSpec(`${prefix}-scale`);
      const first = await cluster.apply(spec);
      await current(cluster, spec.name);
      const scaled = await cluster.apply({ ...spec, replicas: 3 });
      expect(scaled.changed).toBe(true);
      expect(scaled.revision).toBe(first.revision);
      expect((await current(cluster, spec.name)).done).toBe(true);
      expect((await cluster.workloadStatus(spec.name))?.readyReplicas).toBe(3);
      await cluster.close();
    });

    it("a new pod template rolls out a new revision", async () => {
      const cluster = await makeCluster();
      const spec = conformanceSpec(`${prefix}-rev`);
      const first = await cluster.apply(spec);
      await current(cluster, spec.name);
      const second = await cluster.apply({ ...spec, requests: { memory: 24 * Mi, cpu: 10 } });
      expect(second.revision).not.toBe(first.revision);
      expect((await current(cluster, spec.name)).done).toBe(true);
      const status = await cluster.workloadStatus(spec.name);
      expect(status?.pods.filter((p) => !p.terminating).every((p) => p.revision === second.revision)).toBe(true);
      await cluster.close();
    });

    it("a rolling update of 4 replicas at 25%/25% has 2 new pods before the first is Ready", async () => {
      // pkg/controller/deployment/rolling.go: reconcileNewReplicaSet scales the new ReplicaSet to 1
      // (4 + maxSurge 1), reconcileOldReplicaSets scales the old one to 3 (5 − minAvailable 3 −
      // 1 unavailable new), and the next sync — the ReplicaSet update queues it at once — scales
      // the new one to 2, counting spec.replicas (deployment_util.go NewRSNewReplicas), so the
      // terminating old pod no longer counts. Upstream: deployment_util_test.go TestNewRSNewReplicas.
      const cluster = await makeCluster();
      const spec = conformanceSpec(`${prefix}-roll`, { replicas: 4 });
      await cluster.apply(spec);
      await current(cluster, spec.name);
      const next = await cluster.apply({ ...spec, requests: { memory: 20 * Mi, cpu: 10 } });
      let most = 0;
      const firstReady = await cluster.waitFor((view) => {
        const w = view.workload(spec.name);
        if (!w || w.revision !== next.revision) return undefined;
        if (w.updatedReadyReplicas > 0) return true;
        most = Math.max(most, w.updatedReplicas);
        return undefined;
      }, timeout);
      expect(firstReady.done).toBe(true);
      expect(most).toBe(2);
      expect((await current(cluster, spec.name)).done).toBe(true);
      await cluster.close();
    });

    it("removing something absent succeeds, and remove is idempotent", async () => {
      const cluster = await makeCluster();
      await expect(cluster.remove(`${prefix}-absent`, { keepVolumes: true })).resolves.toEqual({ removed: true });
      const spec = conformanceSpec(`${prefix}-rm`);
      await cluster.apply(spec);
      await cluster.remove(spec.name, { keepVolumes: true });
      await cluster.remove(spec.name, { keepVolumes: true });
      expect(await cluster.workloadStatus(spec.name)).toBeUndefined();
      await cluster.close();
    });

    it("an unschedulable pod stays Pending with a FailedScheduling event naming the resource", async () => {
      const cluster = await makeCluster();
      const since = cluster.now();
      const spec = conformanceSpec(`${prefix}-big`, {
        requests: { memory: options.tooMuchMemory, cpu: 10 },
        limits: { memory: options.tooMuchMemory, cpu: 20 },
      });
      await cluster.apply(spec);
      const waited = await cluster.waitFor((view) => (view.workload(spec.name)?.unschedulablePods ? true : undefined), timeout);
      expect(waited.done).toBe(true);
      const status = await cluster.workloadStatus(spec.name);
      expect(status?.status).toBe("InProgress");
      expect(status?.pods[0]?.phase).toBe("Pending");
      const events = (await cluster.events(since)).filter((e) => e.reason === "FailedScheduling" && e.workload === spec.name);
      expect(events.length).toBeGreaterThan(0);
      // FitError.Error (pkg/scheduler/framework/types.go) then DefaultPreemption's PostFilter message
      // (plugins/defaultpreemption/default_preemption.go: "preemption: " + a FitError of its own,
      // "No preemption victims found for incoming pod" when no lower-priority pod could make room).
      expect(events[0]!.message).toMatch(
        /^0\/(\d+) nodes are available: (?:.*, )?\d+ Insufficient memory(?:, .*)?\. preemption: 0\/\1 nodes are available: .*\d+ No preemption victims found for incoming pod.*\.\.$/,
      );
      await cluster.close();
    });

    it("volumes survive remove with keepVolumes", async () => {
      const cluster = await makeCluster();
      const spec = conformanceSpec(`${prefix}-db`, { kind: "StatefulSet", persistent: true, storage: 64 * Mi });
      await cluster.apply(spec);
      await current(cluster, spec.name);
      const volumes = (await cluster.volumes()).filter((v) => v.workload === spec.name);
      expect(volumes.length).toBe(1);
      await cluster.remove(spec.name, { keepVolumes: true });
      expect((await cluster.volumes()).filter((v) => v.workload === spec.name)).toEqual(volumes);
      // Re-applying finds the same claim again.
      await cluster.apply(spec);
      await current(cluster, spec.name);
      expect((await cluster.volumes()).filter((v) => v.workload === spec.name)).toEqual(volumes);
      await cluster.close();
    });

    it("a wait that times out is returned, not thrown, and the clock moved past the timeout", async () => {
      const cluster = await makeCluster();
      const start = cluster.now();
      const waited = await cluster.waitFor(() => undefined, 5);
      expect(waited.done).toBe(false);
      expect(cluster.now()).toBeGreaterThanOrEqual(start + 5);
      await cluster.close();
    });

    it("nodes report allocatable and account the requests of bound pods", async () => {
      const cluster = await makeCluster();
      const before = await cluster.nodes();
      expect(before.length).toBeGreaterThan(0);
      for (const node of before) expect(node.allocatable.memory).toBeGreaterThan(0);
      const spec = conformanceSpec(`${prefix}-acct`);
      await cluster.apply(spec);
      await current(cluster, spec.name);
      const after = await cluster.nodes();
      const sum = (ns: typeof before) => ns.reduce((s, n) => s + n.requested.memory, 0);
      expect(sum(after) - sum(before)).toBe(spec.requests.memory);
      await cluster.close();
    });

    it("events(since) returns only events at or after since, in time order", async () => {
      const cluster = await makeCluster();
      const spec = conformanceSpec(`${prefix}-ev`);
      await cluster.apply(spec);
      await current(cluster, spec.name);
      const all = await cluster.events(0);
      const mid = all.length > 0 ? all[Math.floor(all.length / 2)]!.t : 0;
      const later = await cluster.events(mid);
      expect(later.every((e) => e.t >= mid)).toBe(true);
      for (let i = 1; i < all.length; i++) expect(all[i]!.t).toBeGreaterThanOrEqual(all[i - 1]!.t);
      await cluster.close();
    });
  });
}
