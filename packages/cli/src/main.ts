import type { Io } from "./cli-io.js";
import { usageOf, parseCommand } from "./command.js";
import { CliError, EXIT } from "./exit-codes.js";
import { COMMANDS } from "./commands/index.js";
import { VERSION } from "./version.js";

function topLevelHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    "opdeploy — check, rehearse and carry out phased Kubernetes deployments",
    "",
    "Usage: opdeploy <command> [options]",
    "",
    "Commands:",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Every command takes --format (text by default; json for scripts) and --help.",
    "Exit codes: 0 ok, 1 findings or failed rollout, 2 unusable input, 3 cluster error, 130 interrupted.",
  ].join("\n");
}

/** Runs one CLI invocation and returns its exit code; never calls process.exit itself. */
export async function main(argv: string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    const target = name === "help" ? COMMANDS.find((c) => c.name === rest[0]) : undefined;
    io.out(target ? usageOf(await target.load()) : topLevelHelp());
    return EXIT.ok;
  }
  if (name === "--version" || name === "version") {
    io.out(VERSION);
    return EXIT.ok;
  }
  // Only the named command's module is loaded: --help and --version above load none.
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) {
    const known = COMMANDS.map((c) => c.name).join(", ");
    io.err(`opdeploy: unknown command "${name}" (commands: ${known})`);
    return EXIT.usage;
  }
  try {
    const command = await entry.load();
    const parsed = parseCommand(command, rest);
    if (parsed.values.help) {
      io.out(usageOf(command));
      return EXIT.ok;
    }
    return await command.run(parsed, io);
  } catch (error) {
    if (error instanceof CliError) {
      io.err(error.message);
      return error.exitCode;
    }
    if (error instanceof Error && error.name === "PlanLoadError") {
      io.err(error.message);
      return EXIT.usage;
    }
    io.err(`opdeploy ${name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return EXIT.failed;
  }
}
