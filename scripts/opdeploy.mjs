#!/usr/bin/env node
// `pnpm -s opdeploy <args>` (or `node scripts/opdeploy.mjs <args>`): runs the bundled CLI in this
// same process — one Node start-up, and Ctrl-C reaches a running deploy directly — bundling it
// first when it is missing or older than the sources, so a fresh clone needs only `pnpm install`.
// Bundling writes to stderr only: stdout carries the command's output and nothing else.
import { readdirSync, statSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const cli = `${root}packages/cli/dist/opdeploy.mjs`;

function newestSource() {
  let newest = statSync(`${root}packages/cli/package.json`).mtimeMs;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  for (const pkg of ["core", "simulator", "cli"]) walk(`${root}packages/${pkg}/src`);
  return newest;
}

let built = 0;
try {
  built = statSync(cli).mtimeMs;
} catch {}
let bundled = true;
if (built < newestSource()) {
  const { bundle } = await import("../packages/cli/scripts/bundle.mjs");
  const esbuild = await import("esbuild");
  try {
    await bundle();
  } catch {
    // esbuild has already printed the errors with their file and line.
    console.error("opdeploy: the CLI could not be bundled from the sources (errors above)");
    process.exitCode = 2;
    bundled = false;
  }
  // esbuild's service is a child process: stop it so nothing but the CLI runs from here on.
  esbuild.stop();
}
// The bundle reads process.argv.slice(2) — the same arguments this script was given — and sets
// process.exitCode.
if (bundled) await import(pathToFileURL(cli).href);
