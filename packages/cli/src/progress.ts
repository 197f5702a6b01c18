/**
 * Progress of a long-running command on stderr. Two shapes, as CI-friendly CLIs do it:
 * - stderr is not a terminal (CI logs, pipes): one plain, timestamped line per update, so a log
 *   reads as a history (`12:03:04 db: succeeded`);
 * - stderr is a terminal: a single live line rewritten in place (`\r` + erase line), with the
 *   milestones (`lasting: true`) kept above it.
 */
import type { Io } from "./cli-io.js";

export interface Progress {
  /** An update; `lasting` ones stay on screen in TTY mode too. */
  update(message: string, options?: { lasting?: boolean }): void;
  /** Clears the live line (TTY) before the command prints its result. */
  done(): void;
}

export interface ProgressOptions {
  /** Whether stderr is a terminal (default: process.stderr.isTTY). */
  tty?: boolean;
  /** Clock, for tests. */
  now?: () => Date;
  /** Raw write without a newline (TTY mode); default process.stderr.write. */
  write?: (text: string) => void;
}

function clock(date: Date): string {
  return date.toISOString().slice(11, 19);
}

export function createProgress(io: Io, options: ProgressOptions = {}): Progress {
  const tty = options.tty ?? process.stderr.isTTY === true;
  const now = options.now ?? (() => new Date());
  if (!tty) {
    return {
      update: (message) => io.err(`${clock(now())} ${message}`),
      done: () => {},
    };
  }
  const write = options.write ?? ((text: string) => void process.stderr.write(text));
  const started = Date.now();
  let live = false;
  const columns = () => Math.max(20, (process.stderr.columns ?? 80) - 1);
  const clear = () => {
    if (live) write("\r\x1b[2K");
    live = false;
  };
  return {
    update(message, { lasting = false } = {}) {
      clear();
      if (lasting) {
        write(`${clock(now())} ${message}\n`);
        return;
      }
      const elapsed = Math.round((Date.now() - started) / 1000);
      const line = `[${elapsed}s] ${message}`;
      write(line.length > columns() ? `${line.slice(0, columns() - 1)}…` : line);
      live = true;
    },
    done: clear,
  };
}
