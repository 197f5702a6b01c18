/**
 * `opdeploy deploy`: runs the plan through the rollout engine on any `Cluster` — a real one, or
 * the simulated one in tests and rehearsals — recording a revision after every step and holding
 * the plan's lease (deploy-state.ts: Secrets and a Lease on Kubernetes, memory elsewhere).
 *
 * - A new deploy writes revision N+1 with status `deploying`; at the end it becomes `deployed`
 *   (the previous deployed one `superseded`), `rolled-back` or `failed`.
 * - Resume: when the latest revision is still `deploying` and nobody holds the lease (its holder
 *   was killed or interrupted), and it was made from the same plan (by content: plan-digest.ts),
 *   the deploy continues it: the services whose steps succeeded are not applied again.
 * - Automatic rollback restores the last deployed revision's recorded objects (revision-records.ts).
 * - `--phase`: refused before the lease is taken when an earlier phase is not in place; the new
 *   revision records the whole deployed state (the last revision's objects, then this phase's).
 * - Dry run (real clusters): every object is a server-side dry run (`dryRun=All`); no revision, no lease.
 * - `signal` (SIGINT/SIGTERM): the rollout stops at the next step boundary, the revision keeps its
 *   completed steps (resumable), the lease is released.
 */
import type { ManifestText, Plan } from "@openpolicy/core";
import { loadPlanFile } from "@openpolicy/core";
import type { Cluster } from "../cluster/cluster.js";
import type { KubernetesCluster, KubernetesClusterOptions } from "../cluster/kubernetes/kubernetes-cluster.js";
import type { TrafficSamplerOptions } from "../cluster/kubernetes/traffic-metrics.js";
import type { WorkloadSource } from "../cluster/plan-workloads.js";
import { planWorkloads } from "../cluster/plan-workloads.js";
import type { SimulationResult } from "../engine/result.js";
import type { StepUpdate } from "../engine/run-rollout.js";
import { runRollout } from "../engine/run-rollout.js";
import { phaseTimeoutSeconds } from "../engine/expected-durations.js";
import { checkPhasePrerequisites } from "../engine/phase-prerequisites.js";
import type { DeployLease, DeployState, RevisionStorage } from "./deploy-state.js";
import type { LeaseOptions } from "./lease-lock.js";
import { planDigest } from "./plan-digest.js";
import { planSlug } from "./plan-slug.js";
import type { PhaseComparison } from "../report/compare-rollouts.js";
import { compareRollouts } from "../report/compare-rollouts.js";
import { deserializePlan, planOrder, recordedSpecs, recordingSource, serializePlan } from "./revision-records.js";
import type { Revision, RevisionManifests, StepRecord } from "./revisions.js";

export { deserializePlan, planOrder, recordedSpecs, recordingSource, serializePlan } from "./revision-records.js";

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
  /** An open cluster (CLI, tests: a KubernetesCluster or a SimulatedCluster); else one is connected from kubeconfig/context/namespace. */
  cluster?: Cluster;
  /** History and lock; default: Secrets and a Lease for a Kubernetes cluster, required for others. */
  state?: DeployState;
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
  /**
   * Rehearse the same rollout on a simulated cluster first (from the last revision's recorded
   * objects) and report both side by side. Default: on for a real cluster, off otherwise.
   */
  rehearse?: boolean;
  /** The files services name in `manifests:` (`PlanDocument.manifests`): those services deploy the user's objects. */
  manifests?: readonly ManifestText[];
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
  /** The rehearsal of this rollout (same plan, objects and engine) and, per phase, both side by side. */
  rehearsal?: SimulationResult;
  comparison?: PhaseComparison[];
}

/** A real cluster: the only kind that has a server-side dry run and synthetic traffic. */
function asKubernetes(cluster: Cluster): KubernetesCluster | undefined {
  return "applyObject" in cluster && "api" in cluster ? (cluster as KubernetesCluster) : undefined;
}

/** The namespace objects are rendered for. */
function namespaceOf(cluster: Cluster, plan: Plan): string {
  return asKubernetes(cluster)?.namespace ?? plan.namespace;
}

/** Accepts `deployPlan(plan, options)` or the GitHub Action's `deployPlan({ plan: path, kubeconfig, context, namespace })`. */
export async function deployPlan(planOrOptions: Plan | (DeployOptions & { plan: string | Plan }), maybeOptions: DeployOptions = {}): Promise<DeployResult> {
  const [plan, options] = await resolveArguments(planOrOptions, maybeOptions);
  const own = options.cluster === undefined;
  const cluster = options.cluster ?? (await connect(options, options.namespace ?? plan.namespace));
  try {
    const workloads = planWorkloads({ namespace: namespaceOf(cluster, plan), ...(options.manifests ? { manifests: options.manifests } : {}) });
    if (options.dryRun) return await dryRun(cluster, options.phase ? onlyPhase(plan, options.phase) : plan, workloads, options.onProgress ?? (() => {}));
    // Refuse `--phase` before taking the lease or writing a revision when an earlier phase is missing.
    if (options.phase) await checkPhasePrerequisites(cluster, plan, options.phase);
    const state = options.state ?? (await import("./kubernetes-state.js")).deployStateOf(cluster, "deploy", options);
    return await deployWithState(cluster, plan, options, state, workloads);
  } finally {
    if (own) await cluster.close();
  }
}

async function deployWithState(cluster: Cluster, plan: Plan, options: DeployOptions, state: DeployState, source: WorkloadSource): Promise<DeployResult> {
  const progress = options.onProgress ?? (() => {});
  const name = planSlug(plan);
  const lock = state.lease(`opdeploy-${name}`, options.holderIdentity !== undefined ? { holderIdentity: options.holderIdentity } : {});
  const took = await lock.acquire();
  progress({ kind: "lease", message: took.tookOver ? `took over the stale lease of ${took.tookOver}` : `lease opdeploy-${name} acquired by ${lock.holderIdentity}` });
  try {
    const all = await state.revisions.list(name);
    const lastDeployed = [...all].reverse().find((r) => r.status === "deployed");
    const from = lastDeployed?.planJson ? deserializePlan(lastDeployed.planJson) : undefined;
    const target = options.phase ? onlyPhase(plan, options.phase) : plan;
    const { revision, resumeFrom, manifests } = await openRevision(state.revisions, all, plan, target, options, lock, lastDeployed, progress);
    const workloads = recordingSource(source, plan, manifests);
    const previous = lastDeployed ? recordedSpecs(lastDeployed, from) : new Map();
    let result: SimulationResult;
    try {
      result = await rolloutWithTraffic(cluster, plan, target, options, {
        ...(options.phase ? { phase: options.phase } : {}),
        workloads,
        previous,
        ...(from ? { from } : {}),
        resumeFrom,
        onStep: stepRecorder(state.revisions, revision, lock, options, progress),
        onObserve: () => lock.progress(),
      });
    } catch (error) {
      if (error instanceof DeployAbortedError) {
        revision.description = `interrupted at ${new Date().toISOString()}: ${error.message}`;
        await state.revisions.save(revision);
        progress({ kind: "done", message: `revision ${revision.version} interrupted; run deploy again to resume` });
        return { verdict: "interrupted", plan: name, revision: revision.version, resumed: resumeFrom, dryRun: false };
      }
      revision.status = "failed";
      revision.description = `failed: ${error instanceof Error ? error.message : String(error)}`;
      await state.revisions.save(revision);
      throw error;
    }
    await closeRevision(state.revisions, all, revision, result);
    progress({ kind: "done", message: `revision ${revision.version}: ${revision.status}` });
    const out: DeployResult = { verdict: result.verdict, plan: name, revision: revision.version, resumed: resumeFrom, dryRun: false, result };
    if (options.rehearse ?? asKubernetes(cluster) !== undefined) {
      try {
        const rehearsal = await rehearse(plan, options.phase, lastDeployed, from);
        out.rehearsal = rehearsal;
        out.comparison = compareRollouts(rehearsal, result);
      } catch (error) {
        // The deploy happened; a rehearsal that cannot be set up (e.g. `--phase` with no recorded
        // earlier phases) only costs the comparison.
        progress({ kind: "done", message: `no rehearsal to compare with: ${error instanceof Error ? error.message : String(error)}` });
      }
    }
    return out;
  } finally {
    await lock.release().catch(() => undefined);
  }
}

/** Resumes the interrupted revision made from the same plan, or starts revision N+1. */
async function openRevision(
  revisions: RevisionStorage,
  all: Revision[],
  plan: Plan,
  target: Plan,
  options: DeployOptions,
  lock: DeployLease,
  lastDeployed: Revision | undefined,
  progress: (p: DeployProgress) => void,
): Promise<{ revision: Revision; resumeFrom: string[]; manifests: RevisionManifests }> {
  const digest = planDigest(target);
  const latest = all[all.length - 1];
  const manifests: RevisionManifests = { shared: [], services: {} };
  if (latest?.status === "deploying" && latest.digest === digest) {
    const resumeFrom = [...new Set(latest.steps.filter((s) => s.status === "succeeded").map((s) => s.service))];
    manifests.shared.push(...latest.manifests.shared);
    Object.assign(manifests.services, latest.manifests.services);
    latest.holder = lock.holderIdentity;
    latest.manifests = manifests;
    progress({ kind: "revision", message: `resuming revision ${latest.version}: ${resumeFrom.length} step(s) already done (${resumeFrom.join(", ") || "none"})` });
    return { revision: latest, resumeFrom, manifests };
  }
  if (latest?.status === "deploying") {
    latest.status = "failed";
    latest.description = "interrupted; superseded by a deploy of a different plan";
    await revisions.save(latest);
  }
  // One phase: the revision still describes everything deployed (the earlier phases' objects).
  if (options.phase && lastDeployed) {
    manifests.shared.push(...structuredClone(lastDeployed.manifests.shared));
    Object.assign(manifests.services, structuredClone(lastDeployed.manifests.services));
  }
  const revision: Revision = {
    plan: planSlug(plan),
    version: (latest?.version ?? 0) + 1,
    status: "deploying",
    updatedAt: "",
    description: `deploy of ${plan.file}${options.phase ? ` (phase ${options.phase})` : ""}`,
    holder: lock.holderIdentity,
    manifests,
    order: planOrder(options.phase ? plan : target),
    steps: [],
    planJson: serializePlan(plan),
    digest,
  };
  await revisions.save(revision);
  progress({ kind: "revision", message: `revision ${revision.version} started` });
  return { revision, resumeFrom: [], manifests };
}

/** Persists each step (writes serialized), keeps the lease alive, stops on interrupt or lost lease. */
function stepRecorder(
  revisions: RevisionStorage,
  revision: Revision,
  lock: DeployLease,
  options: DeployOptions,
  progress: (p: DeployProgress) => void,
): (update: StepUpdate) => Promise<void> {
  let writes = Promise.resolve();
  return async (update) => {
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
}

/** The rollout, with synthetic traffic for the latency / error-rate triggers on a real cluster. */
async function rolloutWithTraffic(
  cluster: Cluster,
  plan: Plan,
  target: Plan,
  options: DeployOptions,
  rollout: Parameters<typeof runRollout>[2],
): Promise<SimulationResult> {
  const real = asKubernetes(cluster);
  const watchesTraffic = target.rollback.latency !== undefined || target.rollback.errorRate !== undefined;
  if (real && watchesTraffic && options.trafficMetrics !== false) {
    await real.sampleTraffic(target.services.values(), {
      ...(options.metricsSeconds !== undefined ? { intervalSeconds: options.metricsSeconds } : {}),
      ...(options.trafficMetrics ?? {}),
    });
  }
  try {
    return await runRollout(cluster, plan, {
      ...rollout,
      // On a real cluster a phase running far past its expected: upper bound fails (expected-durations.ts).
      ...(real ? { phaseTimeoutSeconds } : {}),
      ...(options.settleSeconds !== undefined ? { settleSeconds: options.settleSeconds } : {}),
      ...(options.metricsSeconds !== undefined ? { metricsSeconds: options.metricsSeconds } : {}),
    });
  } finally {
    await real?.stopTrafficSampling();
  }
}

async function closeRevision(revisions: RevisionStorage, all: Revision[], revision: Revision, result: SimulationResult): Promise<void> {
  revision.status = result.verdict === "succeeded" ? "deployed" : result.verdict === "rolled-back" ? "rolled-back" : "failed";
  revision.description = result.failure ? `${result.verdict}: ${result.failure.message}` : "deployed";
  if (result.failure?.diagnosis) revision.diagnosis = result.failure.diagnosis;
  await revisions.save(revision);
  if (revision.status !== "deployed") return;
  for (const older of all) {
    if (older.status === "deployed" && older.version !== revision.version) {
      older.status = "superseded";
      await revisions.save(older);
    }
  }
}

async function resolveArguments(planOrOptions: Plan | (DeployOptions & { plan: string | Plan }), options: DeployOptions): Promise<[Plan, DeployOptions]> {
  if ("phases" in planOrOptions) return [planOrOptions, options];
  const { plan, ...rest } = planOrOptions;
  return [typeof plan === "string" ? await loadPlanFile(plan) : plan, { ...rest, ...options }];
}

/** Connects to the cluster of kubeconfig/context (loaded lazily: the simulator stays pure). */
async function connect(options: DeployOptions, namespace: string): Promise<Cluster> {
  const { KubernetesCluster } = await import("../cluster/kubernetes/kubernetes-cluster.js");
  const o: KubernetesClusterOptions = { namespace };
  if (options.kubeconfig !== undefined) o.kubeconfig = options.kubeconfig;
  if (options.context !== undefined) o.context = options.context;
  if (options.dryRun) o.dryRun = true;
  return KubernetesCluster.connect(o);
}

/** Revision Secrets and a Lease in the cluster's namespace. */
/**
 * The rollout on a simulated cluster of the plan's declared nodes, starting from the last
 * revision's recorded objects: what `simulate --from` would have said of this deploy.
 */
async function rehearse(plan: Plan, phase: string | undefined, lastDeployed: Revision | undefined, from: Plan | undefined): Promise<SimulationResult> {
  const { SimulatedCluster } = await import("../cluster/simulated/simulated-cluster.js");
  const { simulatedNodes } = await import("../simulate.js");
  const cluster = new SimulatedCluster({ nodes: simulatedNodes(plan), seed: 1, overhead: plan.cluster.overhead, name: plan.name, namespace: plan.namespace });
  const previous = lastDeployed ? recordedSpecs(lastDeployed, from) : new Map();
  cluster.preload([...previous.values()]);
  return runRollout(cluster, plan, { seed: 1, previous, ...(from ? { from } : {}), ...(phase ? { phase } : {}) });
}

function onlyPhase(plan: Plan, phase: string): Plan {
  const found = plan.phases.find((p) => p.name === phase);
  if (!found) throw new Error(`deploy: plan has no phase ${JSON.stringify(phase)} (phases: ${plan.phases.map((p) => p.name).join(", ")})`);
  return { ...plan, phases: [found] };
}

async function dryRun(cluster: Cluster, plan: Plan, workloads: WorkloadSource, progress: (p: DeployProgress) => void): Promise<DeployResult> {
  const real = asKubernetes(cluster);
  if (!real) throw new Error("deploy: a dry run needs a Kubernetes API server (use simulate to rehearse)");
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
          await real.applyObject(structuredClone(object), { dryRun: true });
          objects.push(key);
          progress({ kind: "dry-run", message: `${key} accepted (server-side dry run)` });
        }
      }
    }
  }
  return { verdict: "succeeded", plan: planSlug(plan), resumed: [], dryRun: true, objects };
}

export { kubeName } from "../cluster/kubernetes/render-workload.js";
