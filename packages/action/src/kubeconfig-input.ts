/**
 * The `kubeconfig` input as a file the Kubernetes client can load. Usually it is the CONTENT of
 * a secret (`kubeconfig: ${{ secrets.KUBECONFIG }}`); it may also name a file an earlier step
 * wrote (e.g. azure/k8s-set-context). Content goes to a private file in RUNNER_TEMP (mode 0600,
 * in a 0700 folder of its own) that `dispose` deletes — the caller does so in `finally`, and
 * RUNNER_TEMP is wiped after the job anyway. Empty input: the client's defaults (KUBECONFIG,
 * ~/.kube/config, the in-cluster service account).
 *
 * main.ts has already masked the input's text and each credential line in it
 * (secrets.ts); a file named by path is masked here, as soon as it is read, before any
 * connection could print part of it.
 */
import { setSecret } from "@actions/core";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { namesExistingFile } from "./kubeconfig-path.js";
import { kubeconfigSecrets } from "./secrets.js";

export interface KubeconfigFile {
  /** Path for the client; undefined = the client's own defaults. */
  path: string | undefined;
  /** Every credential value known from the input (for redacting error messages). */
  secrets: string[];
  /** Where the input came from, for the log — never the content. */
  source: "content" | "file" | "default";
  dispose(): Promise<void>;
}

export async function prepareKubeconfig(input: string, env: NodeJS.ProcessEnv = process.env): Promise<KubeconfigFile> {
  const nothing = async (): Promise<void> => {};
  if (input.trim() === "") return { path: undefined, secrets: [], source: "default", dispose: nothing };
  const existing = namesExistingFile(input, env.GITHUB_WORKSPACE || process.cwd());
  if (existing) {
    const secrets = kubeconfigSecrets(await readFile(existing, "utf8"));
    for (const value of secrets) setSecret(value);
    return { path: existing, secrets, source: "file", dispose: nothing };
  }
  const directory = await mkdtemp(join(env.RUNNER_TEMP || tmpdir(), "opdeploy-kubeconfig-"));
  const path = join(directory, "config");
  // mkdtemp makes the folder 0700; `wx` fails rather than write into a file someone else made.
  await writeFile(path, input, { mode: 0o600, flag: "wx" });
  return {
    path,
    secrets: kubeconfigSecrets(input),
    source: "content",
    dispose: () => rm(directory, { recursive: true, force: true }),
  };
}
