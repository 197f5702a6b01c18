/**
 * `--runs N` over worker threads (node:worker_threads). The seeds are cut into contiguous
 * stretches, one per thread; each thread runs its stretch with runRiskSeeds and posts back the
 * partial (a Float64Array of makespans and a few counts), which mergeRiskPartials combines. A
 * seed's run depends on nothing but the plan and the seed, so the summary is the one a single
 * thread gives — a test asserts it.
 *
 * The worker is this package's risk-worker module beside this one (.ts when running from source,
 * .js built, .mjs in the CLI bundle). When it cannot be started (a bundle that left it out), the
 * runs stay on the calling thread: slower, never different.
 */
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { Plan } from "@openpolicy/core";
import type { RiskOptions, RiskPartial } from "./assess-risk.js";

/** Fewer runs than this per thread are not worth a thread's start-up (loading the simulator, ~0.3 s). */
const MIN_RUNS_PER_WORKER = 200;
const MAX_WORKERS = 8;

export function riskWorkerCount(options: Pick<RiskOptions, "runs" | "workers">): number {
  if (options.workers !== undefined) return Math.max(1, Math.min(options.workers, options.runs));
  return Math.max(1, Math.min(availableParallelism(), MAX_WORKERS, Math.floor(options.runs / MIN_RUNS_PER_WORKER)));
}

/** The worker module beside this one, with the extension this module was loaded with. */
function workerFile(): string | undefined {
  const here = fileURLToPath(import.meta.url);
  const extension = /\.(ts|mjs|js)$/.exec(here)?.[1] ?? "js";
  // In the CLI bundle this code sits in the entry or in a chunk, and the worker in dist/chunks/.
  const candidates = [`./risk-worker.${extension}`, "./risk-worker.mjs", "./chunks/risk-worker.mjs", "./risk-worker.js"].map((name) => fileURLToPath(new URL(name, import.meta.url)));
  return candidates.find((file) => existsSync(file));
}

export interface RiskWorkerData {
  plan: Plan;
  options: Omit<RiskOptions, "workers">;
}

/** Runs the seeds over `workers` threads; undefined when no worker could be started. */
export async function runRiskInWorkers(plan: Plan, options: RiskOptions, workers: number): Promise<RiskPartial[] | undefined> {
  const file = workerFile();
  if (!file) return undefined;
  const entry = workerEntry(file);
  if (!entry) return undefined;
  const per = Math.ceil(options.runs / workers);
  const stretches: { seed0: number; runs: number }[] = [];
  for (let start = 0; start < options.runs; start += per) stretches.push({ seed0: options.seed0 + start, runs: Math.min(per, options.runs - start) });
  try {
    return await Promise.all(
      stretches.map(
        (stretch) =>
          new Promise<RiskPartial>((resolve, reject) => {
            const data: RiskWorkerData = { plan, options: { ...withoutWorkers(options), ...stretch } };
            const worker = new Worker(entry.url, { workerData: data, execArgv: entry.execArgv });
            worker.once("message", (partial: RiskPartial) => resolve(partial));
            worker.once("error", reject);
            worker.once("exit", (code) => {
              if (code !== 0) reject(new Error(`risk worker exited with code ${code}`));
            });
          }),
      ),
    );
  } catch (error) {
    // A worker that could not load (ERR_WORKER_*) leaves the runs to this thread; a run that
    // threw would throw here too, so that error is the caller's.
    if ((error as NodeJS.ErrnoException).code?.startsWith("ERR_WORKER")) return undefined;
    throw error;
  }
}

/**
 * How to start the worker. Built, it is the module itself. From source (tests, `pnpm bench`) it is
 * TypeScript, which Node cannot load alone, and a worker does not inherit the parent's loader: a
 * one-line ES module registers tsx's loader in the thread first, then imports the worker.
 */
function workerEntry(file: string): { url: URL; execArgv: string[] } | undefined {
  if (!file.endsWith(".ts")) return { url: pathToFileURL(file), execArgv: process.execArgv };
  let tsx: string;
  try {
    // require.resolve gives the CommonJS build; the ES module build sits beside it.
    tsx = createRequire(import.meta.url).resolve("tsx/esm/api").replace(/\.cjs$/, ".mjs");
  } catch {
    return undefined;
  }
  const source = `import { register } from ${JSON.stringify(pathToFileURL(tsx).href)}; register(); await import(${JSON.stringify(pathToFileURL(file).href)});`;
  return { url: new URL(`data:text/javascript,${encodeURIComponent(source)}`), execArgv: [...process.execArgv, "--conditions=source"] };
}

function withoutWorkers(options: RiskOptions): Omit<RiskOptions, "workers"> {
  const { workers: _workers, ...rest } = options;
  return rest;
}
