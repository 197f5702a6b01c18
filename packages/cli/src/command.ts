import { parseArgs, type ParseArgsConfig } from "node:util";
import type { Io } from "./cli-io.js";
import { CliError } from "./exit-codes.js";

type Options = NonNullable<ParseArgsConfig["options"]>;

export interface Command<O extends Options = Options> {
  name: string;
  summary: string;
  /** Positional arguments, for the usage line: "<plan>" */
  args: string;
  options: O;
  /** One line per option, shown by --help. */
  help: string[];
  run(parsed: ParsedCommand, io: Io): Promise<number>;
}

export interface ParsedCommand {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/** Options every command takes. */
export const COMMON_OPTIONS = {
  help: { type: "boolean", short: "h" },
  format: { type: "string", short: "f" },
} as const satisfies Options;

export function parseCommand(cmd: Command, argv: string[]): ParsedCommand {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { ...COMMON_OPTIONS, ...cmd.options },
      allowPositionals: true,
      strict: true,
    });
    return { values: values as ParsedCommand["values"], positionals };
  } catch (error) {
    // node:util's messages already name the option ("Unknown option '--sed'").
    throw new CliError(`opdeploy ${cmd.name}: ${(error as Error).message}\nRun 'opdeploy ${cmd.name} --help' for usage.`);
  }
}

export function usageOf(cmd: Command): string {
  return [
    `${cmd.summary}`,
    "",
    `Usage: opdeploy ${cmd.name} ${cmd.args}`.trimEnd(),
    "",
    "Options:",
    ...cmd.help.map((h) => `  ${h}`),
    "  -h, --help               show this help",
  ].join("\n");
}

/** Validates --format against the formats a command supports (default first). */
export function formatOption<F extends string>(parsed: ParsedCommand, cmd: string, allowed: readonly F[]): F {
  const value = (parsed.values.format as string | undefined) ?? allowed[0]!;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new CliError(`opdeploy ${cmd}: --format must be one of ${allowed.join(", ")} (got "${value}")`);
  }
  return value as F;
}

/** Exactly one positional argument, named in the error when missing. */
export function singleArg(parsed: ParsedCommand, cmd: string, what: string): string {
  if (parsed.positionals.length === 0) throw new CliError(`opdeploy ${cmd}: missing ${what}\nRun 'opdeploy ${cmd} --help' for usage.`);
  if (parsed.positionals.length > 1) {
    throw new CliError(`opdeploy ${cmd}: expected one ${what}, got ${parsed.positionals.length}: ${parsed.positionals.join(" ")}`);
  }
  return parsed.positionals[0]!;
}

export function intOption(parsed: ParsedCommand, cmd: string, name: string, fallback: number, min = 0): number {
  const raw = parsed.values[name];
  if (raw === undefined) return fallback;
  const text = String(raw);
  if (!/^\d+$/.test(text) || Number(text) < min || !Number.isSafeInteger(Number(text))) {
    throw new CliError(`opdeploy ${cmd}: --${name} must be a whole number ≥ ${min} (got "${text}")`);
  }
  return Number(text);
}
