// The bundled CLI for scripts run inside the repository (scripts/opdeploy.mjs, scripts/demo.mjs):
// bundled in this process first when it is missing or older than the sources, so a fresh clone
// needs only `pnpm install`. Bundling writes to stderr only: stdout stays the commands' output.
import { readdirSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
/** Path of the bundled CLI entry. */
export const CLI = `${root}packages/cli/dist/opdeploy.mjs`;

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

/** Bundles the CLI when stale; false (errors already printed) when it cannot be bundled. */
export async function ensureCli() {
  let built = 0;
  try {
    built = statSync(CLI).mtimeMs;
  } catch {}
  if (built >= newestSource()) return true;
  const { bundle } = await import("../packages/cli/scripts/bundle.mjs");
  const esbuild = await import("esbuild");
  try {
    await bundle();
    return true;
  } catch {
    // esbuild has already printed the errors with their file and line.
    console.error("opdeploy: the CLI could not be bundled from the sources (errors above)");
    return false;
  } finally {
    // esbuild's service is a child process: stop it so nothing but the CLI runs from here on.
    esbuild.stop();
  }
}
