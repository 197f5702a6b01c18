/**
 * The transcript of a kind cluster's setup, kept on disk when the setup fails (kind's
 * `--retain` + `kind export logs`, for the fixture): every step with its command and output,
 * plus whatever diagnostics the caller collects (journal, container log). Outputs that carry
 * credentials (admin.conf) are never recorded. CI uploads the directory as an artifact.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Where a failed setup's logs go: $OPDEPLOY_KIND_LOGS, else a fresh directory under the OS temp dir. */
export function setupLogDir(env: NodeJS.ProcessEnv = process.env, now: Date = new Date()): string {
  const configured = env.OPDEPLOY_KIND_LOGS?.trim();
  if (configured) return configured;
  return join(tmpdir(), `opdeploy-kind-${now.toISOString().replace(/[:.]/g, "-")}`);
}

export class KindSetupError extends Error {
  constructor(
    readonly step: string,
    readonly detail: string,
    readonly logDir: string | undefined,
  ) {
    super(`kind: ${step} failed: ${detail}${logDir ? `; setup logs kept in ${logDir}` : ""}`);
    this.name = "KindSetupError";
  }
}

interface Entry {
  step: string;
  command?: string[];
  exitCode?: number;
  output: string;
}

export class SetupLog {
  private readonly entries: Entry[] = [];

  constructor(private readonly onLine: (line: string) => void = () => {}) {}

  /** Records one step; `secret` keeps its output out of the log (the step itself is listed). */
  record(step: string, result: { command?: string[]; exitCode?: number; output: string }, options: { secret?: boolean } = {}): void {
    const entry: Entry = { step, output: options.secret ? "(output not recorded: it holds credentials)" : result.output };
    if (result.command) entry.command = result.command;
    if (result.exitCode !== undefined) entry.exitCode = result.exitCode;
    this.entries.push(entry);
  }

  /** Announces a step to the caller's log (progress lines, no output). */
  step(message: string): void {
    this.onLine(`kind: ${message}`);
  }

  /** The transcript as text: one block per step. */
  transcript(): string {
    return this.entries
      .map((e) => {
        const head = `## ${e.step}${e.command ? `\n$ ${e.command.join(" ")}` : ""}${e.exitCode !== undefined ? `\n(exit ${e.exitCode})` : ""}`;
        return `${head}\n${e.output.trimEnd()}\n`;
      })
      .join("\n");
  }

  /** Writes setup.log and each extra file into `dir`; returns `dir`, or undefined if it cannot be written. */
  async keep(dir: string, extra: Record<string, string> = {}): Promise<string | undefined> {
    try {
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, "setup.log"), this.transcript());
      for (const [name, text] of Object.entries(extra)) await writeFile(join(dir, name), text);
      return dir;
    } catch {
      return undefined;
    }
  }
}
