/**
 * Where the report files go: RUNNER_TEMP (cleaned after each job, never committed by accident)
 * or, outside a runner, the workspace. One folder per plan, so two steps checking two plans in
 * one job do not overwrite each other's files.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

export function outputDirectory(planPath: string, env: NodeJS.ProcessEnv = process.env): string {
  const root = env.RUNNER_TEMP || env.GITHUB_WORKSPACE || process.cwd();
  const slug = planPath.replace(/^[./\\]+/, "").replace(/[^A-Za-z0-9._-]+/g, "_") || "plan";
  return join(root, "opdeploy", slug);
}

export interface WrittenFiles {
  report: string;
  sarif: string;
  markdown: string;
}

export async function writeOutputFiles(directory: string, contents: { report: unknown; sarif: unknown; markdown: string }): Promise<WrittenFiles> {
  await mkdir(directory, { recursive: true });
  const files: WrittenFiles = {
    report: join(directory, "report.json"),
    sarif: join(directory, "opdeploy.sarif"),
    markdown: join(directory, "report.md"),
  };
  await Promise.all([
    writeFile(files.report, `${JSON.stringify(contents.report, null, 2)}\n`),
    writeFile(files.sarif, `${JSON.stringify(contents.sarif, null, 2)}\n`),
    writeFile(files.markdown, contents.markdown),
  ]);
  return files;
}
