/**
 * A pod that fits no node stays Pending for ever. The scheduler's NodeResourcesFit filter
 * (kubernetes pkg/scheduler/framework/plugins/noderesources/fit.go) rejects a node when a requested
 * resource is > 0 and above the node's allocatable minus what is already requested; even on an
 * empty node, a request above allocatable can never fit. CPU and memory must fit on the same node.
 */
import type { Plan } from "../plan/model.js";
import { nodeAllocatable } from "../report/allocatable.js";
import type { Finding } from "./finding.js";
import { cpu, makeFinding, memory } from "./describe.js";

export function checkSchedulable(plan: Plan): Finding[] {
  const nodes = plan.cluster.nodes.filter((g) => g.count > 0).map((g) => nodeAllocatable(g, plan.cluster.reserved));
  const largestMemory = nodes.reduce((m, n) => Math.max(m, n.memory), 0);
  const largestCpu = nodes.reduce((m, n) => Math.max(m, n.cpu), 0);
  const findings: Finding[] = [];
  for (const service of plan.services.values()) {
    const { requests } = service;
    const fits = (n: { memory: number; cpu: number }) =>
      (requests.memory <= 0 || requests.memory <= n.memory) && (requests.cpu <= 0 || requests.cpu <= n.cpu);
    if (nodes.some(fits)) continue;
    if (requests.memory <= 0 && requests.cpu <= 0) continue;
    const tooMuch: string[] = [];
    if (requests.memory > largestMemory) tooMuch.push(`${memory(requests.memory)} memory (largest node allocatable: ${memory(largestMemory)})`);
    if (requests.cpu > largestCpu) tooMuch.push(`${cpu(requests.cpu)} CPU (largest node allocatable: ${cpu(largestCpu)})`);
    const what =
      tooMuch.length > 0
        ? `requests ${tooMuch.join(" and ")} per pod`
        : `requests ${memory(requests.memory)} memory and ${cpu(requests.cpu)} CPU per pod, and no single node has both`;
    findings.push(
      makeFinding("unschedulable", {
        message: `${service.name} ${what}, so its pods can never be scheduled (allocatable = capacity − reserved); lower the requests or add a larger node.`,
        services: [service.name],
        location: service.location,
      }),
    );
  }
  return findings;
}
