#!/usr/bin/env node
// Runs the bundled action on this machine, without GitHub: sets the INPUT_* variables and the
// runner's files (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, RUNNER_TEMP) the way a runner would,
// then runs dist/index.js and shows what it produced. See docs/action.md.
//
//   pnpm --filter @openpolicy/action run local -- --plan examples/openpolicy/plan.yaml --fail-on never
//   pnpm --filter @openpolicy/action run local -- --env-file .github/opdeploy.env --base origin/main
//
// Inputs: --<input name> VALUE for any input of action.yml, or NAME=VALUE lines in --env-file
// (`# comments` and blank lines ignored; flags win). --base REF pretends to be a pull request
// whose base is REF, so the report compares with the plan at REF. No comment is posted (no token).
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";

const packageRoot = new URL("..", import.meta.url).pathname;
const repoRoot = resolve(packageRoot, "../..");
const bundle = join(packageRoot, "dist", "index.js");
const INPUTS = ["mode", "plan", "comment", "fail-on", "runs", "kubeconfig", "context", "namespace"];

const { values } = parseArgs({
  // pnpm passes a literal "--" through to the script.
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: {
    ...Object.fromEntries(INPUTS.map((name) => [name, { type: "string" }])),
    "env-file": { type: "string" },
    base: { type: "string" },
    workspace: { type: "string" },
    build: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  },
});
if (values.help) {
  console.log(readFileSync(new URL(import.meta.url), "utf8").split("\n").slice(1, 12).map((l) => l.replace(/^\/\/ ?/, "")).join("\n"));
  process.exit(0);
}

const inputs = {};
if (values["env-file"]) {
  for (const line of readFileSync(values["env-file"], "utf8").split(/\r?\n/)) {
    const match = /^\s*(?:INPUT_)?([A-Za-z][\w-]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!match || line.trimStart().startsWith("#")) continue;
    inputs[match[1].toLowerCase()] = match[2].replace(/^(["'])(.*)\1$/, "$2");
  }
}
for (const name of INPUTS) if (values[name] !== undefined) inputs[name] = values[name];
inputs.comment ??= "false";

if (values.build || !existsSync(bundle)) execFileSync(process.execPath, [join(packageRoot, "scripts", "bundle.mjs")], { stdio: "inherit" });

const workspace = resolve(values.workspace ?? repoRoot);
const runnerTemp = mkdtempSync(join(tmpdir(), "opdeploy-local-"));
const files = { output: join(runnerTemp, "github_output"), summary: join(runnerTemp, "step_summary.md"), event: join(runnerTemp, "event.json") };
writeFileSync(files.output, "");
writeFileSync(files.summary, "");
let eventName = "workflow_dispatch";
let event = {};
if (values.base) {
  const sha = execFileSync("git", ["rev-parse", "--verify", `${values.base}^{commit}`], { cwd: workspace, encoding: "utf8" }).trim();
  const repository = { full_name: "local/local" };
  eventName = "pull_request";
  event = { number: 0, pull_request: { number: 0, base: { sha, repo: repository }, head: { repo: repository } } };
}
writeFileSync(files.event, JSON.stringify(event));

const env = { ...process.env };
for (const key of Object.keys(env)) if (key.startsWith("INPUT_") || key.startsWith("GITHUB_")) delete env[key];
Object.assign(env, {
  GITHUB_EVENT_NAME: eventName,
  GITHUB_EVENT_PATH: files.event,
  GITHUB_OUTPUT: files.output,
  GITHUB_STEP_SUMMARY: files.summary,
  GITHUB_WORKSPACE: workspace,
  GITHUB_REPOSITORY: "local/local",
  RUNNER_TEMP: runnerTemp,
});
for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] = value;

const result = spawnSync(process.execPath, [bundle], { cwd: workspace, env, stdio: "inherit" });
const outputs = readFileSync(files.output, "utf8").replace(/^(.+)<<(ghadelimiter_[\w-]+)\n([\s\S]*?)\n\2$/gm, "$1=$3");
console.log(`\n--- outputs\n${outputs.trim() || "(none)"}\n--- job summary: ${files.summary}`);
process.exit(result.status ?? 1);
