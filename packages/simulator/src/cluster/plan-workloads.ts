/**
 * The specs the engine hands to a cluster, built from the objects `opdeploy render` writes for a
 * plan (core's `renderManifests`). The simulated cluster and the real one get the same spec, so a
 * rehearsal runs the very objects a deploy applies (`workloadFromObjects`). A service that names
 * its own `manifests:` is not rendered by core; until those objects are deployed as written, it
 * gets the minimal objects built from its plan figures (`renderWorkloadSpec`).
 */
import type { KubernetesObject, Plan, RenderOptions, Service } from "@openpolicy/core";
import { PRIORITY_CLASSES_FILE, renderManifests, serviceManifestPath } from "@openpolicy/core";
import { CONNECTIONS_FILE_NAME, renderWorkloadSpec } from "./kubernetes/render-workload.js";
import type { WorkloadSpec } from "./workload-spec.js";
import { workloadFromService } from "./workload-spec.js";
import { workloadFromObjects } from "./workload-from-objects.js";
import { planSlug } from "../deploy/plan-slug.js";

/** The spec to apply for `service` of `plan`. */
export type WorkloadSource = (plan: Plan, service: Service) => WorkloadSpec;

export interface PlanWorkloadOptions extends Omit<RenderOptions, "namespace"> {
  /** Namespace the objects are rendered for; default: each plan's own. */
  namespace?: string;
}

interface Rendered {
  files: Map<string, KubernetesObject[]>;
  specs: Map<string, WorkloadSpec>;
}

/**
 * A source that renders each plan once and builds each service's spec once (specs are shared and
 * must not be mutated: clusters copy what they keep).
 */
export function planWorkloads(options: PlanWorkloadOptions = {}): WorkloadSource {
  const cache = new WeakMap<Plan, Rendered>();
  return (plan, service) => {
    let rendered = cache.get(plan);
    if (!rendered) {
      const files = new Map(renderManifests(plan, { ...options, namespace: options.namespace ?? plan.namespace }).map((m) => [m.path, m.objects as KubernetesObject[]]));
      rendered = { files, specs: new Map() };
      cache.set(plan, rendered);
    }
    const known = rendered.specs.get(service.name);
    if (known && plan.services.get(service.name) === service) return known;
    const spec = buildSpec(rendered.files, service, options.namespace ?? plan.namespace, planSlug(plan));
    if (plan.services.get(service.name) === service) rendered.specs.set(service.name, spec);
    return spec;
  };
}

let shared: WorkloadSource | undefined;

/**
 * The source for plans rendered in their own namespace with default options, shared by every
 * rehearsal in the process: repeated runs of one plan (`--runs`, benchmarks) render it once.
 * Entries go with their plan (a WeakMap).
 */
export function defaultPlanWorkloads(): WorkloadSource {
  shared ??= planWorkloads();
  return shared;
}

function buildSpec(files: Map<string, KubernetesObject[]>, service: Service, namespace: string, owner: string): WorkloadSpec {
  const expected = { startupSeconds: service.startupSeconds, usage: { memory: service.usage.memory, cpu: service.usage.cpu } };
  const own = files.get(serviceManifestPath(service.name));
  if (own) {
    // Shared: the connections ConfigMap, and the PriorityClass the pods name (if any).
    const priorityClass = (files.get(PRIORITY_CLASSES_FILE) ?? []).filter((o) => o.value === service.priority);
    const shared = [...(files.get(CONNECTIONS_FILE_NAME) ?? []), ...priorityClass];
    return workloadFromObjects({ name: service.name, objects: own, shared, expected, dependsOn: service.dependsOn, owner });
  }
  // The user supplies this service's manifests: minimal objects from the plan's figures.
  const minimal = renderWorkloadSpec(workloadFromService(service), namespace);
  return workloadFromObjects({ name: service.name, objects: minimal.objects, shared: minimal.shared, expected, dependsOn: service.dependsOn, owner });
}
