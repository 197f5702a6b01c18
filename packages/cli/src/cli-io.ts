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

/** Characters encoded per write: a 50 MB report is not copied whole into one Buffer. */
const WRITE_CHUNK = 1 << 20;

function writeAll(fd: number, text: string): void {
  // Synchronous writes, so output is complete even when the process exits right after
  // (process.stdout is asynchronous for pipes). The text is written a slice at a time, and the
  // final newline apart, so a large report is neither flattened nor encoded in one piece.
  for (let at = 0; at < text.length; ) {
    let end = Math.min(text.length, at + WRITE_CHUNK);
    // Never split a surrogate pair between two slices.
    if (end < text.length && (text.charCodeAt(end - 1) & 0xfc00) === 0xd800) end++;
    if (!writeBuffer(fd, Buffer.from(text.slice(at, end)))) return;
    at = end;
  }
  if (text !== "" && !text.endsWith("\n")) writeBuffer(fd, Buffer.from("\n"));
}

/** Writes the whole buffer; false when the reader has gone (EPIPE). */
function writeBuffer(fd: number, buf: Buffer): boolean {
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(fd, buf, off);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EAGAIN") continue;
      if ((error as NodeJS.ErrnoException).code === "EPIPE") return false;
      throw error;
    }
  }
  return true;
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

/**
 * Control characters in user data (a service named "a\u001b]0;pwned\u0007") must not reach the
 * terminal, where they move the cursor, retitle the window or hide text. Everything except
 * newline and tab is shown as a \uXXXX escape — readable, and still valid inside a JSON string.
 * When colour is on, our own SGR sequences (ESC [ digits m) pass.
 */
const CONTROL = /\u001b\[[0-9;]*m|[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g;

export function escapeControl(text: string, keepColor: boolean): string {
  return text.replace(CONTROL, (match) => {
    if (match.length > 1) return keepColor ? match : match.replace("\u001b", "\\u001b");
    return `\\u${match.charCodeAt(0).toString(16).padStart(4, "0")}`;
  });
}

/** `io` with control characters escaped in everything written. */
export function escapingIo(io: Io): Io {
  return {
    ...io,
    out: (text) => io.out(escapeControl(text, io.color)),
    err: (text) => io.err(escapeControl(text, io.errColor)),
  };
}
