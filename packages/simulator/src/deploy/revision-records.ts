/**
 * What a revision records and how it is read back: the plan it was made from, the objects applied
 * for each service (and the shared ones), and the order of the rollout. A rollback — automatic
 * during `deploy`, or `opdeploy rollback` — restores these recorded objects, never a re-render.
 */
import type { Plan } from "@openpolicy/core";
import type { WorkloadSource } from "../cluster/plan-workloads.js";
import type { WorkloadSpec } from "../cluster/workload-spec.js";
import { workloadFromObjects } from "../cluster/workload-from-objects.js";
import type { Revision, RevisionManifests } from "./revisions.js";

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

