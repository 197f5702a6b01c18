/**
 * `opdeploy rollback`: returns the cluster to an earlier revision through the same restore as an
 * automatic rollback (engine/restore.ts): services of the current revision in reverse rollout
 * order; one the target revision has gets the target's recorded objects (shared ones included)
 * re-applied; one it lacks is removed — workload and Services only, never a PersistentVolumeClaim,
 * never another plan's workload. Bounded by its own timeout. A successful rollback writes a new
 * revision (status deployed, "rollback to vN"), as Helm does, and marks the one rolled back from
 * `rolled-back`. Runs on any `Cluster` with a `DeployState` (Secrets + Lease on Kubernetes).
 */
import type { Cluster } from "../cluster/cluster.js";
import { restoreServices } from "../engine/restore.js";
import type { DeployState } from "./deploy-state.js";
import { deployStateOf } from "./kubernetes-state.js";
import type { LeaseOptions } from "./lease-lock.js";
import { deserializePlan, recordedSpecs } from "./revision-records.js";
import type { Revision } from "./revisions.js";

export interface RollbackOptions extends LeaseOptions {
  cluster: Cluster;
  /** History and lock; default: Secrets and a Lease of a Kubernetes cluster. */
  state?: DeployState;
  /** Plan name (slug) whose history to use. */
  plan: string;
  /** Revision to return to; default: the newest deployed/superseded revision before the latest. */
  toRevision?: number;
  timeoutSeconds?: number;
  onProgress?: (message: string) => void;
}

export interface RollbackOutcome {
  verdict: "succeeded" | "failed";
  from: number;
  to?: number;
  revision?: number;
  services: { service: string; action: "restored" | "removed" | "unchanged" | "kept"; ok: boolean }[];
}

function stateOf(options: RollbackOptions): DeployState {
  return options.state ?? deployStateOf(options.cluster, "rollback", options);
}

export async function rollbackPlan(options: RollbackOptions): Promise<RollbackOutcome> {
  const { cluster } = options;
  const progress = options.onProgress ?? (() => {});
  const state = stateOf(options);
  const history = await state.revisions.list(options.plan);
  const current = history[history.length - 1];
  if (!current) throw new Error(`rollback: plan ${options.plan} has no revisions${"namespace" in cluster ? ` in namespace ${String((cluster as { namespace: string }).namespace)}` : ""}`);
  const target =
    options.toRevision !== undefined
      ? history.find((r) => r.version === options.toRevision)
      : [...history].reverse().find((r) => r.version < current.version && (r.status === "deployed" || r.status === "superseded"));
  if (options.toRevision !== undefined && !target) throw new Error(`rollback: plan ${options.plan} has no revision ${options.toRevision}`);
  const lock = state.lease(`opdeploy-${options.plan}`, options.holderIdentity !== undefined ? { holderIdentity: options.holderIdentity } : {});
  await lock.acquire();
  try {
    const specs = target ? recordedSpecs(target, target.planJson ? deserializePlan(target.planJson) : undefined) : new Map();
    const restored = await restoreServices(cluster, rollbackGroups(current), {
      previous: (name) => specs.get(name),
      owner: options.plan,
      deadline: cluster.now() + (options.timeoutSeconds ?? 300),
      onService: ({ service, action, ok, keptFor }) => {
        lock.progress();
        const what = { restored: `restored to v${target?.version}`, unchanged: `already at v${target?.version}`, removed: "removed (volumes kept)", kept: `left alone — it belongs to plan ${keptFor}` }[action];
        progress(`${service}: ${what}${ok ? "" : " — did not settle in time"}`);
      },
    });
    const services = restored.services.map(({ service, action, ok }) => ({ service, action, ok }));
    if (!restored.completed) {
      current.description = `rollback${target ? ` to v${target.version}` : ""} did not complete before the timeout`;
      await state.revisions.save(current);
      return { verdict: "failed", from: current.version, ...(target ? { to: target.version } : {}), services };
    }
    current.status = "rolled-back";
    await state.revisions.save(current);
    const revision = target ? await recordRollback(state, history, current, target, lock.holderIdentity) : undefined;
    return { verdict: "succeeded", from: current.version, ...(target ? { to: target.version } : {}), ...(revision !== undefined ? { revision } : {}), services };
  } finally {
    await lock.release().catch(() => undefined);
  }
}

/** The current revision's services, in reverse rollout order; recorded ones outside the order last. */
function rollbackGroups(current: Revision): string[][] {
  const groups = [...current.order].reverse().map((g) => [...g]);
  const known = new Set(groups.flat());
  const rest = Object.keys(current.manifests.services).filter((s) => !known.has(s));
  if (rest.length) groups.push(rest);
  return groups.map((g) => g.filter((s) => current.manifests.services[s] !== undefined)).filter((g) => g.length > 0);
}

/** The rollback as a new revision (deployed), the others deployed before it superseded. */
async function recordRollback(state: DeployState, history: Revision[], current: Revision, target: Revision, holder: string): Promise<number> {
  const next: Revision = { ...target, version: current.version + 1, status: "deployed", description: `rollback to v${target.version}`, holder, steps: [] };
  await state.revisions.save(next);
  for (const r of history) {
    if (r.status === "deployed" && r.version !== current.version) {
      r.status = "superseded";
      await state.revisions.save(r);
    }
  }
  return next.version;
}

/** Every revision of the plan, oldest first (`opdeploy history`). */
export async function listHistory(cluster: Cluster, plan: string, state?: DeployState): Promise<Revision[]> {
  return stateOf({ cluster, plan, ...(state ? { state } : {}) }).revisions.list(plan);
}
