/**
 * Throw-away kind clusters for `opdeploy simulate --on kind` and the end-to-end tests. Two ways,
 * one result (kind/types.ts):
 * - the kind CLI when it is installed (kind/kind-cli.ts) — the path kind maintains;
 * - otherwise testcontainers (kind/fixture.ts), which replays kind v0.25.0's `create cluster`
 *   for one node. Each step of it is a pure function in kind/ with unit tests against kind's
 *   source (packages/simulator/test/kind).
 * The node image is kind v0.25.0's `kindest/node:v1.31.2`, pinned by digest (kind/node.ts).
 * A missing Docker engine is KindUnavailableError (the CLI maps it to exit 2).
 */
import { execFile } from "node:child_process";
import { createKindClusterInDocker } from "./kind/fixture.js";
import { KindSetupError } from "./kind/setup-log.js";
import { createKindClusterWithCli, kindCliVersion } from "./kind/kind-cli.js";
import type { KindCluster, KindClusterOptions } from "./kind/types.js";

export { KIND_NODE_IMAGE, KIND_VERSION } from "./kind/node.js";
export { KindSetupError } from "./kind/setup-log.js";
export type { KindCluster, KindClusterOptions } from "./kind/types.js";

export class KindUnavailableError extends Error {
  constructor(reason: string) {
    super(`kind: no Docker engine available (${reason}); kind clusters need Docker`);
    this.name = "KindUnavailableError";
  }
}

export type DockerProbe = { ok: true } | { ok: false; reason: string };

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split("\n")[0] ?? text;
}

/**
 * Whether a container runtime answers; the reason when not. testcontainers' probe when it is
 * installed (it honours DOCKER_HOST, Podman and the testcontainers config), else `docker version`.
 */
export async function dockerAvailable(): Promise<DockerProbe> {
  let testcontainers: typeof import("testcontainers") | undefined;
  try {
    testcontainers = await import("testcontainers");
  } catch {
    testcontainers = undefined;
  }
  if (testcontainers) {
    try {
      await testcontainers.getContainerRuntimeClient();
      return { ok: true };
    } catch (error) {
      return { ok: false, reason: firstLine(error) };
    }
  }
  return new Promise((resolve) => {
    execFile("docker", ["version", "--format", "{{.Server.Version}}"], { timeout: 15_000 }, (error, _stdout, stderr) => {
      resolve(error ? { ok: false, reason: String(stderr).trim().split("\n")[0] || firstLine(error) } : { ok: true });
    });
  });
}

export interface CreateKindClusterOptions extends KindClusterOptions {
  /** "auto" (default): the kind CLI when installed, else testcontainers. */
  via?: "auto" | "kind-cli" | "testcontainers";
}

export async function createKindCluster(options: CreateKindClusterOptions = {}): Promise<KindCluster> {
  const { via = "auto", ...rest } = options;
  const available = await dockerAvailable();
  if (!available.ok) throw new KindUnavailableError(available.reason);
  const useCli = via === "kind-cli" || (via === "auto" && (await kindCliVersion()) !== undefined);
  if (!useCli && (rest.workers ?? 0) > 0) {
    throw new KindSetupError("kind create cluster", `a cluster with ${rest.workers! + 1} nodes needs the kind CLI (the built-in path makes one node); install kind v0.25.0`, undefined);
  }
  return useCli ? createKindClusterWithCli(rest) : createKindClusterInDocker(rest);
}
