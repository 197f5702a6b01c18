/**
 * Reads the plan as it was at the pull request's base revision, with `git show <sha>:<path>`,
 * so the report can say what the PR changes. actions/checkout fetches one commit by default:
 * the base is then absent, and the report says so instead of failing (docs/action.md tells to
 * use `fetch-depth: 0` or fetch the base).
 */
import { execFile } from "node:child_process";
import { isAbsolute, relative } from "node:path";
import { promisify } from "node:util";
import { parsePlanDocument, PlanLoadError, type PlanDocument } from "@openpolicy/core";

const execFileAsync = promisify(execFile);

export type BasePlan = { document: PlanDocument } | { unreadable: string };

/** Plans are small; a base blob larger than this is not a plan. */
const MAX_PLAN_BYTES = 16 * 1024 * 1024;

/** A path git understands: relative to the work tree, forward slashes, `./`-anchored at `cwd`. */
function gitPath(planPath: string, cwd: string): string {
  const rel = isAbsolute(planPath) ? relative(cwd, planPath) : planPath;
  return `./${rel.split("\\").join("/").replace(/^\.\//, "")}`;
}

export async function readBasePlan(sha: string, planPath: string, displayName: string, cwd: string): Promise<BasePlan> {
  if (!/^[0-9a-f]{7,64}$/i.test(sha)) return { unreadable: `base revision "${sha}" is not a commit id` };
  // git cannot tell "no such commit" from "no such path" in `git show sha:path`: ask first.
  try {
    await execFileAsync("git", ["cat-file", "-e", `${sha}^{commit}`], { cwd });
  } catch {
    return { unreadable: `base revision ${sha.slice(0, 7)} is not in the checkout (use actions/checkout with fetch-depth: 0)` };
  }
  let text: string;
  try {
    const { stdout } = await execFileAsync("git", ["show", `${sha}:${gitPath(planPath, cwd)}`], {
      cwd,
      encoding: "utf8",
      maxBuffer: MAX_PLAN_BYTES,
    });
    text = stdout;
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? "");
    if (/does not exist in|exists on disk, but not in/.test(stderr)) {
      return { unreadable: `the plan does not exist at the base revision ${sha.slice(0, 7)} (new in this pull request)` };
    }
    const firstLine = stderr.trim().split("\n")[0] || (error as Error).message;
    return { unreadable: `git show failed: ${firstLine}` };
  }
  try {
    return { document: parsePlanDocument(text, displayName) };
  } catch (error) {
    if (error instanceof PlanLoadError) {
      return { unreadable: `the base revision's plan does not load (${error.problems.length} problem${error.problems.length === 1 ? "" : "s"}: ${error.problems[0]?.message ?? ""})` };
    }
    throw error;
  }
}
