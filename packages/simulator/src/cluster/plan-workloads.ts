/**
 * The specs the engine hands to a cluster, built from the objects a deploy applies: core's
 * renderer output (`opdeploy render`) for generated services, and for a service that names its own
 * `manifests:` the user's objects as written (its workload, the Services selecting it, the
 * ConfigMaps/Secrets/claims/ServiceAccount its pods name — core's `serviceObjects`), with only the
 * ownership labels added. The simulated cluster and the real one get the same spec, so a rehearsal
 * runs the very objects a deploy applies (`workloadFromObjects`). A service whose files were not
 * given (or hold no workload for it) gets minimal objects built from its plan figures.
 */
import type { KubernetesObject, Plan, RenderOptions, Service } from "@openpolicy/core";
import type { ManifestText } from "@openpolicy/core";
import { PRIORITY_CLASSES_FILE, parseManifests, renderManifests, serviceManifestPath, serviceObjects } from "@openpolicy/core";
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
  /** The files services name in `manifests:`, as read (`PlanDocument.manifests`). */
  manifests?: readonly ManifestText[];
}

interface Rendered {
  files: Map<string, KubernetesObject[]>;
  specs: Map<string, WorkloadSpec>;
  /** The user's objects per service that names its own manifests (and has a workload there). */
  userObjects: Map<string, KubernetesObject[]>;
}

function userObjectsOf(plan: Plan, manifests: readonly ManifestText[] | undefined): Map<string, KubernetesObject[]> {
  const out = new Map<string, KubernetesObject[]>();
  if (!manifests || manifests.length === 0) return out;
  const { objects } = parseManifests(manifests);
  const claimed = new Set<string>();
  for (const service of plan.services.values()) {
    if (service.manifests.length === 0) continue;
    const own = serviceObjects(service, objects, claimed);
    if (own) out.set(service.name, own);
  }
  return out;
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
      rendered = { files, specs: new Map(), userObjects: userObjectsOf(plan, options.manifests) };
      cache.set(plan, rendered);
    }
    const known = rendered.specs.get(service.name);
    if (known && plan.services.get(service.name) === service) return known;
    const spec = buildSpec(rendered, service, options.namespace ?? plan.namespace, planSlug(plan));
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

/** The expanded list for the rehearsal, and the list as written ("*" kept) for the annotation. */
function dependencies(service: Service): { dependsOn: readonly string[]; dependsOnWritten: readonly string[] } {
  return { dependsOn: service.dependsOn, dependsOnWritten: service.dependsOnAll ? [...service.dependsOnNamed, "*"] : service.dependsOn };
}

function buildSpec({ files, userObjects }: Rendered, service: Service, namespace: string, owner: string): WorkloadSpec {
  const expected = { startupSeconds: service.startupSeconds, usage: { memory: service.usage.memory, cpu: service.usage.cpu } };
  const own = files.get(serviceManifestPath(service.name));
  if (own) {
    // Shared: the connections ConfigMap, and the PriorityClass the pods name (if any).
    const priorityClass = (files.get(PRIORITY_CLASSES_FILE) ?? []).filter((o) => o.value === service.priority);
    const shared = [...(files.get(CONNECTIONS_FILE_NAME) ?? []), ...priorityClass];
    return workloadFromObjects({ name: service.name, objects: own, shared, expected, ...dependencies(service), owner });
  }
  const users = userObjects.get(service.name);
  if (users) {
    for (const object of users) object.metadata = { ...object.metadata, namespace };
    return workloadFromObjects({ name: service.name, objects: users, shared: [], expected, ...dependencies(service), owner });
  }
  // The user's files were not given: minimal objects from the plan's figures.
  const minimal = renderWorkloadSpec(workloadFromService(service), namespace);
  return workloadFromObjects({ name: service.name, objects: minimal.objects, shared: minimal.shared, expected, ...dependencies(service), owner });
}
