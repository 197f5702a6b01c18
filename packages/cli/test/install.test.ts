// The release, rehearsed end to end on this machine: pack the npm packages as `pnpm publish`
// would, lint the tarballs (publint, arethetypeswrong), publish them to a throwaway local registry
// and install the CLI from it into an empty folder, as a user would. Skips with the reason when the
// local registry cannot start (fails instead when OPDEPLOY_RELEASE_DRY_RUN=required). Needs the
// libraries' dist/ (`pnpm build`, which `pnpm test` runs first); builds them when they are missing.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalRegistry, type LocalRegistry } from "./helpers/local-registry.js";
import { buildCli, REPO_ROOT } from "./run-cli.js";

const PACKAGES = ["core", "simulator", "cli"] as const;
const bin = (name: string) => path.join(REPO_ROOT, "node_modules", ".bin", name);

/** The environment without pnpm's npm_config_* overrides, so npm reads only the configs we give it. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
}

function run(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, { cwd, env: cleanEnv(), encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 * 1024 * 1024 });
}

function tarEntries(tarball: string): string[] {
  return run("tar", ["tzf", tarball], path.dirname(tarball)).split("\n").filter(Boolean);
}

function ensureLibrariesBuilt(): void {
  const missing = ["core", "simulator"].filter((p) => !existsSync(path.join(REPO_ROOT, "packages", p, "dist", "index.d.ts")));
  if (missing.length > 0) run("pnpm", ["--filter", "@openpolicy/core", "--filter", "@openpolicy/simulator", "build"], REPO_ROOT);
}

describe("release dry run", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "opdeploy-release-"));
  const tarballs = path.join(dir, "tarballs");
  const tarball: Record<string, string> = {};
  let registry: LocalRegistry | undefined;
  let registryUnavailable = "";

  beforeAll(async () => {
    await buildCli();
    ensureLibrariesBuilt();
    mkdirSync(tarballs);
    // pnpm pack applies publishConfig (exports without the in-repo "source" condition) and
    // turns workspace:* into versions, exactly as `changeset publish` does.
    for (const pkg of PACKAGES) {
      const before = new Set(readdirSync(tarballs));
      run("pnpm", ["pack", "--pack-destination", tarballs], path.join(REPO_ROOT, "packages", pkg));
      tarball[pkg] = path.join(tarballs, readdirSync(tarballs).find((f) => !before.has(f))!);
    }
    try {
      registry = await startLocalRegistry(dir);
    } catch (error) {
      // The release workflow sets this: there, a dry run that could not run must fail the release.
      if (process.env.OPDEPLOY_RELEASE_DRY_RUN === "required") throw error;
      registryUnavailable = (error as Error).message;
      console.warn(`release dry run: publishing and installing skipped, the local registry did not start: ${registryUnavailable}`);
    }
  }, 300_000);

  afterAll(async () => {
    await registry?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(PACKAGES)("publint passes on the packed %s package (strict)", (pkg) => {
    const output = run(bin("publint"), ["run", tarball[pkg]!, "--strict"], dir);
    expect(output).toContain("All good!");
  });

  it.each(["core", "simulator"])("arethetypeswrong passes on the packed %s package (ESM-only profile)", (pkg) => {
    // Throws (non-zero exit) on any problem other than CommonJS require() of an ESM-only package.
    run(bin("attw"), [tarball[pkg]!, "--profile", "esm-only", "--format", "ascii"], dir);
  });

  it("the packed manifests carry no unshipped export condition and the CLI depends on nothing", () => {
    for (const pkg of PACKAGES) {
      const manifest = JSON.parse(run("tar", ["xzOf", tarball[pkg]!, "package/package.json"], dir)) as Record<string, unknown>;
      expect(JSON.stringify(manifest.exports ?? {})).not.toContain('"source"');
      expect(manifest.engines).toEqual({ node: ">=20" });
      if (pkg === "cli") {
        expect(manifest.dependencies).toBeUndefined();
        expect(manifest.peerDependenciesMeta).toEqual({ testcontainers: { optional: true } });
      } else {
        expect(manifest.sideEffects).toBe(false);
      }
    }
  });

  it("the CLI tarball holds the bundle and its THIRD-PARTY-NOTICES, without source maps", () => {
    const entries = tarEntries(tarball.cli!);
    expect(entries).toContain("package/dist/opdeploy.mjs");
    expect(entries).toContain("package/dist/THIRD-PARTY-NOTICES.txt");
    expect(entries.filter((e) => e.endsWith(".map"))).toEqual([]);
    const notices = run("tar", ["xzOf", tarball.cli!, "package/dist/THIRD-PARTY-NOTICES.txt"], dir);
    // zod and yaml are inlined in the bundle: their licences must be reproduced.
    expect(notices).toMatch(/^zod \S+ — MIT$/m);
    expect(notices).toMatch(/^yaml \S+ — ISC$/m);
    console.log(`release dry run: CLI tarball ${(statSync(tarball.cli!).size / 1024).toFixed(0)} KiB, ${entries.length} files`);
  });

  it("publishes to a local registry; the CLI installs alone in an empty folder and checks a plan", (ctx) => {
    if (!registry) {
      console.warn(`skipped: ${registryUnavailable}`);
      return ctx.skip();
    }
    const npm = (args: string[], cwd: string) => run("npm", [...args, "--userconfig", registry!.npmrc, "--cache", path.join(dir, "npm-cache")], cwd);
    for (const pkg of PACKAGES) npm(["publish", tarball[pkg]!, "--access", "public", "--provenance=false"], dir);

    const consumer = path.join(dir, "consumer");
    mkdirSync(consumer);
    writeFileSync(path.join(consumer, "package.json"), JSON.stringify({ name: "consumer", private: true }));
    npm(["install", "@openpolicy/cli", "--no-audit", "--no-fund"], consumer);
    const lock = JSON.parse(readFileSync(path.join(consumer, "node_modules", ".package-lock.json"), "utf8")) as { packages: Record<string, unknown> };
    const installed = Object.keys(lock.packages).filter((key) => key.startsWith("node_modules/"));
    console.log(`release dry run: installing @openpolicy/cli brought ${installed.length} package(s): ${installed.join(", ")}`);
    expect(installed.length).toBeLessThanOrEqual(5);

    const opdeploy = path.join(consumer, "node_modules", ".bin", "opdeploy");
    const version = JSON.parse(readFileSync(path.join(REPO_ROOT, "packages", "cli", "package.json"), "utf8")).version as string;
    expect(run(opdeploy, ["--version"], consumer).trim()).toBe(version);
    const plan = path.join(REPO_ROOT, "examples", "openpolicy", "plan.fixed.yaml");
    // Exit 0 (execFileSync throws otherwise) and JSON on stdout with no error findings.
    const report = JSON.parse(run(opdeploy, ["check", plan, "-f", "json"], consumer)) as { findings: { severity: string }[] };
    expect(report.findings.filter((f) => f.severity === "error")).toEqual([]);
  });
});
