/**
 * What the Kubernetes API server would refuse, found before anything runs (issue 9): names that
 * have no Kubernetes form or collide once folded into one, rollout bounds the Deployment
 * validation rejects, and phases naming services the plan does not have (the rollout would fail
 * half-way, after deploying the services listed before them).
 */
import { dnsLabel, planSlug } from "../render/names.js";
import { didYouMean } from "./did-you-mean.js";
import type { PathSegment } from "./locate.js";
import { formatBytes, formatMillicores } from "../quantity/index.js";
import type { Cluster, Plan, RollingUpdate, Service } from "./model.js";
import type { PhaseParsed } from "./schema.js";

export interface ApiRuleContext {
  /** Whether `namespace` was written (otherwise it is the plan name, checked as such). */
  namespaceGiven: boolean;
  /** The phases as written, so a problem names the exact list entry. */
  phases: readonly PhaseParsed[];
  problem(path: PathSegment[], message: string): void;
}

/** At most this many unknown names get a "did you mean": each search runs over every name. */
const MAX_HINTS = 50;

/**
 * The name of every node of the cluster, group by group: a group's own name when it has one node,
 * `<name>-<n>` when it has several, `node-<n>` (numbered across unnamed groups) without a name.
 * The simulated cluster and fault targets use these names.
 */
export function clusterNodeNames(cluster: Pick<Cluster, "nodes">): string[][] {
  let unnamed = 0;
  return cluster.nodes.map((group) =>
    Array.from({ length: group.count }, (_, i) => (group.name ? (group.count === 1 ? group.name : `${group.name}-${i + 1}`) : `node-${++unnamed}`)),
  );
}

export function checkApiRules(plan: Plan, ctx: ApiRuleContext): void {
  checkPlanNames(plan, ctx);
  checkNodeNames(plan, ctx);
  checkServiceNames(plan, ctx);
  for (const service of plan.services.values()) {
    checkLimitsCoverRequests(service, ctx);
    if (service.kind === "Deployment" && service.strategy === "RollingUpdate") {
      checkRollingUpdate(service.rollingUpdate, ["services", service.name, "rollingUpdate"], ctx);
    }
  }
  checkPhaseServices(plan, ctx);
}

/** The renderer's folding (render/names.ts), or undefined when nothing of the name is left. */
function folded(text: string, fold: (text: string) => string = dnsLabel): string | undefined {
  try {
    return fold(text);
  } catch {
    return undefined;
  }
}

const NO_FORM =
  "has no Kubernetes form: object names are DNS-1123 labels (lowercase letters, digits and '-'; apimachinery IsDNS1123Label), " +
  "other characters are folded into '-', and nothing of this name is left; use letters or digits";

function checkPlanNames(plan: Plan, ctx: ApiRuleContext): void {
  if (folded(plan.name, (name) => planSlug({ ...plan, name })) === undefined) {
    ctx.problem(["name"], `the plan name ${JSON.stringify(plan.name)} ${NO_FORM}`);
  }
  if (ctx.namespaceGiven && folded(plan.namespace) === undefined) {
    ctx.problem(["namespace"], `the namespace ${JSON.stringify(plan.namespace)} ${NO_FORM}`);
  }
}

/** Node names must be unique (a cluster cannot hold two nodes of one name) and have a Kubernetes form. */
function checkNodeNames(plan: Plan, ctx: ApiRuleContext): void {
  const groupOf = new Map<string, number>();
  clusterNodeNames(plan.cluster).forEach((names, group) => {
    const path = ["cluster", "nodes", group, "name"];
    const written = plan.cluster.nodes[group]!.name;
    if (written !== undefined && folded(written) === undefined) ctx.problem(path, `the node name ${JSON.stringify(written)} ${NO_FORM}`);
    for (const name of names) {
      const other = groupOf.get(name);
      if (other !== undefined && other !== group) {
        ctx.problem(path, `two nodes would be named ${JSON.stringify(name)} (node groups ${other + 1} and ${group + 1}); give the groups different names`);
        return;
      }
      groupOf.set(name, group);
    }
  });
}

/**
 * Every service becomes objects named after it (Deployment or StatefulSet, Service, and for a
 * StatefulSet the headless `<name>-headless` Service), through the same folding; two services
 * whose names fold alike (`Web` and `web`, `api.v1` and `api_v1`) would overwrite each other.
 */
function checkServiceNames(plan: Plan, ctx: ApiRuleContext): void {
  const owners = new Map<string, string>();
  const claim = (label: string, name: string, what: string): void => {
    const owner = owners.get(label);
    if (owner === undefined) {
      owners.set(label, name);
    } else if (owner !== name) {
      ctx.problem(
        ["services", name],
        `services ${JSON.stringify(owner)} and ${JSON.stringify(name)} would both be named ${JSON.stringify(label)} in Kubernetes${what} ` +
          "(object names are lowercase DNS-1123 labels, and the renderer folds other characters into '-'); rename one of them",
      );
    }
  };
  for (const service of plan.services.values()) {
    const label = folded(service.name);
    if (label === undefined) {
      ctx.problem(["services", service.name], `the service name ${JSON.stringify(service.name)} ${NO_FORM}`);
      continue;
    }
    claim(label, service.name, "");
  }
  for (const service of plan.services.values()) {
    if (service.kind !== "StatefulSet") continue;
    const headless = folded(`${service.name}-headless`);
    if (headless !== undefined && folded(service.name) !== undefined) claim(headless, service.name, " (a StatefulSet's headless Service)");
  }
}

/**
 * A limit below its request: the API server rejects the pod ("must be less than or equal to memory
 * limit"; kubernetes pkg/apis/core/validation/validation.go, ValidateResourceRequirements), so
 * nothing could run it — not even the simulated cluster, which applies the same rule.
 */
function checkLimitsCoverRequests(service: Service, ctx: ApiRuleContext): void {
  for (const resource of ["memory", "cpu"] as const) {
    const limit = service.limits[resource];
    const request = service.requests[resource];
    if (limit === undefined || limit >= request) continue;
    const show = resource === "memory" ? formatBytes : formatMillicores;
    ctx.problem(
      ["services", service.name, "resources", "limits", resource],
      `the ${resource} limit ${show(limit)} is below the request ${show(request)}; Kubernetes rejects such a pod (raise the limit or lower the request)`,
    );
  }
}

/** An int-or-percent as the controller reads it against 100 (intstr.GetScaledValueFromIntOrPercent). */
function scaled(value: number | string): number {
  return typeof value === "number" ? value : Number(value.replace(/%$/, ""));
}

/**
 * kubernetes pkg/apis/apps/validation/validation.go, ValidateRollingUpdateDeployment: maxSurge and
 * maxUnavailable may not both be 0 (the rollout could neither add a pod nor remove one), and
 * maxUnavailable may not be more than 100% (IsNotMoreThan100Percent). Negative values and other
 * spellings are already refused by the schema.
 */
function checkRollingUpdate(rollingUpdate: RollingUpdate, path: PathSegment[], ctx: ApiRuleContext): void {
  const { maxSurge, maxUnavailable } = rollingUpdate;
  if (typeof maxUnavailable === "string" && scaled(maxUnavailable) > 100) {
    ctx.problem([...path, "maxUnavailable"], `maxUnavailable ${maxUnavailable} must not be greater than 100% (the API server rejects it)`);
  }
  if (scaled(maxSurge) === 0 && scaled(maxUnavailable) === 0) {
    ctx.problem(
      [...path, "maxUnavailable"],
      "maxUnavailable may not be 0 when `maxSurge` is 0: the rollout could neither add a new pod nor take an old one away (the API server rejects it); set one of them, e.g. maxSurge: 1",
    );
  }
}

/** Every service a phase lists must be a service of the plan: deploying stops at the first that is not. */
function checkPhaseServices(plan: Plan, ctx: ApiRuleContext): void {
  const names = [...plan.services.keys()];
  let hints = 0;
  const check = (name: string, path: PathSegment[], phase: string): void => {
    if (plan.services.has(name)) return;
    const hint = hints++ < MAX_HINTS ? didYouMean(name, names) : undefined;
    const advice = hint !== undefined ? `did you mean ${JSON.stringify(hint)}?` : "add it under `services` or remove it from the phase";
    ctx.problem(path, `phase ${JSON.stringify(phase)} lists ${JSON.stringify(name)}, which is not a service of this plan; ${advice}`);
  };
  ctx.phases.forEach((phase, p) => {
    phase.services?.forEach((name, s) => check(name, ["phases", p, "services", s], phase.name));
    phase.batches?.forEach((batch, b) => batch.services.forEach((name, s) => check(name, ["phases", p, "batches", b, "services", s], phase.name)));
  });
}
