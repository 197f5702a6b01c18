/**
 * Kubeconfigs for a kind cluster, edited as parsed YAML (never with regular expressions: the
 * key order of admin.conf is not ours to rely on). Errors never quote the file: it holds a
 * client key or token.
 */
import { parse, stringify } from "yaml";

interface NamedCluster { name: string; cluster: Record<string, unknown> }
interface NamedUser { name: string; user: Record<string, unknown> }
interface NamedContext { name: string; context: { cluster: string; user: string; namespace?: string } }
interface KubeconfigShape {
  clusters: NamedCluster[];
  users: NamedUser[];
  contexts: NamedContext[];
  "current-context": string;
  [key: string]: unknown;
}

function parseKubeconfig(text: string, what: string): KubeconfigShape {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch {
    throw new Error(`kind: ${what} is not valid YAML`);
  }
  const config = raw as Partial<KubeconfigShape> | null;
  if (!config || !Array.isArray(config.clusters) || !Array.isArray(config.users) || !Array.isArray(config.contexts) || typeof config["current-context"] !== "string") {
    throw new Error(`kind: ${what} is not a kubeconfig (clusters, users, contexts and current-context are required)`);
  }
  return config as KubeconfigShape;
}

function currentContext(config: KubeconfigShape, what: string): NamedContext {
  const context = config.contexts.find((c) => c.name === config["current-context"]);
  if (!context) throw new Error(`kind: ${what}: current-context ${JSON.stringify(config["current-context"])} is not among its contexts`);
  return context;
}

/**
 * admin.conf from inside the node, pointed at the API server as seen from this machine (kind
 * `get kubeconfig` does the same with the published port).
 */
export function kubeconfigForServer(adminConf: string, server: string): string {
  const config = parseKubeconfig(adminConf, "/etc/kubernetes/admin.conf");
  const context = currentContext(config, "/etc/kubernetes/admin.conf");
  const cluster = config.clusters.find((c) => c.name === context.context.cluster);
  if (!cluster) throw new Error(`kind: /etc/kubernetes/admin.conf: cluster ${JSON.stringify(context.context.cluster)} is missing`);
  cluster.cluster = { ...cluster.cluster, server };
  return stringify(config);
}

/**
 * The same cluster, as user `userName` with a bearer token (e.g. a TokenRequest for the
 * deployer's ServiceAccount). Only that user remains: nothing can fall back to admin rights.
 */
export function kubeconfigWithToken(kubeconfig: string, userName: string, token: string): string {
  const config = parseKubeconfig(kubeconfig, "the kubeconfig");
  const context = currentContext(config, "the kubeconfig");
  const cluster = config.clusters.find((c) => c.name === context.context.cluster);
  if (!cluster) throw new Error(`kind: the kubeconfig: cluster ${JSON.stringify(context.context.cluster)} is missing`);
  const name = `${userName}@${cluster.name}`;
  const contextBody: NamedContext["context"] = { cluster: cluster.name, user: userName };
  if (context.context.namespace !== undefined) contextBody.namespace = context.context.namespace;
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [cluster],
    users: [{ name: userName, user: { token } }],
    contexts: [{ name, context: contextBody }],
    "current-context": name,
  });
}
