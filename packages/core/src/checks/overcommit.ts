/**
 * Limits above allocatable: the scheduler only looks at requests, so pods are placed, but if they
 * all grow toward their limits the node runs out. Memory is incompressible: the kernel OOM-kills
 * containers and the kubelet evicts pods (pkg/kubelet/eviction). CPU is only throttled.
 * `kubectl describe node` shows the same sum as "Limits ... (194%)" in the user's cluster.
 * Services without a limit are not counted (they may use the whole node; said in the message).
 */
import type { Plan } from "../plan/model.js";
import { totalsOf } from "./shared-analysis.js";
import type { Finding } from "./finding.js";
import { cpu, makeFinding, memory, share } from "./describe.js";

export function checkOvercommit(plan: Plan): Finding[] {
  const totals = totalsOf(plan);
  const services = [...plan.services.values()];
  const findings: Finding[] = [];
  const checks = [
    {
      key: "memory",
      used: totals.totals.limitsMemoryBytes,
      whole: totals.allocatable.memoryBytes,
      show: memory,
      limited: services.filter((s) => s.limits.memory !== undefined).map((s) => s.name),
      consequence: "containers may be OOM-killed and pods evicted when several approach their limits",
    },
    {
      key: "CPU",
      used: totals.totals.limitsCpuMillis,
      whole: totals.allocatable.cpuMillis,
      show: cpu,
      limited: services.filter((s) => s.limits.cpu !== undefined).map((s) => s.name),
      consequence: "pods are throttled under load (CPU is compressible, nothing is killed)",
    },
  ] as const;
  for (const c of checks) {
    if (c.used <= c.whole) continue;
    const unlimited = services.length - c.limited.length;
    findings.push(
      makeFinding("overcommit", {
        message:
          `${c.key} limits (× replicas) add up to ${c.show(c.used)} = ${share(c.used, c.whole)} of allocatable ${c.show(c.whole)} (capacity − reserved): ${c.consequence}. ` +
          `Bring limits closer to requests, or add nodes` +
          (unlimited > 0 ? `; ${unlimited} service${unlimited === 1 ? " has" : "s have"} no ${c.key} limit and ${unlimited === 1 ? "is" : "are"} not counted.` : "."),
        services: c.limited,
        location: plan.cluster.location,
      }),
    );
  }
  return findings;
}
