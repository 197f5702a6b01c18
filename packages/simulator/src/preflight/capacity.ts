/**
 * Capacity against the live nodes. What the plan's pods can have is each usable node's
 * allocatable minus the requests of the pods on it that are not the plan's (system pods, other
 * namespaces, workloads the plan does not own); the plan's own running pods are replaced by its
 * new ones, so they are not subtracted. Against that, with the rules `check` applies to the
 * declared cluster (core checks capacity-exceeded and unschedulable):
 * - the cumulative requests at each phase's peak — the batch that rolls plus the earlier ones,
 *   and, on an upgrade, the old pods of later phases still running and a rolling Deployment's
 *   surge pods (ResolveFenceposts, pkg/controller/deployment/util/deployment_util.go);
 * - every pod against the largest free node (NodeResourcesFit, scheduler
 *   pkg/scheduler/framework/plugins/noderesources/fit.go: memory and CPU on one node).
 * Usable nodes: Ready, not cordoned (spec.unschedulable), no NoSchedule/NoExecute taint (the
 * plan's pods carry no tolerations; pkg/scheduler/framework/plugins/tainttoleration).
 * The plan's `cluster:` is compared with the live nodes: a plan computed for 16Gi on an 8Gi
 * node is named as such (a warning: its check figures and gates are for another cluster).
 */
import type { Plan, Service } from "@openpolicy/core";
import { clusterAllocatable, formatBytes, formatMillicores, podRequests, resourcesOf } from "@openpolicy/core";
import type { Json } from "../cluster/kubernetes/kube-api.js";
import { REVISION_LABEL, WORKLOAD_LABEL, kubeName, stampWorkload } from "../cluster/kubernetes/render-workload.js";
import { surgePods } from "../planner/capacity.js";
import type { PreflightContext } from "./context.js";
import { podTemplates, preflightFinding } from "./context.js";
import type { Finding } from "@openpolicy/core";

interface Amount {
  memory: number;
  cpu: number;
}

/** What one service of the plan needs, and what of it already runs. */
interface Need {
  service: Service;
  perPod: Amount;
  replicas: number;
  /** Requests of its live pods (an upgrade or re-deploy), zero when it does not run. */
  old: Amount;
  /** Runs with the same pod template revision: applying it changes nothing. */
  unchanged: boolean;
  statefulSet: boolean;
}

const add = (a: Amount, b: Amount): Amount => ({ memory: a.memory + b.memory, cpu: a.cpu + b.cpu });
const times = (a: Amount, n: number): Amount => ({ memory: a.memory * n, cpu: a.cpu * n });
const ZERO: Amount = { memory: 0, cpu: 0 };

function live(pod: Json): boolean {
  const phase = (pod.status as Json | undefined)?.phase;
  return phase !== "Succeeded" && phase !== "Failed";
}

export function usableNode(node: Json): boolean {
  const spec = (node.spec ?? {}) as Json;
  if (spec.unschedulable === true) return false;
  const taints = (spec.taints ?? []) as Json[];
  if (taints.some((t) => t.effect === "NoSchedule" || t.effect === "NoExecute")) return false;
  const conditions = ((node.status as Json | undefined)?.conditions ?? []) as Json[];
  return conditions.some((c) => c.type === "Ready" && c.status === "True");
}

function nodeName(node: Json): string {
  return String((node.metadata as Json).name);
}

/** Free (allocatable − foreign requests) per usable node. */
function freeNodes(ctx: PreflightContext, owned: (pod: Json) => boolean): { name: string; free: Amount }[] {
  return ctx.nodes.filter(usableNode).map((node) => {
    const name = nodeName(node);
    let free = resourcesOf((node.status as Json | undefined)?.allocatable);
    for (const pod of ctx.pods.items) {
      if ((pod.spec as Json | undefined)?.nodeName !== name || !live(pod) || owned(pod)) continue;
      const r = podRequests(pod);
      free = { memory: free.memory - r.memory, cpu: free.cpu - r.cpu };
    }
    return { name, free };
  });
}

function needsOf(ctx: PreflightContext, ownPods: Map<string, Json[]>): Map<string, Need> {
  const needs = new Map<string, Need>();
  for (const r of ctx.rendered) {
    const workload = r.objects.find((o) => o.kind === "Deployment" || o.kind === "StatefulSet");
    if (!workload) continue;
    const template = podTemplates([workload])[0]!;
    const revision = stampWorkload(structuredClone([workload]), kubeName(r.service.name));
    const pods = ownPods.get(kubeName(r.service.name)) ?? [];
    const replicas = typeof (workload.spec as Json | undefined)?.replicas === "number" ? ((workload.spec as Json).replicas as number) : 1;
    needs.set(r.service.name, {
      service: r.service,
      perPod: podRequests(template),
      replicas,
      old: pods.reduce((sum, p) => add(sum, podRequests(p)), ZERO),
      unchanged: pods.length > 0 && pods.every((p) => ((p.metadata as Json).labels as Record<string, string> | undefined)?.[REVISION_LABEL] === revision),
      statefulSet: workload.kind === "StatefulSet",
    });
  }
  return needs;
}

/** Requests of a service while its batch rolls, and the surge pods' share of it. */
function rolling(need: Need): { amount: Amount; surge: Amount } {
  const fresh = times(need.perPod, need.replicas);
  if (need.old.memory === 0 && need.old.cpu === 0) return { amount: fresh, surge: ZERO };
  if (need.unchanged) return { amount: need.old, surge: ZERO };
  // A StatefulSet replaces one pod at a time (no surge); a Deployment keeps its old pods while up to maxSurge new ones start.
  if (need.statefulSet) return { amount: { memory: Math.max(need.old.memory, fresh.memory), cpu: Math.max(need.old.cpu, fresh.cpu) }, surge: ZERO };
  const surge = times(need.perPod, surgePods(need.service));
  return { amount: add(need.old, surge), surge };
}

interface PhasePeak {
  phase: number;
  peak: Amount;
  surge: Amount;
}

/** The most the plan's pods hold at any point of each phase. */
function phasePeaks(plan: Plan, needs: Map<string, Need>): PhasePeak[] {
  const state = new Map<string, Amount>([...needs].map(([name, n]) => [name, n.old]));
  const total = () => [...state.values()].reduce(add, ZERO);
  return plan.phases.map((phase, index) => {
    let peak = total();
    let surge = ZERO;
    for (const batch of phase.batches) {
      const during = new Map(state);
      let batchSurge = ZERO;
      for (const name of batch.services) {
        const need = needs.get(name);
        if (!need) continue;
        const r = rolling(need);
        during.set(name, r.amount);
        batchSurge = add(batchSurge, r.surge);
      }
      const sum = [...during.values()].reduce(add, ZERO);
      if (sum.memory > peak.memory || sum.cpu > peak.cpu) {
        peak = { memory: Math.max(peak.memory, sum.memory), cpu: Math.max(peak.cpu, sum.cpu) };
        surge = batchSurge;
      }
      for (const name of batch.services) {
        const need = needs.get(name);
        if (need) state.set(name, times(need.perPod, need.replicas));
      }
      const after = total();
      peak = { memory: Math.max(peak.memory, after.memory), cpu: Math.max(peak.cpu, after.cpu) };
    }
    return { phase: index, peak, surge };
  });
}

const show = { memory: formatBytes, cpu: (m: number) => `${formatMillicores(m)} CPU` } as const;

export async function checkCapacity(ctx: PreflightContext): Promise<Finding[]> {
  const names = new Set(ctx.rendered.map((r) => kubeName(r.service.name)));
  const ownerOf = (pod: Json): string | undefined => {
    const metadata = pod.metadata as Json;
    if (metadata.namespace !== ctx.namespace) return undefined;
    const workload = (metadata.labels as Record<string, string> | undefined)?.[WORKLOAD_LABEL];
    return workload !== undefined && names.has(workload) ? workload : undefined;
  };
  const ownPods = new Map<string, Json[]>();
  for (const pod of ctx.pods.items) {
    const owner = ownerOf(pod);
    if (owner === undefined || !live(pod)) continue;
    ownPods.set(owner, [...(ownPods.get(owner) ?? []), pod]);
  }
  const nodes = freeNodes(ctx, (pod) => ownerOf(pod) !== undefined);
  const free = nodes.reduce((sum, n) => add(sum, { memory: Math.max(0, n.free.memory), cpu: Math.max(0, n.free.cpu) }), ZERO);
  const needs = needsOf(ctx, ownPods);
  const findings: Finding[] = [...clusterMismatch(ctx), ...podFit(ctx, needs, nodes)];
  const scope = ctx.pods.scope === "namespace" ? " (only the deploy namespace's pods could be read: other namespaces' requests are not subtracted)" : "";
  const peaks = phasePeaks(ctx.plan, needs);
  for (const key of ["memory", "cpu"] as const) {
    const over = peaks.find((p) => p.peak[key] > free[key]);
    if (!over) continue;
    const phase = ctx.plan.phases[over.phase]!;
    const surge = over.surge[key] > 0 ? ` (rolling-update surge of ${show[key](over.surge[key])} included)` : "";
    findings.push(
      preflightFinding(
        "preflight-capacity",
        `during ${phase.name} the plan's pods request ${show[key](over.peak[key])}${surge}, but the ${nodes.length} usable node(s) have ${show[key](free[key])} free ` +
          `(allocatable minus the requests of pods that are not the plan's)${scope}: pods beyond it stay Pending. Free ${show[key](over.peak[key] - free[key])}, cut requests, or add nodes.`,
        phase.location,
        phase.batches.flatMap((b) => b.services),
        { phase: phase.name },
      ),
    );
  }
  return findings;
}

/** Each pod against the largest free node: memory and CPU on the same node. */
function podFit(_ctx: PreflightContext, needs: Map<string, Need>, nodes: { name: string; free: Amount }[]): Finding[] {
  const findings: Finding[] = [];
  for (const need of needs.values()) {
    const { perPod } = need;
    const fits = nodes.some((n) => (perPod.memory <= 0 || perPod.memory <= n.free.memory) && (perPod.cpu <= 0 || perPod.cpu <= n.free.cpu));
    if (fits || (perPod.memory <= 0 && perPod.cpu <= 0)) continue;
    const best = nodes.reduce<{ name: string; free: Amount } | undefined>((b, n) => (!b || n.free.memory > b.free.memory ? n : b), undefined);
    const where = best ? `the node with the most free memory, ${best.name}, has ${formatBytes(Math.max(0, best.free.memory))} and ${show.cpu(Math.max(0, best.free.cpu))} free` : "no node is usable (Ready, schedulable, untainted)";
    findings.push(
      preflightFinding(
        "preflight-capacity",
        `a pod of ${need.service.name} requests ${formatBytes(perPod.memory)} and ${show.cpu(perPod.cpu)}; ${where}: it can never be scheduled on this cluster.`,
        need.service.location,
        [need.service.name],
      ),
    );
  }
  return findings;
}

/** The plan's `cluster:` against the live nodes: a plan that believes in more than there is. */
function clusterMismatch(ctx: PreflightContext): Finding[] {
  const declared = clusterAllocatable(ctx.plan);
  const declaredNodes = ctx.plan.cluster.nodes.reduce((n, g) => n + g.count, 0);
  const ready = ctx.nodes.filter((n) => ((n.status as Json | undefined)?.conditions as Json[] | undefined ?? []).some((c) => c.type === "Ready" && c.status === "True"));
  const liveTotal = ready.reduce((sum, n) => add(sum, resourcesOf((n.status as Json | undefined)?.allocatable)), ZERO);
  // 5 % of slack: the kubelet's reservations and quantity rounding make "8Gi" read a little under 8Gi.
  const believesMore = (key: keyof Amount) => declared[key] > liveTotal[key] * 1.05;
  if (!believesMore("memory") && !believesMore("cpu")) return [];
  const parts = (["memory", "cpu"] as const).filter(believesMore).map((key) => `${show[key](declared[key])} allocatable (live: ${show[key](liveTotal[key])})`);
  return [
    preflightFinding(
      "preflight-cluster-mismatch",
      `the plan's cluster: declares ${declaredNodes} node(s) with ${parts.join(" and ")}; the live cluster has ${ready.length} Ready node(s). ` +
        `check's capacity and gate figures are computed for nodes this cluster does not have: describe the live nodes in cluster:.`,
      ctx.plan.cluster.location,
    ),
  ];
}
