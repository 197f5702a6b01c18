/**
 * `opdeploy rollback`: returns the cluster to an earlier revision. Services of the current
 * revision are handled in reverse dependency order (batches reversed): a service the target
 * revision also has gets the target's recorded manifests re-applied; one it lacks is removed —
 * workload and Services only, never a PersistentVolumeClaim. Bounded by its own timeout.
 * A successful rollback writes a new revision (status deployed, "rollback to vN"), as Helm does,
 * and marks the revision rolled back from `rolled-back`.
 */
import type { KubernetesObject } from "@openpolicy/core";
import type { KubernetesCluster } from "../cluster/kubernetes/kubernetes-cluster.js";
import { kubeName } from "../cluster/kubernetes/render-workload.js";
import { LeaseLock } from "./lease-lock.js";
import type { LeaseOptions } from "./lease-lock.js";
import type { Revision } from "./revisions.js";
import { RevisionStore } from "./revisions.js";

export interface RollbackOptions extends LeaseOptions {
  cluster: KubernetesCluster;
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
  services: { service: string; action: "restored" | "removed"; ok: boolean }[];
}

export async function rollbackPlan(options: RollbackOptions): Promise<RollbackOutcome> {
  const { cluster } = options;
  const progress = options.onProgress ?? (() => {});
  const store = new RevisionStore(cluster.api, cluster.namespace);
  const history = await store.list(options.plan);
  const current = history[history.length - 1];
  if (!current) throw new Error(`rollback: plan ${options.plan} has no revisions in namespace ${cluster.namespace}`);
  const target =
    options.toRevision !== undefined
      ? history.find((r) => r.version === options.toRevision)
      : [...history].reverse().find((r) => r.version < current.version && (r.status === "deployed" || r.status === "superseded"));
  if (options.toRevision !== undefined && !target) throw new Error(`rollback: plan ${options.plan} has no revision ${options.toRevision}`);
  const lock = new LeaseLock(cluster.api, cluster.namespace, `opdeploy-${options.plan}`, options);
  await lock.acquire();
  try {
    const deadline = Date.now() + (options.timeoutSeconds ?? 300) * 1000;
    const services: RollbackOutcome["services"] = [];
    for (const shared of target?.manifests.shared ?? []) await cluster.applyObject(structuredClone(shared));
    const groups = [...current.order].reverse();
    const known = new Set(groups.flat());
    // Services recorded but not in the order (e.g. older format) go last.
    const rest = Object.keys(current.manifests.services).filter((s) => !known.has(s));
    if (rest.length) groups.push(rest);
    let ok = true;
    for (const group of groups) {
      const touched = group.filter((s) => current.manifests.services[s] !== undefined || target?.manifests.services[s] !== undefined);
      if (touched.length === 0) continue;
      const restored = new Set<string>();
      const kept = new Set<string>();
      for (const service of touched) {
        const objects = target?.manifests.services[service];
        if (objects) {
          for (const object of objects) await cluster.applyObject(structuredClone(object) as KubernetesObject);
          restored.add(service);
        } else {
          const removed = await cluster.remove(service, { keepVolumes: true, owner: options.plan });
          if (!removed.removed) {
            kept.add(service);
            progress(`${service}: left alone — it belongs to plan ${removed.keptFor}`);
          }
        }
      }
      const remaining = (deadline - Date.now()) / 1000;
      const waited =
        remaining <= 0
          ? { done: false }
          : await cluster.waitFor((view) => {
              for (const service of touched) {
                if (kept.has(service)) continue;
                const w = view.workload(service) ?? view.workload(kubeName(service));
                if (restored.has(service) ? w?.status !== "Current" : w !== undefined) return undefined;
              }
              return true;
            }, remaining);
      for (const service of touched) {
        services.push({ service, action: restored.has(service) ? "restored" : "removed", ok: waited.done });
        progress(`${service}: ${restored.has(service) ? `restored to v${target?.version}` : "removed (volumes kept)"}${waited.done ? "" : " — did not settle in time"}`);
      }
      if (!waited.done) {
        ok = false;
        break;
      }
    }
    if (!ok) {
      current.description = `rollback${target ? ` to v${target.version}` : ""} did not complete before the timeout`;
      await store.save(current);
      return { verdict: "failed", from: current.version, ...(target ? { to: target.version } : {}), services };
    }
    current.status = "rolled-back";
    await store.save(current);
    let revision: number | undefined;
    if (target) {
      const next: Revision = {
        ...target,
        version: current.version + 1,
        status: "deployed",
        description: `rollback to v${target.version}`,
        holder: lock.holderIdentity,
        steps: [],
      };
      await store.save(next);
      revision = next.version;
      for (const r of history) {
        if (r.status === "deployed" && r.version !== current.version) {
          r.status = "superseded";
          await store.save(r);
        }
      }
    }
    return { verdict: "succeeded", from: current.version, ...(target ? { to: target.version } : {}), ...(revision !== undefined ? { revision } : {}), services };
  } finally {
    await lock.release().catch(() => undefined);
  }
}

/** Every revision of the plan, oldest first (`opdeploy history`). */
export async function listHistory(cluster: KubernetesCluster, plan: string): Promise<Revision[]> {
  return new RevisionStore(cluster.api, cluster.namespace).list(plan);
}
