#!/usr/bin/env node
/**
 * The API report of @openpolicy/core (etc/core.api.md), with api-extractor: what the package
 * entry exports, signature by signature, so a change to the public API shows in review.
 *
 *   node scripts/api-report.mjs           rewrite etc/core.api.md
 *   node scripts/api-report.mjs --check   exit 1 when etc/core.api.md is stale (CI, tests)
 *
 * Declarations are emitted to temp/api (not dist/, which a concurrent build may be replacing), so
 * the report reflects src/ as it is. The folder is fixed because api-extractor writes the paths
 * of its warnings into the report: a random folder would make every report differ.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Extractor, ExtractorConfig } from "@microsoft/api-extractor";

const project = fileURLToPath(new URL("..", import.meta.url));
const require = createRequire(import.meta.url);

/** Emits core's declarations and runs api-extractor on them; true when the report is up to date. */
export function apiReport({ check }) {
  const temp = join(project, "temp", "api");
  rmSync(temp, { recursive: true, force: true });
  mkdirSync(temp, { recursive: true });
  try {
    const tsc = require.resolve("typescript/bin/tsc");
    try {
      execFileSync(process.execPath, [tsc, "-p", join(project, "tsconfig.build.json"), "--emitDeclarationOnly", "--outDir", join(temp, "types")], { stdio: "inherit" });
    } catch {
      console.error("api-report: core's declarations could not be emitted (TypeScript errors above)");
      return false;
    }
    const configObjectFullPath = join(project, "api-extractor.json");
    const configObject = ExtractorConfig.loadFile(configObjectFullPath);
    configObject.mainEntryPointFilePath = join(temp, "types", "index.d.ts");
    configObject.apiReport.reportTempFolder = temp;
    const config = ExtractorConfig.prepare({ configObject, configObjectFullPath, packageJsonFullPath: join(project, "package.json") });
    const result = Extractor.invoke(config, { localBuild: !check, showVerboseMessages: false });
    if (check && result.apiReportChanged) {
      console.error("api-report: etc/core.api.md is stale — the public API of @openpolicy/core changed.");
      console.error("Run `pnpm --filter @openpolicy/core api-report` and commit etc/core.api.md with the change.");
      return false;
    }
    // Warnings (a forgotten export, a TSDoc nit) are written into the report itself, where review
    // sees them; api-extractor counts them as failures outside local builds, so only errors fail.
    if (result.errorCount > 0) {
      console.error(`api-report: api-extractor failed (${result.errorCount} error(s))`);
      return false;
    }
    return true;
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = apiReport({ check: process.argv.includes("--check") }) ? 0 : 1;
}
