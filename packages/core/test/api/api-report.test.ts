/**
 * Issue 11 item 2: etc/core.api.md — api-extractor's report of @openpolicy/core's public API — is
 * up to date, so every change to the API shows in review as a change to that file. When this
 * fails: `pnpm --filter @openpolicy/core api-report`, then commit etc/core.api.md.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SCRIPT = fileURLToPath(new URL("../../scripts/api-report.mjs", import.meta.url));

describe("API report", () => {
  it("etc/core.api.md matches the public API of the sources", { timeout: 180_000 }, () => {
    const run = spawnSync(process.execPath, [SCRIPT, "--check"], { encoding: "utf8" });
    const stale = /etc\/core\.api\.md is stale/.test(run.stderr);
    expect(stale ? "etc/core.api.md is stale: run `pnpm --filter @openpolicy/core api-report`" : run.stderr.includes("api-report:") ? run.stderr : "up to date").toBe("up to date");
    expect(run.status).toBe(0);
  });
});
