#!/usr/bin/env node
// `pnpm opdeploy <args>`: runs the bundled CLI, bundling it first when it is missing or older
// than the sources (so a fresh clone needs only `pnpm install`).
import { spawnSync, execFileSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const cli = `${root}packages/cli/dist/opdeploy.mjs`;

function newestSource() {
  let newest = 0;
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
if (built < newestSource()) execFileSync(process.execPath, [`${root}packages/cli/scripts/bundle.mjs`], { stdio: "inherit" });
const result = spawnSync(process.execPath, [cli, ...process.argv.slice(2)], { stdio: "inherit" });
process.exitCode = result.status ?? 1;
