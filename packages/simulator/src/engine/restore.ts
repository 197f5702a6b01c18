/**
 * The one restore: how both an automatic rollback (the engine, when a step, gate or trigger fails)
 * and `opdeploy rollback` return services to an earlier revision. Groups go in the order given (the
 * reverse of the rollout's); inside a group, each service is re-applied at its recorded spec — a
 * no-op when it is already there — or, when the earlier revision did not have it, removed with its
 * volumes kept. A workload owned by another plan is left alone. Each group is waited for (restored
 * ones Current, removed ones gone) within the deadline before the next starts.
 */
import type { Cluster } from "../cluster/cluster.js";
import type { WorkloadSpec } from "../cluster/workload-spec.js";

export type RestoreAction = "restored" | "unchanged" | "removed" | "kept";

export interface RestoredService {
  service: string;
  action: RestoreAction;
  /** Settled before the deadline. */
  ok: boolean;
  /** `kept`: the plan that owns it. */
  keptFor?: string;
}

export interface RestoreOptions {
  /** The spec to return `name` to; undefined: the earlier revision did not have it (remove it). */
  previous: (name: string) => WorkloadSpec | undefined;
  /** Plan slug: only its own workloads are removed. */
  owner: string;
  /** Cluster time (`cluster.now()`) by which every group must have settled. */
  deadline: number;
  /** After each group, per service, in order. */
  onService?: (restored: RestoredService) => void | Promise<void>;
}

export async function restoreServices(cluster: Cluster, groups: readonly (readonly string[])[], options: RestoreOptions): Promise<{ services: RestoredService[]; completed: boolean }> {
  const services: RestoredService[] = [];
  for (const group of groups) {
    const actions = new Map<string, { action: RestoreAction; keptFor?: string }>();
    for (const name of group) {
      const spec = options.previous(name);
      if (spec) {
        const applied = await cluster.apply(spec);
        actions.set(name, { action: applied.changed ? "restored" : "unchanged" });
      } else {
        const removed = await cluster.remove(name, { keepVolumes: true, owner: options.owner });
        actions.set(name, removed.removed ? { action: "removed" } : { action: "kept", ...(removed.keptFor !== undefined ? { keptFor: removed.keptFor } : {}) });
      }
    }
    const remaining = options.deadline - cluster.now();
    const waited =
      remaining < 0
        ? { done: false }
        : await cluster.waitFor((view) => {
            for (const name of group) {
              const { action } = actions.get(name)!;
              if (action === "kept") continue;
              const w = view.workload(name);
              if (action === "removed" ? w !== undefined : w?.status !== "Current") return undefined;
            }
            return true;
          }, remaining);
    for (const name of group) {
      const { action, keptFor } = actions.get(name)!;
      const restored: RestoredService = { service: name, action, ok: waited.done };
      if (keptFor !== undefined) restored.keptFor = keptFor;
      services.push(restored);
      await options.onService?.(restored);
    }
    if (!waited.done) return { services, completed: false };
  }
  return { services, completed: true };
}
