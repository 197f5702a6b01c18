/**
 * Issue 11 item 5: `pnpm demo` shows what opdeploy is for — the defective plan's findings, the
 * fixed plan's rehearsal, the surge incident caught — and its exit code says whether each step
 * ended as it should. Runs scripts/demo.mjs as a user would (one Node process).
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { buildCli, REPO_ROOT } from "./run-cli.js";

const execFileAsync = promisify(execFile);

describe("pnpm demo", () => {
  it("prints check's findings, then a successful rehearsal, then the caught surge; exit 0", { timeout: 120_000 }, async () => {
    await buildCli();
    const { stdout } = await execFileAsync(process.execPath, ["scripts/demo.mjs"], {
      cwd: REPO_ROOT,
      env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: undefined },
      maxBuffer: 16 * 1024 * 1024,
    });
    // execFile rejects on a non-zero exit, so reaching here means exit 0.
    const headings = [...stdout.matchAll(/^━━ (\d)\. /gm)].map((m) => m[1]);
    expect(headings).toEqual(["1", "2", "3"]);
    const [check, rehearsal, upgrade] = stdout.split(/^━━ \d\. .*$/m).slice(1);
    expect(check).toMatch(/examples\/openpolicy\/plan\.yaml:\d+:\d+: error: /);
    expect(check).toContain("dependency-cycle");
    expect(rehearsal).toMatch(/^Verdict: succeeded/m);
    expect(rehearsal).not.toMatch(/: error: /);
    expect(upgrade).toMatch(/^Verdict: rolled back/m);
    expect(upgrade).toMatch(/Insufficient memory/);
    expect(stdout).toMatch(/demo: every step ended as expected/);
  });
});
