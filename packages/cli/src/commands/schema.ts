import { planJsonSchema } from "@openpolicy/core";
import { formatOption, type Command } from "../command.js";
import { EXIT } from "../exit-codes.js";

export const schemaCommand: Command = {
  name: "schema",
  summary: "Print the plan's JSON Schema (for editors via yaml-language-server)",
  args: "",
  options: {},
  help: ["-f, --format json        the only output format (JSON Schema is JSON)"],
  async run(parsed, io) {
    // Refused rather than ignored: `-f yaml` silently printing JSON would surprise a script.
    formatOption(parsed, "schema", ["json"] as const);
    io.out(JSON.stringify(planJsonSchema(), null, 2));
    return EXIT.ok;
  },
};
