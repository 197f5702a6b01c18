import type { Command } from "../command.js";
import { checkCommand } from "./check.js";
import { deployCommand } from "./deploy.js";
import { historyCommand } from "./history.js";
import { importCommand } from "./import.js";
import { perfCommand } from "./perf.js";
import { planCommand } from "./plan.js";
import { renderCommand } from "./render.js";
import { rollbackCommand } from "./rollback.js";
import { schemaCommand } from "./schema.js";
import { simulateCommand } from "./simulate.js";
import { statusCommand } from "./status.js";
import { validateCommand } from "./validate.js";

/** Every command, in the order `opdeploy --help` lists them. */
export const COMMANDS: Command[] = [
  checkCommand,
  planCommand,
  simulateCommand,
  deployCommand,
  statusCommand,
  historyCommand,
  rollbackCommand,
  validateCommand,
  perfCommand,
  importCommand,
  renderCommand,
  schemaCommand,
];
