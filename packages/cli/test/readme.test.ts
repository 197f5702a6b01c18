/**
 * Issue 11 item 2: the CLI README stays true. Each `opdeploy` line of its ```sh blocks runs
 * (in-process, against the sources) in a folder holding plan.yaml (examples/openpolicy's fixed
 * plan) and plan.previous.yaml, and must end with the exit code its `# exit N` comment states.
 */
import { copyFile, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Io } from "../src/cli-io.js";
import { main } from "../src/main.js";
import { REPO_ROOT } from "./run-cli.js";

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "opdeploy-readme-"));
  await copyFile(join(REPO_ROOT, "examples/openpolicy/plan.fixed.yaml"), join(folder, "plan.yaml"));
  await copyFile(join(REPO_ROOT, "examples/openpolicy/plan.previous.yaml"), join(folder, "plan.previous.yaml"));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

async function commands(): Promise<{ line: string; args: string[]; stated: number | undefined }[]> {
  const readme = await readFile(join(REPO_ROOT, "packages/cli/README.md"), "utf8");
  return [...readme.matchAll(/^```sh\n([\s\S]*?)^```$/gm)]
    .flatMap((m) => m[1]!.split("\n"))
    .filter((line) => line.startsWith("opdeploy "))
    .map((line) => {
      const stated = /#\s*exit (\d+)/.exec(line);
      // File names are the folder's files: the commands read paths relative to the process's
      // directory, which a test does not change.
      const args = line.replace(/#.*$/, "").trim().split(/\s+/).slice(1).map((arg) => (/\.ya?ml$/.test(arg) ? join(folder, arg) : arg));
      return { line, args, stated: stated ? Number(stated[1]) : undefined };
    });
}

describe("packages/cli/README.md", () => {
  it("every opdeploy line ends with the exit code its comment states", { timeout: 120_000 }, async () => {
    const lines = await commands();
    expect(lines.length).toBeGreaterThanOrEqual(5);
    const wrong: string[] = [];
    for (const { line, args, stated } of lines) {
      const io: Io = { out: () => {}, err: () => {}, color: false, errColor: false, env: {}, cwd: folder };
      const code = await main(args, io);
      if (stated === undefined) wrong.push(`${line}: no "# exit N" comment`);
      else if (code !== stated) wrong.push(`${line}: exit ${code}`);
    }
    expect(wrong).toEqual([]);
  });
});
