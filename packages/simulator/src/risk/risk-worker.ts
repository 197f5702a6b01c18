/**
 * A worker thread of `--runs`: runs its stretch of seeds and posts the partial summary back
 * (parallel-risk.ts starts it; workerData is a RiskWorkerData).
 */
import { parentPort, workerData } from "node:worker_threads";
import { runRiskSeeds } from "./assess-risk.js";
import type { RiskWorkerData } from "./parallel-risk.js";

if (parentPort) {
  const { plan, options } = workerData as RiskWorkerData;
  const partial = await runRiskSeeds(plan, options);
  parentPort.postMessage(partial, [partial.makespans.buffer as ArrayBuffer]);
}
