/**
 * Fixtures for the deploy tests: a small two-phase plan the fake API server can "run" (no
 * validation probes: the fake serves no pods' ports), a workspace holding it, and the bundle the
 * tests run — built once to a file of its own, so this file and action.test.ts (which rebuilds
 * dist/index.js) never write the same file at the same time.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { ACTION_ROOT, BUNDLE } from "./run-action.js";

const execFileAsync = promisify(execFile);

export interface ShopPlanOptions {
  apiImage?: string;
  /** Adds a `worker` service to phase apps (a service a later rollback must remove). */
  worker?: boolean;
  /** Makes db and api depend on each other: a dependency-cycle error finding. */
  cycle?: boolean;
}

export function shopPlan(options: ShopPlanOptions = {}): string {
  const apps = options.worker ? "[api, worker]" : "[api]";
  return [
    "name: shop",
    "namespace: shop",
    "cluster:",
    '  nodes: [{count: 1, memory: 8Gi, cpu: "4"}]',
    "rollback: {memory: 90%, scope: phase, timeout: 30s}",
    "phases:",
    "  - name: data",
    "    services: [db]",
    "    gate: {memory: 60%, healthy: 100%}",
    "  - name: apps",
    `    services: ${apps}`,
    "    gate: {memory: 70%, healthy: 100%}",
    "services:",
    `  db: {memory: 256Mi, cpu: 250m, port: 5432, image: "postgres:16", validate: none${options.cycle ? ", dependsOn: [api]" : ""}}`,
    `  api: {memory: 128Mi, cpu: 100m, port: 8080, image: "${options.apiImage ?? "shop/api:1"}", dependsOn: [db], validate: none}`,
    ...(options.worker ? ['  worker: {memory: 64Mi, cpu: 50m, image: "shop/worker:1", dependsOn: [db], validate: none}'] : []),
    "",
  ].join("\n");
}

export const PLAN_PATH = "deploy/plan.yaml";

export async function planWorkspace(planText: string): Promise<string> {
  const workspace = await mkdtemp(join(tmpdir(), "opdeploy-deploy-ws-"));
  await mkdir(dirname(join(workspace, PLAN_PATH)), { recursive: true });
  await writeFile(join(workspace, PLAN_PATH), planText);
  return workspace;
}

/** The bundle under test: dist/index.js as committed with OPDEPLOY_ACTION_USE_DIST=1, else a fresh build of the same sources. */
export async function buildTestBundle(): Promise<string> {
  if (process.env.OPDEPLOY_ACTION_USE_DIST === "1") {
    console.warn("deploy tests: OPDEPLOY_ACTION_USE_DIST=1, testing dist/index.js as it is (no rebuild)");
    return BUNDLE;
  }
  const outfile = join(await mkdtemp(join(tmpdir(), "opdeploy-action-bundle-")), "index.js");
  const script = `import { bundle } from ${JSON.stringify(join(ACTION_ROOT, "scripts", "bundle.mjs"))}; await bundle({ outfile: ${JSON.stringify(outfile)} });`;
  await execFileAsync(process.execPath, ["--input-type=module", "-e", script], { cwd: ACTION_ROOT });
  return outfile;
}
