/** A throwaway repository with a base commit, so the action can `git show <base sha>:<plan>`. */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await execFileAsync("git", ["-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false", ...args], { cwd });
  return stdout.trim();
}

export interface PlanRepository {
  workspace: string;
  baseSha: string;
}

/** Commits `basePlan` at `planPath`, then leaves `headPlan` in the work tree (as a PR checkout has it). */
export async function createPlanRepository(planPath: string, basePlan: string, headPlan: string): Promise<PlanRepository> {
  const workspace = await mkdtemp(join(tmpdir(), "opdeploy-action-repo-"));
  await git(workspace, "init", "-q", "-b", "main");
  await mkdir(dirname(join(workspace, planPath)), { recursive: true });
  await writeFile(join(workspace, planPath), basePlan);
  await git(workspace, "add", planPath);
  await git(workspace, "commit", "-q", "-m", "base plan");
  const baseSha = await git(workspace, "rev-parse", "HEAD");
  await writeFile(join(workspace, planPath), headPlan);
  return { workspace, baseSha };
}
