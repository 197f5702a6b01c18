import { writeFile } from "node:fs/promises";
import { readFile } from "node:fs/promises";
import { importMarkdown, isMarkdownPlan, decodePlan } from "@openpolicy/core";
import type { Command } from "../command.js";
import { singleArg } from "../command.js";
import { CliError, EXIT } from "../exit-codes.js";

export const importCommand: Command = {
  name: "import",
  summary: "Convert a Markdown plan document into the YAML plan format",
  args: "<document>",
  options: { output: { type: "string", short: "o" } },
  help: ["-o, --output FILE        write the YAML plan there (default: stdout)"],
  async run(parsed, io) {
    const file = singleArg(parsed, "import", "Markdown plan document");
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      throw new CliError(`opdeploy import: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    if (!isMarkdownPlan(text)) {
      throw new CliError(`opdeploy import: ${file} does not look like a Markdown plan (no service tables with Service and Memory columns)`);
    }
    const imported = importMarkdown(text, file);
    // Validate what we produced with the same decoder `check` uses, so import never writes a
    // plan that cannot be read back.
    decodePlan(imported.raw, { file, format: "markdown", locate: imported.locate });
    for (const note of imported.notes) io.err(`${file}:${note.line}: not imported: ${note.message}`);
    const output = parsed.values.output as string | undefined;
    if (output) {
      await writeFile(output, imported.yaml);
      io.err(`wrote ${output} (${imported.notes.length} line(s) not interpreted, listed above)`);
    } else {
      io.out(imported.yaml);
    }
    return EXIT.ok;
  },
};
