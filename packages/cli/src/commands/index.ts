import type { Command } from "../command.js";
import { checkCommand } from "./check.js";
import { importCommand } from "./import.js";
import { planCommand } from "./plan.js";
import { renderCommand } from "./render.js";
import { schemaCommand } from "./schema.js";
import { simulateCommand } from "./simulate.js";

/** Every command, in the order `opdeploy --help` lists them. */
export const COMMANDS: Command[] = [checkCommand, planCommand, simulateCommand, importCommand, renderCommand, schemaCommand];
