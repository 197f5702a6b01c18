/**
 * Issue 11 item 2: the API reference (TypeDoc, `pnpm --filter @openpolicy/core docs` → docs/api)
 * builds without a warning: every `{@link}` in the TSDoc resolves, and no type the public API
 * refers to is left out of the entry's exports.
 */
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const PROJECT = fileURLToPath(new URL("../../", import.meta.url));
// The package's bin, found next to its package.json (its exports map does not list bin/).
const TYPEDOC = join(dirname(createRequire(import.meta.url).resolve("typedoc/package.json")), "bin/typedoc");

describe("API reference", () => {
  it("TypeDoc builds it with no warnings", { timeout: 180_000 }, () => {
    const out = join(PROJECT, `temp/typedoc-${process.pid}`);
    try {
      const run = spawnSync(process.execPath, [TYPEDOC, "--options", "typedoc.json", "--out", out, "--treatWarningsAsErrors"], { cwd: PROJECT, encoding: "utf8" });
      const problems = `${run.stdout}\n${run.stderr}`.split("\n").filter((line) => /\[(warning|error)\]/.test(line) && !/Found \d+ errors/.test(line));
      expect(problems).toEqual([]);
      expect(run.status).toBe(0);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
