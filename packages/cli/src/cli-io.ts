/**
 * How the CLI talks to people and programs, gh-style: data goes to stdout, status and errors to
 * stderr, and the exit code says what happened (see EXIT in exit-codes.ts and docs/cli.md).
 */
import { writeSync } from "node:fs";

export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Colour only when stdout is a terminal and NO_COLOR is not set (https://no-color.org). */
  color: boolean;
  errColor: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

function writeAll(fd: number, text: string): void {
  // Synchronous writes, so output is complete even when the process exits right after
  // (process.stdout is asynchronous for pipes).
  const buf = Buffer.from(text.endsWith("\n") || text === "" ? text : `${text}\n`);
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(fd, buf, off);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EAGAIN") continue;
      if ((error as NodeJS.ErrnoException).code === "EPIPE") return;
      throw error;
    }
  }
}

export function processIo(): Io {
  const noColor = "NO_COLOR" in process.env || process.env.TERM === "dumb";
  const force = process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== "0";
  return {
    out: (t) => writeAll(1, t),
    err: (t) => writeAll(2, t),
    color: force || (!noColor && process.stdout.isTTY === true),
    errColor: force || (!noColor && process.stderr.isTTY === true),
    env: process.env,
    cwd: process.cwd(),
  };
}
