import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { renderManifestFiles, readPlanDocument } from "@openpolicy/core";
import type { Command } from "../command.js";
import { formatOption, singleArg } from "../command.js";
import { CliError, EXIT } from "../exit-codes.js";

export const renderCommand: Command = {
  name: "render",
  summary: "Write standardized Kubernetes manifests (and a kustomization.yaml) for a plan",
  args: "<plan>",
  options: {
    output: { type: "string", short: "o" },
    namespace: { type: "string", short: "n" },
  },
  help: [
    "-o, --output DIR         directory to write the manifests to (required)",
    "-n, --namespace NAME     namespace (default: the plan's)",
    "-f, --format FORMAT      text (default: list written files) or json",
  ],
  async run(parsed, io) {
    const format = formatOption(parsed, "render", ["text", "json"] as const);
    const file = singleArg(parsed, "render", "plan file");
    const dir = parsed.values.output as string | undefined;
    if (!dir) throw new CliError("opdeploy render: -o/--output DIR is required");
    const doc = await readPlanDocument(file);
    const namespace = parsed.values.namespace as string | undefined;
    const files = renderManifestFiles(doc.plan, namespace ? { namespace } : {});
    const written: string[] = [];
    for (const [relative, yaml] of files) {
      const target = join(dir, relative);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, yaml);
      written.push(target);
    }
    if (format === "json") io.out(JSON.stringify({ directory: dir, files: written }, null, 2));
    else io.out(written.join("\n"));
    io.err(`wrote ${written.length} file(s) to ${dir}; apply with: kubectl apply -k ${dir}`);
    return EXIT.ok;
  },
};
