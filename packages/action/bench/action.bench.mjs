#!/usr/bin/env node
// Wall time of one action run, as a runner pays it: a fresh `node dist/index.js` process on the
// example plan (mode simulate), N times; prints the median and the bundle's size.
// Goal: under 2 s per run. Usage: node packages/action/bench/action.bench.mjs [N] [--plan PATH]
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";

const packageRoot = new URL("..", import.meta.url).pathname;
const repoRoot = resolve(packageRoot, "../..");
const bundle = join(packageRoot, "dist", "index.js");
const { values, positionals } = parseArgs({ allowPositionals: true, options: { plan: { type: "string" }, "no-build": { type: "boolean" } } });
const runs = Number(positionals[0] ?? 10);
const plan = values.plan ?? "examples/openpolicy/plan.yaml";

if (!values["no-build"]) execFileSync(process.execPath, [join(packageRoot, "scripts", "bundle.mjs")], { stdio: "ignore" });

const runnerTemp = mkdtempSync(join(tmpdir(), "opdeploy-bench-"));
const env = {
  PATH: process.env.PATH,
  GITHUB_EVENT_NAME: "push",
  GITHUB_EVENT_PATH: join(runnerTemp, "event.json"),
  GITHUB_OUTPUT: join(runnerTemp, "output"),
  GITHUB_STEP_SUMMARY: join(runnerTemp, "summary.md"),
  GITHUB_WORKSPACE: repoRoot,
  RUNNER_TEMP: runnerTemp,
  INPUT_PLAN: plan,
  INPUT_MODE: "simulate",
  "INPUT_FAIL-ON": "never",
  INPUT_COMMENT: "false",
};
writeFileSync(env.GITHUB_EVENT_PATH, "{}");

const times = [];
for (let i = 0; i < runs; i++) {
  writeFileSync(env.GITHUB_OUTPUT, "");
  writeFileSync(env.GITHUB_STEP_SUMMARY, "");
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [bundle], { cwd: repoRoot, env, encoding: "utf8" });
  times.push(Number(process.hrtime.bigint() - start) / 1e6);
  if (result.status !== 0) {
    console.error(result.stdout, result.stderr);
    throw new Error(`action bench: run ${i + 1} exited ${result.status}`);
  }
}
times.sort((a, b) => a - b);
const median = times.length % 2 ? times[(times.length - 1) / 2] : (times[times.length / 2 - 1] + times[times.length / 2]) / 2;
const size = statSync(bundle).size;
console.log(`action: ${plan}, mode simulate, ${runs} runs: median ${median.toFixed(0)} ms (min ${times[0].toFixed(0)}, max ${times.at(-1).toFixed(0)}); goal < 2000 ms`);
console.log(`action: bundle dist/index.js ${(size / 1024).toFixed(0)} KiB`);
