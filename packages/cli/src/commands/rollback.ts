import { readPlanDocument } from "@openpolicy/core";
import type { Command } from "../command.js";
import { formatOption, intOption, singleArg } from "../command.js";
import { CliError, EXIT } from "../exit-codes.js";
import { KUBE_HELP, KUBE_OPTIONS, clusterFailure, connectCluster, withInterrupt } from "../kube-connect.js";
import { createProgress } from "../progress.js";

export const rollbackCommand: Command = {
  name: "rollback",
  summary: "Return the cluster to an earlier deploy revision of the plan",
  args: "<plan>",
  options: { ...KUBE_OPTIONS, "to-revision": { type: "string" }, timeout: { type: "string" } },
  help: [
    "-f, --format FORMAT      text (default) or json",
    ...KUBE_HELP,
    "    --to-revision N      revision to return to (default: the last deployed one before the latest)",
    "    --timeout S          seconds the rollback may take (default: the plan's rollback timeout)",
  ],
  async run(parsed, io) {
    const format = formatOption(parsed, "rollback", ["text", "json"] as const);
    const file = singleArg(parsed, "rollback", "plan file");
    const toRevision = parsed.values["to-revision"] !== undefined ? intOption(parsed, "rollback", "to-revision", 0, 1) : undefined;
    const doc = await readPlanDocument(file);
    const timeoutSeconds = intOption(parsed, "rollback", "timeout", doc.plan.rollback.timeoutSeconds, 1);
    const { k8s, cluster, redact } = await connectCluster("rollback", parsed, doc.plan, io);
    const progress = createProgress(io);
    try {
      const plan = k8s.planSlug(doc.plan);
      // A rollback is not resumable step by step: Ctrl-C is reported, and the rollback finishes
      // the group it is in (it is bounded by its timeout).
      const outcome = await withInterrupt(io, "opdeploy rollback: interrupt received; the rollback is bounded by its timeout — Ctrl-C again to exit at once", () =>
        k8s.rollbackPlan({
          cluster,
          plan,
          timeoutSeconds,
          ...(toRevision !== undefined ? { toRevision } : {}),
          onProgress: (message) => progress.update(redact(message), { lasting: true }),
        }),
      );
      progress.done();
      if (format === "json") io.out(JSON.stringify({ plan, namespace: cluster.namespace, ...outcome }, null, 2));
      else {
        const lines = [
          outcome.verdict === "succeeded"
            ? `rolled back ${plan} from revision ${outcome.from}${outcome.to !== undefined ? ` to revision ${outcome.to}` : " (no earlier revision: its services were removed, volumes kept)"}${outcome.revision !== undefined ? `; recorded as revision ${outcome.revision}` : ""}`
            : `rollback of ${plan} from revision ${outcome.from} did not complete within ${timeoutSeconds} s`,
          ...outcome.services.map((s) => `  ${s.ok ? "ok  " : "FAIL"} ${s.service}: ${s.action}`),
        ];
        io.out(lines.join("\n"));
      }
      return outcome.verdict === "succeeded" ? EXIT.ok : EXIT.failed;
    } catch (error) {
      progress.done();
      // "no revisions" / "no revision N": the argument cannot be used.
      if (error instanceof Error && /^rollback: plan .* has no revision/.test(error.message)) throw new CliError(`opdeploy ${redact(error.message)}`, EXIT.usage);
      throw clusterFailure("rollback", error, k8s, redact);
    } finally {
      await cluster.close();
    }
  },
};
