import { planJsonSchema } from "@openpolicy/core";
import type { Command } from "../command.js";
import { EXIT } from "../exit-codes.js";

export const schemaCommand: Command = {
  name: "schema",
  summary: "Print the plan's JSON Schema (for editors via yaml-language-server)",
  args: "",
  options: {},
  help: [],
  async run(_parsed, io) {
    io.out(JSON.stringify(planJsonSchema(), null, 2));
    return EXIT.ok;
  },
};
