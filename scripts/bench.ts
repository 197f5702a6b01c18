/**
 * `pnpm bench`: the performance figures quoted in BENCHMARKS.md. Each figure is the median of
 * repeated runs after a warm-up (in-process ones) or of repeated child processes (end to end).
 * Memory for the large simulation is measured in a child process of its own so that its peak
 * RSS is not mixed with the other benchmarks.
 *
 *   pnpm bench            all benchmarks, Markdown table on stdout, JSON in bench-results.json
 *   pnpm bench --quick    fewer repetitions (a smoke run)
 *   pnpm bench --only=scale   one group (check, cli, simulate, action, scale: issue 9)
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { fileURLToPath } from "node:url";
import { checkPlan, parsePlanDocument, parsePlanText } from "@openpolicy/core";
import { riskWorkerCount, simulate } from "@openpolicy/simulator";
import { generatePlanYaml } from "./bench/generate-plan.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const quick = process.argv.includes("--quick");
const only = process.argv.find((a) => a.startsWith("--only="))?.slice("--only=".length);
const EXAMPLE = `${root}examples/openpolicy/plan.yaml`;

interface Figure {
  name: string;
  median: number;
  unit: string;
  runs: number;
  min: number;
  max: number;
  goal?: string;
  note?: string;
}
const figures: Figure[] = [];

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function record(name: string, samples: number[], unit: string, goal?: string, note?: string): void {
  const f: Figure = { name, median: median(samples), unit, runs: samples.length, min: Math.min(...samples), max: Math.max(...samples) };
  if (goal) f.goal = goal;
  if (note) f.note = note;
  figures.push(f);
  console.error(`${name}: median ${f.median.toFixed(3)} ${unit} (n=${f.runs}, min ${f.min.toFixed(3)}, max ${f.max.toFixed(3)})`);
}

async function timeIt(fn: () => unknown | Promise<unknown>, runs: number, warmup = Math.min(5, runs)): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    await fn();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return samples;
}

const want = (group: string) => !only || only.split(",").includes(group);

// --- core: check -------------------------------------------------------------------------------
if (want("check")) {
  const exampleText = readFileSync(EXAMPLE, "utf8");
  record("check: example plan, parse + check (in-process)", await timeIt(() => checkPlan(parsePlanText(exampleText, "plan.yaml")), quick ? 50 : 300), "ms", "< 5 ms");
  const examplePlan = parsePlanText(exampleText, "plan.yaml");
  record("check: example plan, check only (in-process)", await timeIt(() => checkPlan(examplePlan), quick ? 50 : 300), "ms");
  for (const n of [1_000, 10_000]) {
    const text = generatePlanYaml({ services: n, nodes: Math.max(1, n / 100) });
    const runs = quick ? 3 : n >= 10_000 ? 7 : 15;
    record(`check: generated ${n.toLocaleString("en")} services, parse + check`, await timeIt(() => checkPlan(parsePlanText(text, "g.yaml")), runs, 1), "ms", n >= 10_000 ? "< 1000 ms" : undefined);
    const plan = parsePlanText(text, "g.yaml");
    record(`check: generated ${n.toLocaleString("en")} services, check only`, await timeIt(() => checkPlan(plan), runs, 1), "ms");
  }
  const seed = `${root}../shared/seed/000_08b890caca7d35fc.txt`;
  try {
    const seedText = readFileSync(seed, "utf8");
    record("check: seed Markdown document, import + check (in-process)", await timeIt(() => checkPlan(parsePlanDocument(seedText, "seed.txt").plan), quick ? 30 : 200), "ms");
  } catch {
    console.error("seed document absent: its benchmark is skipped");
  }
}

// --- CLI end to end ----------------------------------------------------------------------------
if (want("cli")) {
  execFileSync(process.execPath, [`${root}packages/cli/scripts/bundle.mjs`]);
  const cli = `${root}packages/cli/dist/opdeploy.mjs`;
  const runCli = (args: string[]) => () => {
    const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: "utf8" });
    if (r.status !== 0 && r.status !== 1) throw new Error(`bench: opdeploy ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  };
  const nodeOnly = () => {
    spawnSync(process.execPath, ["-e", "0"]);
  };
  record("cli: node -e 0 (process start-up floor)", await timeIt(nodeOnly, quick ? 5 : 20, 2), "ms");
  record("cli: opdeploy check examples/openpolicy/plan.yaml (end to end)", await timeIt(runCli(["check", "examples/openpolicy/plan.yaml"]), quick ? 5 : 20, 2), "ms", "< 300 ms");
  record("cli: opdeploy simulate examples/openpolicy/plan.yaml (end to end)", await timeIt(runCli(["simulate", "examples/openpolicy/plan.yaml"]), quick ? 5 : 20, 2), "ms");
  // The entry is small; most code sits in chunks. What `check` loads is the entry plus the chunks
  // it imports statically; the real-cluster chunk loads only for deploy/validate/perf/status.
  const chunkDir = `${root}packages/cli/dist/chunks`;
  const chunkSizes = readdirSync(chunkDir).filter((f) => f.endsWith(".mjs")).map((f) => statSync(`${chunkDir}/${f}`).size);
  const total = statSync(cli).size + chunkSizes.reduce((a, b) => a + b, 0);
  figures.push({ name: "cli: bundle size, entry + all chunks", median: total / 1024, unit: "KiB", runs: 1, min: 0, max: 0, note: `entry ${(statSync(cli).size / 1024).toFixed(0)} KiB, ${chunkSizes.length} chunks` });
}

// --- simulator ---------------------------------------------------------------------------------
if (want("simulate")) {
  const plan = parsePlanText(readFileSync(EXAMPLE, "utf8"), "plan.yaml");
  let seed = 1;
  record("simulate: example plan, one run (in-process)", await timeIt(() => simulate(plan, { seed: seed++ }), quick ? 50 : 500, 20), "ms", "< 5 ms");
  const thousand = async () => {
    for (let s = 1; s <= 1000; s++) await simulate(plan, { seed: s });
  };
  record("simulate: example plan, 1,000 runs (seeds 1..1000)", await timeIt(thousand, quick ? 1 : 5, 1), "ms", "< 3000 ms");

  // Scaling: pods = services × 10 replicas, on 100 nodes; each size in its own process for RSS.
  for (const pods of [1_000, 2_000, 5_000, 10_000]) {
    const samples: number[] = [];
    let rss = 0;
    let events = 0;
    for (let i = 0; i < (quick ? 1 : 5); i++) {
      const out = execFileSync(process.execPath, ["--conditions=source", "--import", "tsx", `${root}scripts/bench/simulate-large.ts`, String(pods)], { cwd: root, encoding: "utf8" });
      const r = JSON.parse(out) as { ms: number; maxRssMiB: number; verdict: string; events: number };
      if (r.verdict !== "succeeded") throw new Error(`bench: generated ${pods}-pod plan did not succeed: ${r.verdict}`);
      samples.push(r.ms);
      rss = Math.max(rss, r.maxRssMiB);
      events = r.events;
    }
    record(`simulate: ${pods.toLocaleString("en")} pods on 100 nodes`, samples, "ms", pods === 10_000 ? "< 3000 ms" : undefined, `peak RSS ${rss.toFixed(0)} MiB (goal < 1024 MiB at 10k), ${events.toLocaleString("en")} events`);
  }
}

// --- action --------------------------------------------------------------------------------------
if (want("action")) {
  const out = execFileSync(process.execPath, [`${root}packages/action/bench/action.bench.mjs`, quick ? "3" : "10"], { cwd: root, encoding: "utf8" });
  process.stderr.write(out);
  const medianMs = Number(/median\D*([\d.]+)\s*ms/i.exec(out)?.[1]);
  const sizeKiB = Number(/([\d.,]+)\s*KiB/i.exec(out)?.[1]?.replace(",", ""));
  if (Number.isFinite(medianMs)) figures.push({ name: "action: bundled action on the example (simulate, end to end)", median: medianMs, unit: "ms", runs: quick ? 3 : 10, min: 0, max: 0, goal: "< 2000 ms" });
  if (Number.isFinite(sizeKiB)) figures.push({ name: "action: bundle size (dist/index.js)", median: sizeKiB, unit: "KiB", runs: 1, min: 0, max: 0 });
}

// --- issue 9: scale ------------------------------------------------------------------------------
if (want("scale")) {
  const scale = (args: string[]) =>
    JSON.parse(execFileSync(process.execPath, ["--conditions=source", "--import", "tsx", `${root}scripts/bench/check-scale.ts`, ...args], { cwd: root, encoding: "utf8", maxBuffer: 1 << 26 }) || "{}") as {
      readMs: number;
      checkMs: number;
      findings: number;
      readRssMiB: number;
      maxRssMiB: number;
    };
  const dir = mkdtempSync(`${tmpdir()}/opdeploy-bench-`);
  // A private copy of the bundle: tests running meanwhile rebuild packages/cli/dist in place.
  execFileSync(process.execPath, [`${root}packages/cli/scripts/bundle.mjs`]);
  const cliCopy = mkdtempSync(`${tmpdir()}/opdeploy-bench-cli-`);
  cpSync(`${root}packages/cli/dist`, cliCopy, { recursive: true });
  try {
    const cases = [
      { kind: "unknown", services: 10_000, goal: "< 1000 ms", what: "10,000 services, every one with findings (unknown dependency, same-batch order, no validation)" },
      { kind: "star", services: 2_000, goal: undefined, what: '2,000 services all on dependsOn: "*" (one batch)' },
      { kind: "star", services: 40_000, goal: "near-linear", what: '40,000 services all on dependsOn: "*" (one batch)' },
      { kind: "plain", services: 100_000, goal: "peak RSS < 1024 MiB", what: "100,000 services (generated, 1,000 nodes)" },
      { kind: "rich", services: 100_000, goal: "peak RSS < 1024 MiB", what: "100,000 services with image, env, strategy (YAML)" },
      { kind: "rich-json", services: 100_000, goal: "peak RSS < 1024 MiB", what: "100,000 services with image, env, strategy (JSON, indented)" },
    ];
    for (const c of cases) {
      const file = `${dir}/${c.kind}-${c.services}.yaml`;
      scale(["write", c.kind, String(c.services), file]);
      const runs = quick || c.services >= 100_000 ? 1 : 3;
      const results = Array.from({ length: runs }, () => scale(["check", file]));
      const last = results[results.length - 1]!;
      const peak = Math.max(...results.map((r) => r.maxRssMiB));
      record(
        `check: ${c.what}, check only (read ${median(results.map((r) => r.readMs)).toFixed(0)} ms)`,
        results.map((r) => r.checkMs),
        "ms",
        c.goal,
        `${last.findings.toLocaleString("en")} findings; peak RSS ${peak.toFixed(0)} MiB (${last.readRssMiB.toFixed(0)} MiB after reading); ${(statSync(file).size / 2 ** 20).toFixed(0)} MiB plan`,
      );
    }
    // The same 100,000-service plan through `opdeploy check` as users run it (bundled CLI, output
    // formatted and written; JSON and SARIF also place every fix in the text).
    const endToEnd = [
      ["plain", "text"],
      ["plain", "json"],
      ["plain", "sarif"],
      ["rich", "text"],
      ["rich-json", "text"],
    ];
    for (const [kind, format] of endToEnd) {
      const runs = quick ? 1 : 3;
      const results = Array.from({ length: runs }, () => {
        const child = spawnSync(process.execPath, [`${root}scripts/bench/peak-rss.mjs`, `${cliCopy}/opdeploy.mjs`, "check", `${dir}/${kind}-100000.yaml`, "-f", format!], { cwd: root, encoding: "utf8", maxBuffer: 1 << 30 });
        const lastLine = child.stderr.trim().split("\n").at(-1) ?? "{}";
        return JSON.parse(lastLine) as { ms: number; maxRssMiB: number };
      });
      const peak = Math.max(...results.map((r) => r.maxRssMiB));
      record(`cli: opdeploy check -f ${format}, 100,000 services, ${kind} (end to end)`, results.map((r) => r.ms), "ms", "peak RSS < 1024 MiB", `peak RSS ${peak.toFixed(0)} MiB (median ${median(results.map((r) => r.maxRssMiB)).toFixed(0)})`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  // --runs over worker threads, as users run it (the bundled CLI; from source each worker would
  // first compile the simulator with tsx): the same 10,000 seeds on one thread and on the default.
  const runs = quick ? 1_000 : 10_000;
  const threads = riskWorkerCount({ runs });
  const simulateRuns = (workers: string[]) => () => {
    execFileSync(process.execPath, [`${cliCopy}/opdeploy.mjs`, "simulate", "examples/openpolicy/plan.fixed.yaml", "--runs", String(runs), ...workers, "-f", "json"], { cwd: root, encoding: "utf8" });
  };
  const oneThread = await timeIt(simulateRuns(["--workers", "1"]), quick ? 1 : 5, 0);
  const spread = await timeIt(simulateRuns([]), quick ? 1 : 5, 0);
  record(`cli: simulate --runs ${runs.toLocaleString("en")} --workers 1 (end to end)`, oneThread, "ms");
  record(
    `cli: simulate --runs ${runs.toLocaleString("en")}, default ${threads} worker thread${threads === 1 ? "" : "s"} (end to end)`,
    spread,
    "ms",
    "faster than one thread",
    `load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores at the end; summary identical (risk-parallel.test.ts)`,
  );
  rmSync(cliCopy, { recursive: true, force: true });
}

const machine = `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${process.platform}`;
const date = new Date().toISOString().slice(0, 10);
writeFileSync(`${root}bench-results.json`, `${JSON.stringify({ date, machine, quick, figures }, null, 2)}\n`);
const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));
console.log(`Machine: ${machine} · date ${date}${quick ? " · QUICK run" : ""}\n`);
console.log("| Benchmark | Median | Runs | Goal | Note |\n|---|---:|---:|---|---|");
for (const f of figures) console.log(`| ${f.name} | ${fmt(f.median)} ${f.unit} | ${f.runs} | ${f.goal ?? ""} | ${f.note ?? ""} |`);
