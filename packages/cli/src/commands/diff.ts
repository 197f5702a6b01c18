/**
 * `opdeploy diff <plan>`: what `deploy` would change on the live cluster, per object — created,
 * changed (a unified diff of the server-side dry-run result against the live object), unchanged,
 * pruned (labelled for this plan, no longer rendered), refused (another plan's object) or
 * rejected (the server said no). Nothing is applied. Exit codes as `diff` and `kubectl diff`:
 * 0 no changes, 1 changes, 3 cluster unreachable or refusing us.
 */
import { readPlanDocument } from "@openpolicy/core";
import type { Command } from "../command.js";
import { formatOption, singleArg } from "../command.js";
import { EXIT } from "../exit-codes.js";
import { KUBE_HELP, KUBE_OPTIONS, clusterFailure, connectApi } from "../kube-connect.js";

export const diffCommand: Command = {
  name: "diff",
  summary: "Show what deploy would change on the live cluster, object by object (server-side dry run)",
  args: "<plan>",
  options: { ...KUBE_OPTIONS },
  help: [
    "-f, --format FORMAT      text (default: one line per object, unified diffs) or json",
    ...KUBE_HELP,
    "Exit: 0 no changes, 1 changes, 2 bad input, 3 cluster unreachable or refusing",
  ],
  async run(parsed, io) {
    const format = formatOption(parsed, "diff", ["text", "json"] as const);
    const file = singleArg(parsed, "diff", "plan file");
    const doc = await readPlanDocument(file);
    const { k8s, api, target, redact } = await connectApi("diff", parsed, doc.plan);
    try {
      const diff = await k8s.diffPlan({ api, namespace: target.namespace, manifests: doc.manifests }, doc.plan);
      if (format === "json") io.out(redact(k8s.formatPlanDiffJson(diff)));
      else {
        io.err(redact(`diff of ${file} against ${api.server}, namespace ${target.namespace} (server-side dry run: nothing is applied)`));
        io.out(redact(k8s.formatPlanDiffText(diff)));
      }
      return diff.changed ? EXIT.failed : EXIT.ok;
    } catch (error) {
      throw clusterFailure("diff", error, k8s, redact);
    }
  },
};
