/**
 * Finding and reading the kubeconfig, and keeping its credentials out of every message.
 *
 * Where it is looked for follows client-go's loading rules (k8s.io/client-go/tools/clientcmd/
 * loader.go, `ClientConfigLoadingRules.Load`): an explicit file (`--kubeconfig`) must exist;
 * else every file listed in $KUBECONFIG that exists, merged, first one winning (missing ones
 * are skipped); else ~/.kube/config; else the in-cluster service account when running in a pod.
 * When none of those exists we say so, instead of letting the client fall back to
 * http://localhost:8080 and fail with an unrelated TLS message.
 *
 * A kubeconfig that is not valid YAML is reported by file, line and column only: js-yaml's
 * message quotes the offending lines, and those are often `token:`, `password:` or
 * `client-key-data:` lines.
 */
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import { ClusterError } from "../cluster.js";

export interface KubeConfigSource {
  /** Path of a kubeconfig file (`--kubeconfig`). */
  kubeconfig?: string;
  /** Kubeconfig YAML text (tests, kind). */
  kubeconfigYaml?: string;
  /** Context to use (`--context`); the file's current-context otherwise. */
  context?: string;
}

/** Loads the kubeconfig `source` names, or the default one; every failure is a ClusterError without file content. */
export function loadKubeConfig(source: KubeConfigSource = {}, env: NodeJS.ProcessEnv = process.env): KubeConfig {
  const kc = new KubeConfig();
  if (source.kubeconfigYaml !== undefined) readInto(kc, "the kubeconfig text", () => kc.loadFromString(source.kubeconfigYaml!));
  else if (source.kubeconfig !== undefined) loadFile(kc, source.kubeconfig, "--kubeconfig");
  else loadDefault(kc, env);
  if (source.context !== undefined) {
    if (!kc.getContexts().some((c) => c.name === source.context)) {
      throw new ClusterError(`kubeconfig has no context ${JSON.stringify(source.context)} (contexts: ${kc.getContexts().map((c) => c.name).join(", ") || "none"})`);
    }
    kc.setCurrentContext(source.context);
  }
  if (!kc.getCurrentCluster()) throw new ClusterError("kubeconfig: no current cluster (set --context or current-context)");
  return kc;
}

function loadDefault(kc: KubeConfig, env: NodeJS.ProcessEnv): void {
  const listed = (env.KUBECONFIG ?? "").split(delimiter).filter((file) => file !== "");
  if (listed.length > 0) {
    const found = listed.filter((file) => existsSync(file));
    if (found.length === 0) throw new ClusterError(`no kubeconfig found (looked in: $KUBECONFIG=${listed.join(delimiter)}); pass --kubeconfig FILE or fix KUBECONFIG`);
    loadFile(kc, found[0]!, "$KUBECONFIG");
    for (const file of found.slice(1)) {
      const more = new KubeConfig();
      loadFile(more, file, "$KUBECONFIG");
      kc.mergeConfig(more, true);
    }
    return;
  }
  const home = env.HOME || env.USERPROFILE || homedir();
  const file = join(home, ".kube", "config");
  if (existsSync(file)) return loadFile(kc, file, "~/.kube/config");
  if (env.KUBERNETES_SERVICE_HOST) return readInto(kc, "the in-cluster service account", () => kc.loadFromCluster());
  throw new ClusterError("no kubeconfig found (looked in: $KUBECONFIG, ~/.kube/config); pass --kubeconfig FILE or set KUBECONFIG");
}

function loadFile(kc: KubeConfig, file: string, via: string): void {
  if (!existsSync(file)) throw new ClusterError(`kubeconfig ${file} (${via}) does not exist`);
  readInto(kc, `kubeconfig ${file}`, () => kc.loadFromFile(file));
}

function readInto(_kc: KubeConfig, what: string, load: () => void): void {
  try {
    load();
  } catch (error) {
    throw new ClusterError(`${what}: ${describeLoadError(error)}`);
  }
}

/** A load failure in words that never quote the file. */
export function describeLoadError(error: unknown): string {
  const e = error as { name?: unknown; reason?: unknown; mark?: { line?: number; column?: number }; code?: unknown; message?: unknown };
  if (e?.name === "YAMLException") {
    const where = e.mark && typeof e.mark.line === "number" ? ` at line ${e.mark.line + 1}, column ${(e.mark.column ?? 0) + 1}` : "";
    // js-yaml's reasons are fixed phrases ("bad indentation of a mapping entry"); one that is
    // not (e.g. an unknown tag, which quotes it) is not repeated.
    const reason = typeof e.reason === "string" && /^[a-z ,()-]+$/i.test(e.reason) ? `: ${e.reason}` : "";
    return `not valid YAML${where}${reason}`;
  }
  if (typeof e?.code === "string" && e.code.startsWith("E")) return `cannot be read (${e.code})`;
  const message = String(e?.message ?? error);
  // client-node's own checks name a field ("users[0].name is missing"); anything else (a
  // TypeError on a document that is not a mapping) is described, not quoted.
  if (/^(clusters|users|contexts)\[\d+\][\w.]* is missing$/.test(message)) return message;
  return "not a kubeconfig (expected a mapping with clusters, users and contexts)";
}

/** Every credential in the current kubeconfig user: these must never be printed. */
export function kubeConfigSecrets(kc: KubeConfig): string[] {
  const user = kc.getCurrentUser();
  const secrets = [user?.token, user?.password, user?.keyData, user?.certData];
  const authProvider = user?.authProvider as { config?: Record<string, unknown> } | undefined;
  for (const value of Object.values(authProvider?.config ?? {})) if (typeof value === "string") secrets.push(value);
  return secrets.filter((s): s is string => typeof s === "string" && s.length >= 4);
}

/** Replaces each secret and any bearer token in `text` by `***`. */
export function redactCredentials(text: string, secrets: readonly string[]): string {
  let out = text.replace(/(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi, "$1***");
  for (const secret of secrets) out = out.split(secret).join("***");
  return out;
}
