/**
 * `opdeploy plan --optimize` (the planner through the CLI) and `opdeploy simulate --on kind`
 * (the kind rehearsal's CLI side; without a Docker engine it must say so and exit 2).
 */
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildCli, runCli } from "./run-cli.js";

const FIXED = "examples/openpolicy/plan.fixed.yaml";

let dir: string;
let dockerReason: string | undefined;
beforeAll(async () => {
  await buildCli();
  dir = await mkdtemp(join(tmpdir(), "opdeploy-optimize-"));
  const { dockerAvailable } = await import("@openpolicy/simulator/kubernetes");
  const docker = await dockerAvailable();
  dockerReason = docker.ok ? undefined : docker.reason;
}, 60_000);

describe("opdeploy plan --optimize", () => {
  it("writes with -o a plan that check accepts (exit 0), with the same services in fewer phases", async () => {
    const out = join(dir, "optimized.yaml");
    const run = await runCli(["plan", FIXED, "--optimize", "-o", out]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Optimized order for openpolicy/);
    expect(run.stderr).toContain(`wrote ${out}`);
    const check = await runCli(["check", out, "-f", "json"]);
    expect(check.code).toBe(0);

    const [written, original] = await Promise.all([
      runCli(["plan", out, "-f", "json"]).then((r) => JSON.parse(r.stdout) as { phases: { name: string }[] }),
      runCli(["plan", FIXED, "-f", "json"]).then((r) => JSON.parse(r.stdout) as { phases: { name: string }[] }),
    ]);
    expect(written.phases.length).toBeLessThanOrEqual(original.phases.length);
    // The keys under `services:` (one flow mapping per service in both files).
    const services = (yaml: string) => [...yaml.slice(yaml.search(/^services:/m)).matchAll(/^ {2}([a-z][\w-]*):\s*\{/gm)].map((m) => m[1]).sort();
    const [a, b] = await Promise.all([readFile(out, "utf8"), readFile(FIXED, "utf8")]);
    expect(services(a)).toEqual(services(b));
    expect(services(a)).toEqual(expect.arrayContaining(["postgresql", "api-gateway", "mobile-api"]));
  });

  it("prints JSON and Markdown reports, and refuses -o without --optimize (exit 2)", async () => {
    const json = await runCli(["plan", FIXED, "--optimize", "-f", "json"]);
    expect(json.code).toBe(0);
    const result = JSON.parse(json.stdout) as { makespan: { seconds: number }; handWritten: { seconds: number }; violations: string[] };
    expect(result.violations).toEqual([]);
    expect(result.makespan.seconds).toBeLessThanOrEqual(result.handWritten.seconds);
    const md = await runCli(["plan", FIXED, "--optimize", "-f", "markdown"]);
    expect(md.code).toBe(0);
    expect(md.stdout).toMatch(/^#+ /m);
    const bad = await runCli(["plan", FIXED, "-o", join(dir, "x.yaml")]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("goes with --optimize");
  });
});

describe("opdeploy simulate --on kind", () => {
  it("without a Docker engine says so and exits 2 (with one, the kind suite covers the run)", async (ctx) => {
    if (dockerReason === undefined) {
      console.warn("skipping the no-Docker case: a Docker engine answers here (test/kind covers kind runs)");
      ctx.skip();
    }
    const run = await runCli(["simulate", "examples/openpolicy/plan.fixed.yaml", "--on", "kind"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^opdeploy simulate: no Docker engine: /);
    expect(run.stdout).toBe("");
  });

  it("refuses options that only the simulated cluster has (exit 2)", async () => {
    const run = await runCli(["simulate", "examples/openpolicy/plan.fixed.yaml", "--on", "kind", "--runs", "3"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--on kind runs the plan once");
  });
});
