/**
 * The path kind maintains: the kind CLI. Used whenever `kind` is on the PATH (CI installs
 * kind v0.25.0; developers usually have it). The kubeconfig goes to a private temporary file
 * (`--kubeconfig`), so the user's ~/.kube/config is never touched; `--retain` keeps a failed
 * node long enough for `kind export logs`.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KIND_NODE_IMAGE } from "./node.js";
import { KindSetupError, setupLogDir } from "./setup-log.js";
import type { KindCluster, KindClusterOptions } from "./types.js";

/** kind `--wait`: how long `kind create cluster` waits for the control plane to be Ready. */
export const KIND_CLI_WAIT_SECONDS = 300;

export type CommandRunner = (file: string, args: string[], timeoutMs: number) => Promise<{ stdout: string; stderr: string }>;

export const runCommand: CommandRunner = (file, args, timeoutMs) =>
  new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(Object.assign(error, { stdout: String(stdout), stderr: String(stderr) }));
      else resolve({ stdout: String(stdout), stderr: String(stderr) });
    });
  });

/** `kind version`'s first line ("kind v0.25.0 go1.22.9 linux/amd64"), or undefined when kind is not installed. */
export async function kindCliVersion(run: CommandRunner = runCommand): Promise<string | undefined> {
  try {
    const { stdout } = await run("kind", ["version"], 10_000);
    const line = stdout.trim().split("\n")[0]?.trim();
    return line && /^kind v\d/.test(line) ? line : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `kind get clusters` lists `name` (one name per line). */
export async function kindClusterExists(name: string, run: CommandRunner = runCommand): Promise<boolean> {
  const { stdout } = await run("kind", ["get", "clusters"], 30_000);
  return stdout.split("\n").some((line) => line.trim() === name);
}

export function kindCreateArgs(name: string, image: string, kubeconfigPath: string, waitSeconds = KIND_CLI_WAIT_SECONDS, configPath?: string): string[] {
  const args = ["create", "cluster", "--name", name, "--image", image, `--wait=${waitSeconds}s`, "--kubeconfig", kubeconfigPath, "--retain"];
  return configPath ? [...args, "--config", configPath] : args;
}

/** A kind cluster config (kind.x-k8s.io/v1alpha4) with one control plane and `workers` workers. */
export function kindClusterConfig(workers: number): string {
  const nodes = ["- role: control-plane", ...Array.from({ length: workers }, () => "- role: worker")];
  return ["kind: Cluster", "apiVersion: kind.x-k8s.io/v1alpha4", "nodes:", ...nodes, ""].join("\n");
}

export function kindDeleteArgs(name: string, kubeconfigPath: string): string[] {
  return ["delete", "cluster", "--name", name, "--kubeconfig", kubeconfigPath];
}

export function kindExportLogsArgs(name: string, dir: string): string[] {
  return ["export", "logs", dir, "--name", name];
}

export async function createKindClusterWithCli(options: KindClusterOptions = {}, run: CommandRunner = runCommand): Promise<KindCluster> {
  const name = options.name ?? "opdeploy";
  const image = options.image ?? KIND_NODE_IMAGE;
  const log = options.log ?? (() => {});
  const dir = await mkdtemp(join(tmpdir(), "opdeploy-kind-"));
  const kubeconfigPath = join(dir, "kubeconfig");
  const remove = async () => {
    await run("kind", kindDeleteArgs(name, kubeconfigPath), 120_000).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  };
  // Never touch a cluster we did not make: a failed create below deletes by name.
  if (await kindClusterExists(name, run)) {
    await rm(dir, { recursive: true, force: true });
    throw new KindSetupError("kind create cluster", `a kind cluster named ${name} already exists; delete it (kind delete cluster --name ${name}) or choose another name`, undefined);
  }
  const workers = options.workers ?? 0;
  const configPath = workers > 0 ? join(dir, "kind.yaml") : undefined;
  if (configPath) await writeFile(configPath, kindClusterConfig(workers));
  log(`kind: kind create cluster --name ${name} --image ${image}${workers > 0 ? ` (${workers} worker${workers === 1 ? "" : "s"})` : ""}`);
  try {
    await run("kind", kindCreateArgs(name, image, kubeconfigPath, KIND_CLI_WAIT_SECONDS, configPath), (KIND_CLI_WAIT_SECONDS + 300) * 1000);
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? (error instanceof Error ? error.message : String(error));
    const logDir = setupLogDir();
    const kept = await run("kind", kindExportLogsArgs(name, logDir), 120_000).then(() => logDir, () => undefined);
    await remove();
    throw new KindSetupError("kind create cluster", stderr.trim().split("\n").slice(-15).join("\n"), kept);
  }
  try {
    const kubeconfig = await readFile(kubeconfigPath, "utf8");
    return { kubeconfig, name, stop: remove };
  } catch (error) {
    await remove();
    throw error;
  }
}
