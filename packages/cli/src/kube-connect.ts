/**
 * What every command that talks to a real cluster shares: the --kubeconfig/--context/--namespace
 * options, connecting, and turning failures into exit codes with credentials removed.
 *
 * `@openpolicy/simulator/kubernetes` (client-node, pg, ioredis, amqplib) is only ever loaded
 * through the dynamic import in `loadKubernetes`, so `check`, `plan` and `simulate` never pay
 * for it at start-up (esbuild puts it in its own chunk).
 */
import type { Plan } from "@openpolicy/core";
import type { Io } from "./cli-io.js";
import type { ParsedCommand } from "./command.js";
import { CliError, EXIT } from "./exit-codes.js";

export type KubernetesModule = typeof import("@openpolicy/simulator/kubernetes");
export type KubernetesCluster = import("@openpolicy/simulator/kubernetes").KubernetesCluster;
type ClusterOptions = import("@openpolicy/simulator/kubernetes").KubernetesClusterOptions;
type EndpointResolver = import("@openpolicy/simulator/kubernetes").EndpointResolver;

export function loadKubernetes(): Promise<KubernetesModule> {
  return import("@openpolicy/simulator/kubernetes");
}

export const KUBE_OPTIONS = {
  kubeconfig: { type: "string" },
  context: { type: "string" },
  namespace: { type: "string", short: "n" },
} as const;

export const KUBE_HELP = [
  "    --kubeconfig FILE    kubeconfig to use (default: KUBECONFIG, ~/.kube/config, in-cluster)",
  "    --context NAME       kubeconfig context (default: its current-context)",
  "-n, --namespace NS       namespace (default: the plan's namespace)",
];

export interface KubeTarget {
  kubeconfig?: string;
  context?: string;
  namespace: string;
}

export function kubeTarget(parsed: ParsedCommand, plan: Plan): KubeTarget {
  const target: KubeTarget = { namespace: (parsed.values.namespace as string | undefined) ?? plan.namespace };
  if (parsed.values.kubeconfig !== undefined) target.kubeconfig = parsed.values.kubeconfig as string;
  if (parsed.values.context !== undefined) target.context = parsed.values.context as string;
  return target;
}

/**
 * A function that removes every credential of the kubeconfig in use (token, password, key and
 * certificate data) and any bearer token from a text. Built before connecting, so even a
 * failure to connect is printed without them.
 */
export function credentialRedactor(k8s: KubernetesModule, target: KubeTarget): (text: string) => string {
  let secrets: string[] = [];
  try {
    secrets = k8s.kubeConfigSecrets(k8s.loadKubeConfig(target));
  } catch {
    // The kubeconfig cannot be read: connecting will say why (never quoting it); only bearer tokens to redact.
  }
  return (text) => k8s.redactCredentials(text, secrets);
}

export interface ApiConnection {
  k8s: KubernetesModule;
  api: InstanceType<KubernetesModule["KubeApi"]>;
  target: KubeTarget;
  redact: (text: string) => string;
}

/**
 * The API alone, for commands that only read and dry-run (diff, preflight, snapshot): none of the
 * deploy's watches. A kubeconfig that cannot be used is a CliError with exit code 3.
 */
export async function connectApi(cmd: string, parsed: ParsedCommand, plan: Plan): Promise<ApiConnection> {
  const k8s = await loadKubernetes();
  const target = kubeTarget(parsed, plan);
  const redact = credentialRedactor(k8s, target);
  try {
    return { k8s, api: new k8s.KubeApi(k8s.loadKubeConfig(target)), target, redact };
  } catch (error) {
    throw new CliError(`opdeploy ${cmd}: ${redact(messageOf(error))}`, EXIT.cluster);
  }
}

export interface Connected {
  k8s: KubernetesModule;
  cluster: KubernetesCluster;
  redact: (text: string) => string;
}

/**
 * Connects (lists and starts the watches); a failure is a CliError with exit code 3. `extra`
 * adds backend options (an endpoint resolver from --endpoint, trafficMetrics: false, ...).
 */
export async function connectCluster(
  cmd: string,
  parsed: ParsedCommand,
  plan: Plan,
  io: Io,
  extra: (k8s: KubernetesModule) => Partial<ClusterOptions> = () => ({}),
): Promise<Connected> {
  const k8s = await loadKubernetes();
  const target = kubeTarget(parsed, plan);
  const redact = credentialRedactor(k8s, target);
  try {
    const cluster = await k8s.KubernetesCluster.connect({ ...extra(k8s), ...target, warn: (message) => io.err(`warning: ${redact(message)}`) });
    return { k8s, cluster, redact };
  } catch (error) {
    throw new CliError(`opdeploy ${cmd}: ${redact(messageOf(error))}`, EXIT.cluster);
  }
}

/** The message of an error, without the "cluster: " prefix ClusterError adds (the command name says it). */
export function messageOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return error instanceof Error && (error.name === "ClusterError" || error.name === "KubeApiError") ? message.replace(/^cluster: /, "") : message;
}

/**
 * The exit code for an error out of the Kubernetes module: a held lock, an unreachable or
 * refusing API server and kubeconfig problems are cluster errors (3); anything else is passed on.
 */
export function clusterFailure(cmd: string, error: unknown, k8s: KubernetesModule, redact: (text: string) => string): CliError {
  if (error instanceof CliError) return error;
  const message = redact(messageOf(error));
  if (error instanceof k8s.DeployLockedError) return new CliError(`opdeploy ${cmd}: ${message}`, EXIT.cluster);
  if (error instanceof Error && (error.name === "ClusterError" || error.name === "KubeApiError")) return new CliError(`opdeploy ${cmd}: ${message}`, EXIT.cluster);
  return new CliError(`opdeploy ${cmd}: ${message}`, EXIT.failed);
}

/** `name=host:port` (IPv6 hosts in brackets) → a map service → endpoint. */
export function parseEndpoints(cmd: string, parsed: ParsedCommand, plan: Plan): Map<string, { host: string; port: number }> {
  const endpoints = new Map<string, { host: string; port: number }>();
  for (const spec of (parsed.values.endpoint as string[] | undefined) ?? []) {
    const match = /^([^=]+)=(\[[^\]]+\]|[^:]+):(\d+)$/.exec(spec);
    const port = match ? Number(match[3]) : NaN;
    if (!match || port < 1 || port > 65535) throw new CliError(`opdeploy ${cmd}: --endpoint must be name=host:port (got "${spec}")`);
    const name = match[1]!;
    if (!plan.services.has(name)) throw new CliError(`opdeploy ${cmd}: --endpoint ${spec}: the plan has no service "${name}"`);
    endpoints.set(name, { host: match[2]!.replace(/^\[|\]$/g, ""), port });
  }
  return endpoints;
}

/**
 * Reaches the services named in `endpoints` (--endpoint) at the given host:port and every other
 * one through the backend's port-forward to a Ready pod — for validation and for the traffic
 * that feeds the latency / error-rate triggers during a deploy.
 */
export function endpointResolver(k8s: KubernetesModule, endpoints: ReadonlyMap<string, { host: string; port: number }>): EndpointResolver {
  return async (service, cluster) => {
    const given = endpoints.get(service.name);
    return given ? { ...given, close: async () => {} } : k8s.portForwardEndpoint(service, cluster);
  };
}

/** The services named by --service (all of them when none is given), in plan order. */
export function selectServices(cmd: string, parsed: ParsedCommand, plan: Plan): string[] {
  const wanted = (parsed.values.service as string[] | undefined) ?? [];
  for (const name of wanted) {
    if (!plan.services.has(name)) throw new CliError(`opdeploy ${cmd}: the plan has no service "${name}" (services: ${[...plan.services.keys()].join(", ")})`);
  }
  return [...plan.services.keys()].filter((name) => wanted.length === 0 || wanted.includes(name));
}

/**
 * Resolves SIGINT/SIGTERM into an AbortSignal for the duration of `body`; a second signal
 * exits at once (130), as most CLIs do.
 */
export async function withInterrupt<T>(io: Io, onFirst: string, body: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const handler = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) {
      io.err(`opdeploy: ${signal} again; exiting now`);
      process.exit(EXIT.interrupted);
    }
    if (onFirst) io.err(onFirst);
    controller.abort();
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  try {
    return await body(controller.signal);
  } finally {
    process.off("SIGINT", handler);
    process.off("SIGTERM", handler);
  }
}
