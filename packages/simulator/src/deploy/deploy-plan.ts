/**
 * `opdeploy deploy`: runs the plan on a real cluster through the rollout engine, recording a
 * revision (revisions.ts) after every step and holding the plan's Lease (lease-lock.ts).
 *
 * - A new deploy writes revision N+1 with status `deploying`; at the end it becomes `deployed`
 *   (the previous deployed one `superseded`), `rolled-back` or `failed`.
 * - Resume: when the latest revision is still `deploying` and nobody holds the lease (its holder
 *   was killed or interrupted), and it was made from the same plan, the deploy continues it:
 *   the services whose steps succeeded are passed as `resumeFrom` and not applied again.
 * - Dry run: every apply is a server-side dry run (`dryRun=All`); no revision, no lease.
 * - `signal` (SIGINT): the rollout stops at the next step boundary, the revision keeps its
 *   completed steps (resumable), the lease is released.
 */
import { planDigest } from "./plan-digest.js";
import type { Plan } from "@openpolicy/core";
import { loadPlanFile } from "@openpolicy/core";
import { planSlug } from "./plan-slug.js";
import type { SimulationResult } from "../engine/result.js";
import type { StepUpdate } from "../engine/run-rollout.js";
import { runRollout } from "../engine/run-rollout.js";
import { checkPhasePrerequisites } from "../engine/phase-prerequisites.js";
import type { KubernetesClusterOptions } from "../cluster/kubernetes/kubernetes-cluster.js";
import { KubernetesCluster } from "../cluster/kubernetes/kubernetes-cluster.js";
import type { TrafficSamplerOptions } from "../cluster/kubernetes/traffic-metrics.js";
import { kubeName } from "../cluster/kubernetes/render-workload.js";
import type { WorkloadSource } from "../cluster/plan-workloads.js";
import { planWorkloads } from "../cluster/plan-workloads.js";
import type { WorkloadSpec } from "../cluster/workload-spec.js";
import { workloadFromObjects } from "../cluster/workload-from-objects.js";
import type { LeaseOptions } from "./lease-lock.js";
import { LeaseLock } from "./lease-lock.js";
import type { Revision, RevisionManifests, StepRecord } from "./revisions.js";
import { RevisionStore } from "./revisions.js";

export class DeployAbortedError extends Error {
  constructor(message = "deploy: interrupted; the revision keeps its completed steps and the next deploy resumes it") {
    super(message);
    this.name = "DeployAbortedError";
  }
}

export interface DeployProgress {
  kind: "lease" | "revision" | "step" | "dry-run" | "done";
  message: string;
}

export interface DeployOptions extends LeaseOptions {
  /** An open cluster (tests, CLI); else one is connected from kubeconfig/context/namespace. */
  cluster?: KubernetesCluster;
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  dryRun?: boolean;
  /** Deploy only this phase (earlier phases must already be deployed). */
  phase?: string;
  onProgress?: (progress: DeployProgress) => void;
  signal?: AbortSignal;
  settleSeconds?: number;
  /** Seconds between the engine's evaluations of the latency / error-rate triggers (10). */
  metricsSeconds?: number;
  /**
   * When the plan sets `rollback.latency` or `rollback.errorRate`, the cluster sends short
   * synthetic probes to the plan's HTTP services during the rollout so those triggers have data
   * (KubernetesCluster.sampleTraffic; the interval defaults to `metricsSeconds`). `false`: none.
   */
  trafficMetrics?: TrafficSamplerOptions | false;
}

export interface DeployResult {
  verdict: SimulationResult["verdict"] | "interrupted";
  plan: string;
  revision?: number;
  resumed: string[];
  dryRun: boolean;
  result?: SimulationResult;
  /** Dry run: the objects the server accepted. */
  objects?: string[];
}

export function serializePlan(plan: Plan): string {
  return JSON.stringify({ ...plan, services: [...plan.services.entries()] });
}

export function deserializePlan(text: string): Plan {
  const raw = JSON.parse(text) as Omit<Plan, "services"> & { services: [string, unknown][] };
  return { ...raw, services: new Map(raw.services) } as Plan;
}

export function planOrder(plan: Plan): string[][] {
  return plan.phases.flatMap((p) => p.batches.map((b) => [...b.services]));
}

/** Accepts `deployPlan(plan, options)` or the GitHub Action's `deployPlan({ plan: path, kubeconfig, context, namespace })`. */
export async function deployPlan(planOrOptions: Plan | (DeployOptions & { plan: string | Plan }), maybeOptions: DeployOptions = {}): Promise<DeployResult> {
  const [plan, options] = await resolveArguments(planOrOptions, maybeOptions);
  const own = options.cluster === undefined;
  const namespace = options.namespace ?? plan.namespace;
  const progress = options.onProgress ?? (() => {});
  const name = planSlug(plan);
  const store = options.cluster ? new RevisionStore(options.cluster.api, options.cluster.namespace) : undefined;
  const history = store ? await store.list(name) : undefined;
  const lastDeployed = [...(history ?? [])].reverse().find((r) => r.status === "deployed");
  const from = lastDeployed?.planJson ? deserializePlan(lastDeployed.planJson) : undefined;
  const manifests: RevisionManifests = { shared: [], services: {} };
  const cluster = options.cluster ?? (await KubernetesCluster.connect(clusterOptions(options, namespace)));
  // One source of objects for the deploy, its dry run and the rehearsal: core's renderer in the
  // cluster's namespace. What is applied for this plan is recorded in the revision.
  const workloads = recordingSource(planWorkloads({ namespace: cluster.namespace }), plan, manifests);
  const previous = lastDeployed ? recordedSpecs(lastDeployed, from) : undefined;
  try {
    const target = options.phase ? onlyPhase(plan, options.phase) : plan;
    if (options.dryRun) return await dryRun(cluster, target, workloads, progress);
    // Refuse `--phase` before taking the lease or writing a revision when an earlier phase is missing.
    if (options.phase) await checkPhasePrerequisites(cluster, plan, options.phase);
    const revisions = store ?? new RevisionStore(cluster.api, cluster.namespace);
    const all = history ?? (await revisions.list(name));
    const lock = new LeaseLock(cluster.api, cluster.namespace, `opdeploy-${name}`, options);
    const took = await lock.acquire();
    progress({ kind: "lease", message: took.tookOver ? `took over the stale lease of ${took.tookOver}` : `lease opdeploy-${name} acquired by ${lock.holderIdentity}` });
    try {
      // By content: `./plan.yaml`, an absolute path or an added comment is the same plan (plan-digest.ts).
      const digest = planDigest(target);
      const latest = all[all.length - 1];
      let revision: Revision;
      let resumeFrom: string[] = [];
      if (latest?.status === "deploying" && latest.digest === digest) {
        revision = latest;
        resumeFrom = [...new Set(latest.steps.filter((s) => s.status === "succeeded").map((s) => s.service))];
        manifests.shared.push(...latest.manifests.shared);
        Object.assign(manifests.services, latest.manifests.services);
        progress({ kind: "revision", message: `resuming revision ${latest.version}: ${resumeFrom.length} step(s) already done (${resumeFrom.join(", ") || "none"})` });
      } else {
        if (latest?.status === "deploying") {
          latest.status = "failed";
          latest.description = "interrupted; superseded by a deploy of a different plan";
          await revisions.save(latest);
        }
        revision = {
          plan: name,
          version: (latest?.version ?? 0) + 1,
          status: "deploying",
          updatedAt: "",
          description: `deploy of ${plan.file}`,
          holder: lock.holderIdentity,
          manifests,
          order: planOrder(target),
          steps: [],
          planJson: serializePlan(plan),
          digest,
        };
        await revisions.save(revision);
        progress({ kind: "revision", message: `revision ${revision.version} started` });
      }
      revision.holder = lock.holderIdentity;
      revision.manifests = manifests;
      // Serialize the per-step writes; the engine awaits each.
      let writes = Promise.resolve();
      const onStep = async (update: StepUpdate): Promise<void> => {
        const record: StepRecord = { phase: update.phase, batch: update.batch, service: update.service, status: update.status, t: update.t };
        if (update.message !== undefined) record.message = update.message;
        revision.steps.push(record);
        writes = writes.then(() => revisions.save(revision));
        await writes;
        lock.progress();
        progress({ kind: "step", message: `${update.service}: ${update.status}` });
        if (lock.lost) throw new DeployAbortedError(`deploy: lost the lock (${lock.lost}); stopping`);
        if (options.signal?.aborted) throw new DeployAbortedError();
      };
      let result: SimulationResult;
      try {
        const watchesTraffic = target.rollback.latency !== undefined || target.rollback.errorRate !== undefined;
        if (watchesTraffic && options.trafficMetrics !== false) {
          await cluster.sampleTraffic(target.services.values(), {
            ...(options.metricsSeconds !== undefined ? { intervalSeconds: options.metricsSeconds } : {}),
            ...(options.trafficMetrics ?? {}),
          });
        }
        try {
          result = await runRollout(cluster, plan, {
            onObserve: () => lock.progress(),
            ...(options.phase ? { phase: options.phase } : {}),
            workloads,
            ...(previous ? { previous } : {}),
            ...(from ? { from } : {}),
            resumeFrom,
            onStep,
            ...(options.settleSeconds !== undefined ? { settleSeconds: options.settleSeconds } : {}),
            ...(options.metricsSeconds !== undefined ? { metricsSeconds: options.metricsSeconds } : {}),
          });
        } finally {
          await cluster.stopTrafficSampling();
        }
      } catch (error) {
        if (error instanceof DeployAbortedError) {
          revision.description = `interrupted at ${new Date().toISOString()}: ${error.message}`;
          await revisions.save(revision);
          progress({ kind: "done", message: `revision ${revision.version} interrupted; run deploy again to resume` });
          return { verdict: "interrupted", plan: name, revision: revision.version, resumed: resumeFrom, dryRun: false };
        }
        revision.status = "failed";
        revision.description = `failed: ${error instanceof Error ? error.message : String(error)}`;
        await revisions.save(revision);
        throw error;
      }
      revision.status = result.verdict === "succeeded" ? "deployed" : result.verdict === "rolled-back" ? "rolled-back" : "failed";
      revision.description = result.failure ? `${result.verdict}: ${result.failure.message}` : "deployed";
      await revisions.save(revision);
      if (revision.status === "deployed") {
        for (const older of all) {
          if (older.status === "deployed" && older.version !== revision.version) {
            older.status = "superseded";
            await revisions.save(older);
          }
        }
      }
      progress({ kind: "done", message: `revision ${revision.version}: ${revision.status}` });
      return { verdict: result.verdict, plan: name, revision: revision.version, resumed: resumeFrom, dryRun: false, result };
    } finally {
      await lock.release().catch(() => undefined);
    }
  } finally {
    if (own) await cluster.close();
  }
}

async function resolveArguments(planOrOptions: Plan | (DeployOptions & { plan: string | Plan }), options: DeployOptions): Promise<[Plan, DeployOptions]> {
  if ("phases" in planOrOptions) return [planOrOptions, options];
  const { plan, ...rest } = planOrOptions;
  return [typeof plan === "string" ? await loadPlanFile(plan) : plan, { ...rest, ...options }];
}

function clusterOptions(options: DeployOptions, namespace: string): KubernetesClusterOptions {
  const o: KubernetesClusterOptions = { namespace };
  if (options.kubeconfig !== undefined) o.kubeconfig = options.kubeconfig;
  if (options.context !== undefined) o.context = options.context;
  if (options.dryRun) o.dryRun = true;
  return o;
}

/** Wraps a source so every object applied for a service of `plan` is recorded in the revision. */
export function recordingSource(source: WorkloadSource, plan: Plan, manifests: RevisionManifests): WorkloadSource {
  return (from, service) => {
    const spec = source(from, service);
    if (from !== plan) return spec;
    manifests.services[service.name] = structuredClone(spec.objects ?? []);
    for (const shared of spec.shared ?? []) {
      const at = manifests.shared.findIndex((o) => o.kind === shared.kind && o.metadata.name === shared.metadata.name);
      if (at >= 0) manifests.shared[at] = structuredClone(shared);
      else manifests.shared.push(structuredClone(shared));
    }
    return spec;
  };
}

/**
 * The previous revision's recorded objects as specs: what an automatic rollback restores, exactly
 * as `opdeploy rollback` does (shared objects included), not a re-render of an older plan.
 */
export function recordedSpecs(revision: Revision, plan: Plan | undefined): Map<string, WorkloadSpec> {
  const specs = new Map<string, WorkloadSpec>();
  for (const [name, objects] of Object.entries(revision.manifests.services)) {
    if (!objects.some((o) => o.kind === "Deployment" || o.kind === "StatefulSet")) continue;
    const service = plan?.services.get(name);
    specs.set(
      name,
      workloadFromObjects({
        name,
        objects,
        shared: revision.manifests.shared,
        expected: { startupSeconds: service?.startupSeconds ?? 0, usage: { memory: service?.usage.memory ?? 0, cpu: service?.usage.cpu ?? 0 } },
        dependsOn: service?.dependsOn ?? [],
      }),
    );
  }
  return specs;
}

function onlyPhase(plan: Plan, phase: string): Plan {
  const found = plan.phases.find((p) => p.name === phase);
  if (!found) throw new Error(`deploy: plan has no phase ${JSON.stringify(phase)} (phases: ${plan.phases.map((p) => p.name).join(", ")})`);
  return { ...plan, phases: [found] };
}

async function dryRun(cluster: KubernetesCluster, plan: Plan, workloads: WorkloadSource, progress: (p: DeployProgress) => void): Promise<DeployResult> {
  const objects: string[] = [];
  const applied = new Set<string>();
  for (const phase of plan.phases) {
    for (const batch of phase.batches) {
      for (const name of batch.services) {
        const service = plan.services.get(name);
        if (!service) continue;
        const spec = workloads(plan, service);
        for (const object of [...(spec.shared ?? []), ...(spec.objects ?? [])]) {
          const key = `${object.kind}/${object.metadata.name}`;
          if (applied.has(key)) continue;
          applied.add(key);
          await cluster.applyObject(structuredClone(object), { dryRun: true });
          objects.push(key);
          progress({ kind: "dry-run", message: `${key} accepted (server-side dry run)` });
        }
      }
    }
  }
  return { verdict: "succeeded", plan: planSlug(plan), resumed: [], dryRun: true, objects };
}

export { kubeName };
