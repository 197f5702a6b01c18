/**
 * Runs the bundled action (dist/index.js) the way a runner does: a child process whose inputs
 * are INPUT_* variables (@actions/core reads `INPUT_<name upper-cased, spaces → _>`, hyphens
 * kept) and whose results are files named by GITHUB_OUTPUT and GITHUB_STEP_SUMMARY.
 * Asynchronous on purpose: the fake API server lives in the test's own event loop.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const ACTION_ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const BUNDLE = join(ACTION_ROOT, "dist", "index.js");

export interface ActionRun {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  runnerTemp: string;
}

/** Parses the `name<<DELIMITER\nvalue\nDELIMITER` blocks that core.setOutput appends. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const header = /^([^<=]+)<<(.+)$/.exec(lines[i]!);
    if (header) {
      const [, name, delimiter] = header;
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i]!);
      outputs[name!] = value.join("\n");
      continue;
    }
    const single = /^([^=]+)=(.*)$/.exec(lines[i]!);
    if (single) outputs[single[1]!] = single[2]!;
  }
  return outputs;
}

export interface RunOptions {
  inputs: Record<string, string>;
  workspace: string;
  eventName?: string;
  event?: unknown;
  repository?: string;
  apiUrl?: string;
  /** The bundle to run (default dist/index.js). */
  bundle?: string;
  /** Runner variables to set or override (e.g. a RUNNER_TEMP the action cannot write to). */
  env?: Record<string, string>;
  /** Called with all stdout so far after each chunk (e.g. to signal the process mid-run). */
  onStdout?: (stdout: string, child: ChildProcess) => void;
}

export async function runAction(options: RunOptions): Promise<ActionRun> {
  const runnerTemp = await mkdtemp(join(tmpdir(), "opdeploy-action-runner-"));
  const outputFile = join(runnerTemp, "github_output");
  const summaryFile = join(runnerTemp, "step_summary.md");
  const eventFile = join(runnerTemp, "event.json");
  await Promise.all([writeFile(outputFile, ""), writeFile(summaryFile, ""), writeFile(eventFile, JSON.stringify(options.event ?? {}))]);
  // Only what a runner sets: nothing of the developer's own GITHUB_* or proxy variables leaks in.
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GITHUB_ACTIONS: "true",
    GITHUB_EVENT_NAME: options.eventName ?? "pull_request",
    GITHUB_EVENT_PATH: eventFile,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_REPOSITORY: options.repository ?? "acme/platform",
    GITHUB_WORKSPACE: options.workspace,
    GITHUB_SERVER_URL: "https://github.example",
    GITHUB_RUN_ID: "4242",
    GITHUB_API_URL: options.apiUrl ?? "http://127.0.0.1:9",
    RUNNER_TEMP: runnerTemp,
    ...options.env,
  };
  for (const [name, value] of Object.entries(options.inputs)) env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] = value;
  const child = spawn(process.execPath, [options.bundle ?? BUNDLE], { cwd: options.workspace, env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString("utf8");
    options.onStdout?.(stdout, child);
  });
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", resolve);
  });
  return {
    code,
    stdout,
    stderr,
    outputs: parseOutputFile(await readFile(outputFile, "utf8")),
    summary: await readFile(summaryFile, "utf8"),
    runnerTemp,
  };
}
