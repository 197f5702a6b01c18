import { readPlanDocument } from "@openpolicy/core";
import type { Plan } from "@openpolicy/core";
import type { Io } from "../cli-io.js";
import type { Command } from "../command.js";
import { formatOption, intOption, singleArg } from "../command.js";
import { EXIT } from "../exit-codes.js";
import type { KubernetesCluster, KubernetesModule } from "../kube-connect.js";
import { KUBE_HELP, KUBE_OPTIONS, clusterFailure, connectCluster, withInterrupt } from "../kube-connect.js";

interface Amount {
  used: number;
  requested: number;
  allocatable: number;
}

export interface StatusReport {
  plan: string;
  namespace: string;
  at: string;
  revision: { version: number; status: string; updatedAt: string; description: string } | null;
  phases: { name: string; status: "done" | "in-progress" | "pending" | "failed"; done: number; total: number }[];
  services: {
    name: string;
    phase: string;
    deployed: boolean;
    status: string;
    ready: number;
    replicas: number;
    restarts: number;
    lastEvent: { reason: string; message: string; type: string } | null;
  }[];
  nodes: { name: string; ready: boolean; pods: number; memory: Amount; cpu: Amount }[];
}

async function collect(k8s: KubernetesModule, cluster: KubernetesCluster, plan: Plan): Promise<StatusReport> {
  const slug = k8s.planSlug(plan);
  const history = await k8s.listHistory(cluster, slug);
  const latest = history[history.length - 1];
  const succeeded = new Set((latest?.steps ?? []).filter((s) => s.status === "succeeded").map((s) => s.service));
  const failedSteps = new Set((latest?.steps ?? []).filter((s) => s.status === "failed").map((s) => s.service));
  const events = await cluster.events(Number.NEGATIVE_INFINITY);
  const phases: StatusReport["phases"] = [];
  const services: StatusReport["services"] = [];
  for (const phase of plan.phases) {
    const names = phase.batches.flatMap((b) => b.services);
    const done = names.filter((n) => succeeded.has(n)).length;
    const status = names.some((n) => failedSteps.has(n)) ? "failed" : done === names.length && latest ? "done" : done > 0 ? "in-progress" : "pending";
    phases.push({ name: phase.name, status, done, total: names.length });
    for (const name of names) {
      const w = await cluster.workloadStatus(name);
      const last = [...events].reverse().find((e) => e.workload === name || (w !== undefined && e.workload === w.name));
      services.push({
        name,
        phase: phase.name,
        deployed: w !== undefined,
        status: w ? (w.status === "Current" ? "Ready" : w.reason ?? w.status) : "absent",
        ready: w?.readyReplicas ?? 0,
        replicas: w?.replicas ?? plan.services.get(name)?.replicas ?? 0,
        restarts: w?.maxRestarts ?? 0,
        lastEvent: last ? { reason: last.reason, message: last.message, type: last.type } : null,
      });
    }
  }
  const nodes = (await cluster.nodes()).map((n) => ({
    name: n.name,
    ready: n.ready,
    pods: n.pods,
    memory: { used: n.used.memory, requested: n.requested.memory, allocatable: n.allocatable.memory },
    cpu: { used: n.used.cpu, requested: n.requested.cpu, allocatable: n.allocatable.cpu },
  }));
  return {
    plan: slug,
    namespace: cluster.namespace,
    at: new Date().toISOString(),
    revision: latest ? { version: latest.version, status: latest.status, updatedAt: latest.updatedAt, description: latest.description } : null,
    phases,
    services,
    nodes,
  };
}

/** `███████░░░` — `width` cells, the filled share rounded to the nearest cell. */
export function bar(value: number, total: number, width = 20): string {
  const share = total > 0 ? Math.min(1, Math.max(0, value / total)) : 0;
  const filled = Math.round(share * width);
  return "█".repeat(filled) + "░".repeat(width - filled);
}

const pct = (value: number, total: number) => (total > 0 ? `${((value / total) * 100).toFixed(0)}%` : "-");
const mi = (bytes: number) => `${Math.round(bytes / 2 ** 20)}Mi`;
const cores = (millis: number) => `${millis}m`;

function statusText(report: StatusReport): string {
  const lines: string[] = [];
  const rev = report.revision;
  lines.push(`${report.plan} in namespace ${report.namespace} — ${rev ? `revision ${rev.version} ${rev.status} (updated ${rev.updatedAt})` : "never deployed"}`);
  lines.push("", "PHASES");
  for (const p of report.phases) lines.push(`  ${p.status.padEnd(11)} ${p.name.padEnd(16)} ${bar(p.done, p.total, 10)} ${p.done}/${p.total}`);
  lines.push("", "SERVICES");
  const nameWidth = Math.max(7, ...report.services.map((s) => s.name.length));
  lines.push(`  ${"SERVICE".padEnd(nameWidth)}  ${"STATUS".padEnd(18)} READY  RESTARTS  LAST EVENT`);
  for (const s of report.services) {
    const event = s.lastEvent ? `${s.lastEvent.reason}: ${s.lastEvent.message}` : "";
    lines.push(`  ${s.name.padEnd(nameWidth)}  ${s.status.padEnd(18)} ${`${s.ready}/${s.replicas}`.padEnd(6)} ${String(s.restarts).padEnd(9)} ${event.length > 70 ? `${event.slice(0, 69)}…` : event}`.trimEnd());
  }
  lines.push("", "NODES (used / requested / allocatable)");
  for (const n of report.nodes) {
    lines.push(`  ${n.name}${n.ready ? "" : " (NotReady)"} — ${n.pods} pods`);
    lines.push(`    memory used ${bar(n.memory.used, n.memory.allocatable)} ${pct(n.memory.used, n.memory.allocatable).padStart(4)}  ${mi(n.memory.used)} used`);
    lines.push(`           req  ${bar(n.memory.requested, n.memory.allocatable)} ${pct(n.memory.requested, n.memory.allocatable).padStart(4)}  ${mi(n.memory.requested)} of ${mi(n.memory.allocatable)}`);
    lines.push(`    cpu    used ${bar(n.cpu.used, n.cpu.allocatable)} ${pct(n.cpu.used, n.cpu.allocatable).padStart(4)}  ${cores(n.cpu.used)} used`);
    lines.push(`           req  ${bar(n.cpu.requested, n.cpu.allocatable)} ${pct(n.cpu.requested, n.cpu.allocatable).padStart(4)}  ${cores(n.cpu.requested)} of ${cores(n.cpu.allocatable)}`);
  }
  return lines.join("\n");
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

function render(report: StatusReport, format: "text" | "json", redact: (t: string) => string): string {
  return redact(format === "json" ? JSON.stringify(report, null, 2) : statusText(report));
}

export const statusCommand: Command = {
  name: "status",
  summary: "Show the plan's progress on the cluster: phases, services, node memory and CPU",
  args: "<plan>",
  options: { ...KUBE_OPTIONS, watch: { type: "boolean", short: "w" }, interval: { type: "string" } },
  help: [
    "-f, --format FORMAT      text (default) or json",
    ...KUBE_HELP,
    "-w, --watch              refresh until Ctrl-C",
    "    --interval S         seconds between refreshes with --watch (default 2)",
  ],
  async run(parsed, io: Io) {
    const format = formatOption(parsed, "status", ["text", "json"] as const);
    const file = singleArg(parsed, "status", "plan file");
    const interval = intOption(parsed, "status", "interval", 2, 1);
    const doc = await readPlanDocument(file);
    const { k8s, cluster, redact } = await connectCluster("status", parsed, doc.plan, io);
    try {
      if (!parsed.values.watch) {
        io.out(render(await collect(k8s, cluster, doc.plan), format, redact));
        return EXIT.ok;
      }
      const tty = process.stdout.isTTY === true;
      await withInterrupt(io, "", async (signal) => {
        while (!signal.aborted) {
          const block = render(await collect(k8s, cluster, doc.plan), format, redact);
          // A terminal gets a redraw; a pipe or log gets one block after another.
          if (tty) io.out(`\x1b[2J\x1b[H${block}`);
          else io.out(format === "json" ? block : `${block}\n`);
          await sleep(interval * 1000, signal);
        }
      });
      // Ctrl-C is how --watch ends: not an interruption of anything.
      return EXIT.ok;
    } catch (error) {
      throw clusterFailure("status", error, k8s, redact);
    } finally {
      await cluster.close();
    }
  },
};
