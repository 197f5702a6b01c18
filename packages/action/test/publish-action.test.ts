// The Action's release (scripts/release/publish-action.mjs) against a real git "remote" in a temp
// folder standing in for openpolicy/deploy-action: what is committed, which tags exist, and that
// the major tag moves while a released version tag never does.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";

const SCRIPT = fileURLToPath(new URL("../../../scripts/release/publish-action.mjs", import.meta.url));
const BUNDLE = new URL("../scripts/bundle.mjs", import.meta.url).href;
const git = (cwd: string, ...args: string[]) => execFileSync("git", ["-C", cwd, ...args], { encoding: "utf8" }).trim();

describe("publishing the Action to its own repository", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "deploy-action-"));
  const remote = path.join(dir, "remote.git");
  const clone = path.join(dir, "clone");
  const dist = path.join(dir, "dist");

  beforeAll(async () => {
    for (const [key, value] of Object.entries({ GIT_AUTHOR_NAME: "release", GIT_AUTHOR_EMAIL: "release@example.invalid" })) {
      process.env[key] = value;
      process.env[key.replace("AUTHOR", "COMMITTER")] = value;
    }
    execFileSync("git", ["init", "--quiet", "--bare", "--initial-branch=main", remote]);
    execFileSync("git", ["clone", "--quiet", remote, clone], { stdio: "ignore" });
    // The bundle the release ships, built to a temp folder (the committed dist is left alone).
    const { bundle } = (await import(BUNDLE)) as { bundle(options: { outfile: string }): Promise<string> };
    await bundle({ outfile: path.join(dist, "index.js") });
  }, 180_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs the script as the release workflow does; returns its exit code and output. */
  function publish(version: string): { code: number | null; out: string } {
    const result = spawnSync(process.execPath, [SCRIPT, "--repo", clone, "--version", version, "--dist", dist, "--push"], { encoding: "utf8" });
    return { code: result.status, out: result.stdout + result.stderr };
  }

  it("commits only the action's files, tags vX.Y.Z and points the major tag at it", () => {
    expect(publish("1.0.0")).toEqual({ code: 0, out: "deploy-action: v1.0.0 (v1 moved), pushed\n" });
    expect(git(remote, "ls-tree", "-r", "--name-only", "v1.0.0").split("\n")).toEqual([
      "LICENSE",
      "README.md",
      "action.yml",
      "dist/THIRD-PARTY-NOTICES.txt",
      "dist/index.js",
    ]);
    expect(git(remote, "rev-parse", "v1^{commit}")).toBe(git(remote, "rev-parse", "v1.0.0^{commit}"));
    expect(git(remote, "rev-parse", "main")).toBe(git(remote, "rev-parse", "v1.0.0^{commit}"));
    const manifest = parse(git(remote, "show", "v1.0.0:action.yml"));
    expect(manifest.runs.main).toBe("dist/index.js");
    expect(manifest.branding).toEqual({ icon: expect.any(String), color: expect.any(String) });
    expect(git(remote, "show", "v1.0.0:README.md")).not.toMatch(/\]\(\.\.\//);
  });

  it("moves v1 to the next release and leaves the released tag where it was", () => {
    const first = git(remote, "rev-parse", "v1.0.0^{commit}");
    expect(publish("1.0.1").code).toBe(0);
    expect(git(remote, "rev-parse", "v1.0.0^{commit}")).toBe(first);
    expect(git(remote, "rev-parse", "v1^{commit}")).toBe(git(remote, "rev-parse", "v1.0.1^{commit}"));
    expect(git(remote, "rev-parse", "v1^{commit}")).not.toBe(first);
  });

  it("refuses to publish a version twice, and a pre-release does not move v1", () => {
    const again = publish("1.0.1");
    expect(again.code).toBe(1);
    expect(again.out).toMatch(/v1\.0\.1 already exists .*: a released tag is never moved/);
    const v1 = git(remote, "rev-parse", "v1^{commit}");
    expect(publish("1.1.0-rc.1")).toEqual({ code: 0, out: "deploy-action: v1.1.0-rc.1, pushed\n" });
    expect(git(remote, "rev-parse", "v1.1.0-rc.1^{commit}")).not.toBe(v1);
    expect(git(remote, "rev-parse", "v1^{commit}")).toBe(v1);
  });

  it("rejects a version that is not semantic", () => {
    const result = publish("v2");
    expect(result.code).toBe(1);
    expect(result.out).toContain('--version must be a semantic version like 1.2.3 (got "v2")');
  });
});
