import { escapingIo, type Io } from "./cli-io.js";
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
    "Every command takes --format (text by default; json for scripts), --help and --debug (stack traces of internal errors).",
    "Exit codes: 0 ok, 1 findings or failed rollout, 2 unusable input, 3 cluster error, 70 internal error, 130 interrupted.",
  ].join("\n");
}

/** Errors whose message is already meant for the user, by class name (they come from several packages). */
const INPUT_ERRORS = new Set(["PlanLoadError", "FaultParseError"]);
/** File-system failures on a path the user named (`-o out/x.json`, `--faults f.yaml`): unusable input. */
const FILE_ERRORS = new Map([
  ["ENOENT", "no such file or directory"],
  ["ENOTDIR", "a part of the path is not a directory"],
  ["EISDIR", "is a directory"],
  ["EACCES", "permission denied"],
  ["EPERM", "operation not permitted"],
  ["EROFS", "read-only file system"],
  ["ENOSPC", "no space left on the device"],
  ["EEXIST", "already exists"],
  ["ELOOP", "too many symbolic links"],
  ["ENAMETOOLONG", "name too long"],
]);

/**
 * The last word on any error a command let through: a known kind gets its own message and exit
 * code; anything else is a bug, said as such, with the stack only under --debug.
 */
export function reportError(error: unknown, command: string, io: Io, debug: boolean): number {
  if (error instanceof CliError) {
    io.err(error.message);
    return error.exitCode;
  }
  if (error instanceof Error && INPUT_ERRORS.has(error.name)) {
    io.err(error.message);
    return EXIT.usage;
  }
  const errno = error as NodeJS.ErrnoException;
  if (error instanceof Error && typeof errno.code === "string" && FILE_ERRORS.has(errno.code) && typeof errno.path === "string") {
    const verb = errno.syscall === "open" || errno.syscall === "read" ? "cannot open" : errno.syscall === "write" ? "cannot write" : "cannot use";
    io.err(`opdeploy ${command}: ${verb} ${errno.path}: ${FILE_ERRORS.get(errno.code)}${debug && error.stack ? `\n${error.stack}` : ""}`);
    return EXIT.usage;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.err(`opdeploy: internal error, please report: ${message}`);
  if (debug && error instanceof Error && error.stack) io.err(error.stack);
  else io.err("(run again with --debug for the stack trace)");
  return EXIT.internal;
}

/** Runs one CLI invocation and returns its exit code; never calls process.exit itself. */
export async function main(argv: string[], rawIo: Io): Promise<number> {
  const io = escapingIo(rawIo);
  // --debug is global: taken out before a command's own options are parsed (up to a `--`).
  const end = argv.indexOf("--");
  const head = end < 0 ? argv : argv.slice(0, end);
  const debug = head.includes("--debug") || rawIo.env.OPDEPLOY_DEBUG === "1";
  const args = [...head.filter((arg) => arg !== "--debug"), ...(end < 0 ? [] : argv.slice(end))];
  const [name, ...rest] = args;
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
    return reportError(error, name, io, debug);
  }
}
