#!/usr/bin/env node
/**
 * The API report of @openpolicy/core (etc/core.api.md), with api-extractor: what the package
 * entry exports, signature by signature, so a change to the public API shows in review.
 *
 *   node scripts/api-report.mjs           rewrite etc/core.api.md
 *   node scripts/api-report.mjs --check   exit 1 when etc/core.api.md is stale (CI, tests)
 *
 * Declarations are emitted to temp/api-<pid> (not dist/, which a concurrent build may be
 * replacing; one folder per run, so concurrent test runs do not delete each other's), and the
 * report is written there first. api-extractor writes the paths of its warnings into the report,
 * so the folder's name is replaced by "temp/api" before the report is compared or kept.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Extractor, ExtractorConfig } from "@microsoft/api-extractor";

const project = fileURLToPath(new URL("..", import.meta.url));
const require = createRequire(import.meta.url);
const REPORT = join(project, "etc", "core.api.md");

/** The report api-extractor writes for the sources as they are, or undefined (errors printed). */
function generate(temp) {
  const tsc = require.resolve("typescript/bin/tsc");
  try {
    execFileSync(process.execPath, [tsc, "-p", join(project, "tsconfig.build.json"), "--emitDeclarationOnly", "--outDir", join(temp, "types")], { stdio: "inherit" });
  } catch {
    console.error("api-report: core's declarations could not be emitted (TypeScript errors above)");
    return undefined;
  }
  const configObjectFullPath = join(project, "api-extractor.json");
  const configObject = ExtractorConfig.loadFile(configObjectFullPath);
  configObject.mainEntryPointFilePath = join(temp, "types", "index.d.ts");
  configObject.apiReport.reportFolder = temp;
  configObject.apiReport.reportTempFolder = join(temp, "previous");
  const config = ExtractorConfig.prepare({ configObject, configObjectFullPath, packageJsonFullPath: join(project, "package.json") });
  // A local build writes the report into reportFolder; starting from the committed one, it says
  // "changed" only when it is.
  try {
    copyFileSync(REPORT, join(temp, "core.api.md"));
  } catch {}
  const result = Extractor.invoke(config, { localBuild: true, showVerboseMessages: false });
  // Warnings (a forgotten export, a TSDoc nit) are written into the report itself, where review
  // sees them; only errors fail.
  if (result.errorCount > 0) {
    console.error(`api-report: api-extractor failed (${result.errorCount} error(s))`);
    return undefined;
  }
  const folder = temp.slice(project.length).replaceAll("\\", "/");
  return readFileSync(join(temp, "core.api.md"), "utf8").replaceAll(folder, "temp/api");
}

/** Generates the report; with `check`, true when etc/core.api.md equals it, else writes it. */
export function apiReport({ check }) {
  const temp = join(project, "temp", `api-${process.pid}`);
  rmSync(temp, { recursive: true, force: true });
  mkdirSync(temp, { recursive: true });
  try {
    const report = generate(temp);
    if (report === undefined) return false;
    let committed = "";
    try {
      committed = readFileSync(REPORT, "utf8");
    } catch {}
    if (committed === report) return true;
    if (check) {
      console.error("api-report: etc/core.api.md is stale — the public API of @openpolicy/core changed.");
      console.error("Run `pnpm --filter @openpolicy/core api-report` and commit etc/core.api.md with the change.");
      return false;
    }
    mkdirSync(join(project, "etc"), { recursive: true });
    writeFileSync(REPORT, report);
    console.error("api-report: wrote etc/core.api.md");
    return true;
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = apiReport({ check: process.argv.includes("--check") }) ? 0 : 1;
}
