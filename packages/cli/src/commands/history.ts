import { readPlanDocument } from "@openpolicy/core";
import type { Command } from "../command.js";
import { formatOption, singleArg } from "../command.js";
import { EXIT } from "../exit-codes.js";
import { KUBE_HELP, KUBE_OPTIONS, clusterFailure, connectCluster } from "../kube-connect.js";

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  ").trimEnd()).join("\n");
}

export const historyCommand: Command = {
  name: "history",
  summary: "List the plan's deploy revisions recorded in the cluster",
  args: "<plan>",
  options: { ...KUBE_OPTIONS },
  help: ["-f, --format FORMAT      text (default) or json", ...KUBE_HELP],
  async run(parsed, io) {
    const format = formatOption(parsed, "history", ["text", "json"] as const);
    const file = singleArg(parsed, "history", "plan file");
    const doc = await readPlanDocument(file);
    const { k8s, cluster, redact } = await connectCluster("history", parsed, doc.plan, io);
    try {
      const plan = k8s.planSlug(doc.plan);
      const revisions = await k8s.listHistory(cluster, plan);
      // Manifests and the serialized plan stay out: large, and manifests may carry configuration.
      const entries = revisions.map((r) => {
        const total = r.order.flat().length;
        const done = new Set(r.steps.filter((s) => s.status === "succeeded").map((s) => s.service)).size;
        return { revision: r.version, status: r.status, updatedAt: r.updatedAt, stepsDone: done, stepsTotal: total, description: r.description, holder: r.holder };
      });
      if (format === "json") io.out(JSON.stringify(entries, null, 2));
      else if (entries.length === 0) io.out(`no revisions of ${plan} in namespace ${cluster.namespace}`);
      else
        io.out(
          table([
            ["REVISION", "STATUS", "UPDATED", "STEPS DONE", "DESCRIPTION"],
            ...entries.map((e) => [String(e.revision), e.status, e.updatedAt.replace(/\.\d+Z$/, "Z"), `${e.stepsDone}/${e.stepsTotal}`, redact(e.description)]),
          ]),
        );
      return EXIT.ok;
    } catch (error) {
      throw clusterFailure("history", error, k8s, redact);
    } finally {
      await cluster.close();
    }
  },
};
