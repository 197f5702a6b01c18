/**
 * One large simulation in a process of its own, so its peak RSS is its own: a generated plan of
 * N pods (N/10 services × 10 replicas) on 100 nodes. Prints {ms, maxRssMiB, verdict, events}.
 */
import { parsePlanText } from "@openpolicy/core";
import { simulate } from "@openpolicy/simulator";
import { generatePlanYaml } from "./generate-plan.js";

const pods = Number(process.argv[2] ?? 10_000);
const plan = parsePlanText(generatePlanYaml({ services: pods / 10, replicas: 10, nodes: 100, batchSize: 25 }), "generated.yaml");
const start = process.hrtime.bigint();
const result = await simulate(plan, { seed: 1 });
const ms = Number(process.hrtime.bigint() - start) / 1e6;
const maxRssMiB = process.resourceUsage().maxRSS / 1024;
process.stdout.write(JSON.stringify({ ms, maxRssMiB, verdict: result.verdict, events: result.events.length }));
