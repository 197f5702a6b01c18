import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
export const CLI = fileURLToPath(new URL("../dist/opdeploy.mjs", import.meta.url));
export const SEED = fileURLToPath(new URL("../../../../shared/seed/000_08b890caca7d35fc.txt", import.meta.url));
export const seedMissing = !existsSync(SEED);
if (seedMissing) console.warn(`seed document tests skipped: ${SEED} is absent (it lives in ../shared/seed beside the repository)`);

let built: Promise<void> | undefined;
/** Bundles the CLI once per test run, so these tests exercise what users run. */
export function buildCli(): Promise<void> {
  built ??= execFileAsync(process.execPath, [fileURLToPath(new URL("../scripts/bundle.mjs", import.meta.url))]).then(() => undefined);
  return built;
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliRun> {
  await buildCli();
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [CLI, ...args], {
      cwd: options.cwd ?? REPO_ROOT,
      env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: undefined, ...options.env },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    if (typeof e.code !== "number") throw error;
    return { code: e.code, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}
