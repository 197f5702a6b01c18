/**
 * `opdeploy snapshot [--namespace N] [-o state.yaml]`: the live namespace as a plan — workloads,
 * replicas, requests/limits, images, strategies, nodes, measured usage (metrics.k8s.io) and
 * observed start-up times — for `opdeploy simulate plan.yaml --from state.yaml`, for
 * `opdeploy calibrate`, or as a first plan. Reads only; Secrets are never read.
 * Exit 0, 2 (bad arguments, nothing to snapshot), 3 (cluster unreachable or refusing).
 */
import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { formatImportNote } from "@openpolicy/core";
import type { Command } from "../command.js";
import { formatOption } from "../command.js";
import { CliError, EXIT } from "../exit-codes.js";
import type { KubeTarget, KubernetesModule } from "../kube-connect.js";
import { KUBE_HELP, KUBE_OPTIONS, clusterFailure, credentialRedactor, loadKubernetes, messageOf } from "../kube-connect.js";

export const snapshotCommand: Command = {
  name: "snapshot",
  summary: "Write the live namespace as a plan, with measured usage and start-up times",
  args: "",
  options: { ...KUBE_OPTIONS, output: { type: "string", short: "o" }, name: { type: "string" }, objects: { type: "string" } },
  help: [
    "-o, --output FILE        write the plan there (default: stdout); notes go to stderr",
    "-f, --format yaml        the plan's YAML (the only format: it is a plan file)",
    "    --name NAME          the plan's name (default: the namespace)",
    "    --objects FILE       also save the live objects read (the notes' file:line point into it)",
    ...KUBE_HELP.map((line) => line.replace("(default: the plan's namespace)", "(default: the context's, else default)")),
  ],
  async run(parsed, io) {
    formatOption(parsed, "snapshot", ["yaml"] as const);
    if (parsed.positionals.length > 0) throw new CliError(`opdeploy snapshot: takes no arguments (got ${parsed.positionals.join(" ")}); the namespace is --namespace`);
    const k8s = await loadKubernetes();
    const target: KubeTarget = { namespace: "" };
    if (parsed.values.kubeconfig !== undefined) target.kubeconfig = parsed.values.kubeconfig as string;
    if (parsed.values.context !== undefined) target.context = parsed.values.context as string;
    const redact = credentialRedactor(k8s, target);
    let api: InstanceType<KubernetesModule["KubeApi"]>;
    try {
      const config = k8s.loadKubeConfig(target);
      target.namespace = (parsed.values.namespace as string | undefined) ?? config.getContextObject(config.getCurrentContext())?.namespace ?? "default";
      api = new k8s.KubeApi(config);
    } catch (error) {
      throw new CliError(`opdeploy snapshot: ${redact(messageOf(error))}`, EXIT.cluster);
    }
    const objectsFile = parsed.values.objects as string | undefined;
    const output = parsed.values.output as string | undefined;
    let snap: Awaited<ReturnType<typeof k8s.snapshotNamespace>>;
    try {
      snap = await k8s.snapshotNamespace(
        { api, namespace: target.namespace },
        { ...(parsed.values.name ? { name: parsed.values.name as string } : {}), ...(objectsFile ? { objectsFile } : {}) },
      );
    } catch (error) {
      if (error instanceof k8s.SnapshotError) throw new CliError(`opdeploy snapshot: ${redact(error.message)}`, EXIT.usage);
      throw clusterFailure("snapshot", error, k8s, redact);
    }
    for (const note of snap.notes) io.err(redact(formatImportNote(note)));
    if (!snap.metrics) io.err("warning: metrics.k8s.io did not answer: no measured usage in the snapshot (install metrics-server to get it)");
    if (objectsFile) await writeFile(resolve(io.cwd, objectsFile), snap.objects);
    const measured = [...snap.measured.values()];
    const summary = `${snap.plan.services.size} service(s) from namespace ${target.namespace}: usage measured for ${measured.filter((m) => m.usage).length}, start-up observed for ${measured.filter((m) => m.startup).length}`;
    if (output) {
      await writeFile(resolve(io.cwd, output), snap.yaml);
      io.err(`wrote ${output}: ${summary}`);
    } else {
      io.out(snap.yaml);
      io.err(summary);
    }
    return EXIT.ok;
  },
};
