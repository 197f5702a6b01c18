/**
 * A pod that fits no node stays Pending for ever. The scheduler's filters (TaintToleration, then
 * NodeResourcesFit, kubernetes pkg/scheduler/framework/plugins/noderesources/fit.go) reject a node
 * when a requested resource is > 0 and above the node's allocatable minus what is already
 * requested; here the nodes are empty but for kind's kube-system pods (`overhead: kind`), and on a
 * kind cluster with workers the control plane is tainted. The message is the scheduler's own.
 */
import type { Plan } from "../plan/model.js";
import { clusterNodes } from "../scheduling/nodes.js";
import type { Finding } from "./finding.js";
import { cpu, makeFinding, memory } from "./describe.js";
import { fitPlanCached, servicePodRequest } from "./fit-plan.js";

export function checkSchedulable(plan: Plan, fit = fitPlanCached(plan)): Finding[] {
  const findings: Finding[] = [];
  if (fit.unschedulable.size === 0) return findings;
  const nodes = clusterNodes(plan.cluster);
  const largest = {
    memory: nodes.reduce((m, n) => Math.max(m, n.allocatable.memory), 0),
    cpu: nodes.reduce((m, n) => Math.max(m, n.allocatable.cpu), 0),
  };
  for (const [name, message] of fit.unschedulable) {
    const service = plan.services.get(name)!;
    const request = servicePodRequest(service);
    const kind = plan.cluster.overhead === "kind" ? " and kind's kube-system pods" : "";
    findings.push(
      makeFinding("unschedulable", {
        message:
          `${name} requests ${memory(request.memory)} memory and ${cpu(request.cpu)} CPU per pod, more than any node can take even when empty ` +
          `(largest node allocatable: ${memory(largest.memory)} memory, ${cpu(largest.cpu)} CPU; allocatable = capacity − reserved${kind}), so its pods stay Pending: ${message} Lower the requests or add a larger node.`,
        services: [name],
        location: service.location,
      }),
    );
  }
  return findings;
}
