import { readPlanDocument } from "@openpolicy/core";
import type { PodDiagnosis } from "@openpolicy/simulator";
import { diagnoseService, formatDiagnosisText } from "@openpolicy/simulator";
import type { Command } from "../command.js";
import { formatOption } from "../command.js";
import { CliError, EXIT } from "../exit-codes.js";
import { KUBE_HELP, KUBE_OPTIONS, clusterFailure, connectCluster } from "../kube-connect.js";


export const logsCommand: Command = {
  name: "logs",
  summary: "Show why a service failed: its pods' last events and log tails (current and previous), secrets redacted",
  args: "<plan> [service]",
  options: { ...KUBE_OPTIONS, recorded: { type: "boolean" } },
  help: [
    "-f, --format FORMAT      text (default) or json",
    ...KUBE_HELP,
    "    --recorded           what the latest failed revision recorded, instead of the live pods",
    "Without a service: every service of the plan whose pods are not all Ready.",
  ],
  async run(parsed, io) {
    const format = formatOption(parsed, "logs", ["text", "json"] as const);
    const [file, only, ...extra] = parsed.positionals;
    if (file === undefined || extra.length > 0) throw new CliError("opdeploy logs: usage: opdeploy logs <plan> [service]");
    const doc = await readPlanDocument(file);
    if (only !== undefined && !doc.plan.services.has(only)) {
      throw new CliError(`opdeploy logs: the plan has no service "${only}" (services: ${[...doc.plan.services.keys()].join(", ")})`);
    }
    const { k8s, cluster, redact } = await connectCluster("logs", parsed, doc.plan, io);
    try {
      const report: { service: string; pods: PodDiagnosis[] }[] = [];
      if (parsed.values.recorded === true) {
        const revisions = await k8s.listHistory(cluster, k8s.planSlug(doc.plan));
        const failed = [...revisions].reverse().find((r) => r.diagnosis !== undefined);
        const pods = failed?.diagnosis ?? [];
        report.push({ service: only ?? failed?.description ?? "", pods });
      } else {
        for (const name of only !== undefined ? [only] : doc.plan.services.keys()) {
          const status = await cluster.workloadStatus(name);
          if (only === undefined && (!status || status.readyReplicas >= status.replicas)) continue;
          report.push({ service: name, pods: await diagnoseService(cluster, name, 0) });
        }
      }
      if (format === "json") io.out(redact(JSON.stringify(report, null, 2)));
      else if (report.length === 0) io.out(`every service of ${doc.plan.name} is Ready`);
      else io.out(redact(report.map((r) => formatDiagnosisText(r.service, r.pods)).join("\n\n")));
      return EXIT.ok;
    } catch (error) {
      throw clusterFailure("logs", error, k8s, redact);
    } finally {
      await cluster.close();
    }
  },
};
