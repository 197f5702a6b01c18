// `opdeploy --version` and `--help` must not load the plan code (zod, yaml, core, the simulator):
// commands are registered by name and summary and their modules imported only when they run.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMMANDS } from "../src/commands/index.js";
import { buildCli, CLI, REPO_ROOT } from "./run-cli.js";

describe("command registry", () => {
  it("lists each command under its own name and summary", async () => {
    for (const entry of COMMANDS) {
      const command = await entry.load();
      expect({ name: command.name, summary: command.summary }).toEqual({ name: entry.name, summary: entry.summary });
    }
  });
});

describe("bundled CLI start-up", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "opdeploy-lazy-"));
  const log = path.join(dir, "loaded.txt");
  // A module resolve hook (it runs on the loader thread) appends every resolved URL to the log.
  const hook = path.join(dir, "hook.mjs");
  writeFileSync(
    hook,
    `import { appendFileSync } from "node:fs";
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(process.env.OPDEPLOY_LOAD_LOG, result.url + "\\n");
  return result;
}
`,
  );
  const register = `data:text/javascript,import{register}from"node:module";register(${JSON.stringify(pathToFileURL(hook).href)});`;

  /** The bundle's own files a run loaded, and the source files those files were built from. */
  function sourcesLoadedBy(args: string[]): { files: string[]; sources: string[] } {
    writeFileSync(log, "");
    execFileSync(process.execPath, ["--import", register, CLI, ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, OPDEPLOY_LOAD_LOG: log },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const files = readFileSync(log, "utf8")
      .split("\n")
      .filter((url) => url.startsWith("file:"))
      .map((url) => fileURLToPath(url));
    // The external source maps beside each chunk name the modules inside it.
    const sources = files.flatMap((file) =>
      (JSON.parse(readFileSync(`${file}.map`, "utf8")) as { sources: string[] }).sources.map((s) => path.resolve(path.dirname(file), s)),
    );
    return { files, sources };
  }

  const planCode = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?(?:zod|yaml|js-yaml)\/|packages\/(?:core|simulator)\/src\//;

  beforeAll(() => buildCli(), 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([["--version"], ["--help"]])("%s loads no plan code", (flag) => {
    const { files, sources } = sourcesLoadedBy([flag]);
    expect(files.length).toBeGreaterThan(0);
    expect(sources.filter((s) => planCode.test(s))).toEqual([]);
  });

  it("a command does load the plan code (the check above can see it)", () => {
    const { sources } = sourcesLoadedBy(["check", "examples/openpolicy/plan.fixed.yaml"]);
    expect(sources.some((s) => s.includes("packages/core/src/"))).toBe(true);
    expect(sources.some((s) => /node_modules\/.*zod\//.test(s))).toBe(true);
  });
});
