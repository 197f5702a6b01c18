/**
 * Connection to an API server: the kubeconfig (file from --kubeconfig, else KUBECONFIG /
 * ~/.kube/config, else the in-cluster service account), a raw JSON request helper that keeps
 * objects exactly as the server sent them, and error messages that never carry credentials.
 */
import * as http from "node:http";
import * as https from "node:https";
import { KubeConfig, KubernetesObjectApi, PatchStrategy } from "@kubernetes/client-node";
import type { KubernetesObject } from "@kubernetes/client-node";
import { ClusterError } from "../cluster.js";

export type Json = Record<string, unknown>;

export interface KubeConfigSource {
  /** Path of a kubeconfig file (`--kubeconfig`). */
  kubeconfig?: string;
  /** Kubeconfig YAML text (tests, kind). */
  kubeconfigYaml?: string;
  /** Context to use (`--context`); the file's current-context otherwise. */
  context?: string;
}

export function loadKubeConfig(source: KubeConfigSource = {}): KubeConfig {
  const kc = new KubeConfig();
  if (source.kubeconfigYaml !== undefined) kc.loadFromString(source.kubeconfigYaml);
  else if (source.kubeconfig !== undefined) kc.loadFromFile(source.kubeconfig);
  else if (process.env.KUBECONFIG || !process.env.KUBERNETES_SERVICE_HOST) kc.loadFromDefault();
  else kc.loadFromCluster();
  if (source.context !== undefined) {
    if (!kc.getContexts().some((c) => c.name === source.context)) {
      throw new ClusterError(`kubeconfig has no context ${JSON.stringify(source.context)} (contexts: ${kc.getContexts().map((c) => c.name).join(", ") || "none"})`);
    }
    kc.setCurrentContext(source.context);
  }
  if (!kc.getCurrentCluster()) throw new ClusterError("kubeconfig: no current cluster (set --context or current-context)");
  return kc;
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

export class KubeApiError extends ClusterError {
  constructor(
    message: string,
    readonly status: number,
    readonly body: Json | undefined,
  ) {
    super(message);
    this.name = "KubeApiError";
  }
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
}

export class KubeApi {
  readonly objects: KubernetesObjectApi;
  private readonly secrets: string[];

  constructor(readonly kubeConfig: KubeConfig) {
    this.objects = KubernetesObjectApi.makeApiClient(kubeConfig);
    this.secrets = kubeConfigSecrets(kubeConfig);
  }

  get server(): string {
    return this.kubeConfig.getCurrentCluster()?.server ?? "";
  }

  redact(text: string): string {
    return redactCredentials(text, this.secrets);
  }

  /** A ClusterError for any failure, with credentials removed and the server's Status message kept. */
  wrap(error: unknown, doing: string): ClusterError {
    if (error instanceof ClusterError) return error;
    const e = error as { code?: unknown; body?: unknown; message?: unknown };
    const code = typeof e?.code === "number" ? e.code : undefined;
    let body = e?.body as Json | string | undefined;
    if (typeof body === "string") {
      try {
        body = JSON.parse(body) as Json;
      } catch {
        // keep the text
      }
    }
    const serverMessage = typeof body === "object" && body !== null && typeof body.message === "string" ? body.message : undefined;
    const first = String(e?.message ?? error).split("\n")[0] ?? "";
    const text = this.redact(`${doing}: ${code !== undefined ? `HTTP ${code}: ` : ""}${serverMessage ?? first}`);
    return code !== undefined ? new KubeApiError(text, code, typeof body === "object" ? (body as Json) : undefined) : new ClusterError(text);
  }

  /** Raw JSON request; resolves `{ status, body }` for any HTTP status (callers decide). */
  async request(method: string, path: string, options: RequestOptions = {}): Promise<{ status: number; body: Json | undefined }> {
    const url = new URL(this.server.replace(/\/+$/, "") + path);
    for (const [key, value] of Object.entries(options.query ?? {})) if (value !== undefined) url.searchParams.set(key, String(value));
    const requestOptions: https.RequestOptions = { method, headers: { Accept: "application/json" } };
    await this.kubeConfig.applyToHTTPSOptions(requestOptions);
    let payload: string | undefined;
    if (options.body !== undefined) {
      payload = JSON.stringify(options.body);
      (requestOptions.headers as Record<string, string>)["Content-Type"] = options.contentType ?? "application/json";
    }
    const transport = url.protocol === "https:" ? https : http;
    return new Promise((resolve, reject) => {
      const req = transport.request(url, requestOptions, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let body: Json | undefined;
          try {
            body = text ? (JSON.parse(text) as Json) : undefined;
          } catch {
            body = { message: text.slice(0, 200) };
          }
          resolve({ status: res.statusCode ?? 0, body });
        });
        res.on("error", (error) => reject(this.wrap(error, `${method} ${path}`)));
      });
      req.on("error", (error) => reject(this.wrap(error, `${method} ${path}`)));
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  /** GET that throws on anything but 2xx and 404 (→ undefined). */
  async get(path: string, query?: RequestOptions["query"]): Promise<Json | undefined> {
    const { status, body } = await this.request("GET", path, query ? { query } : {});
    if (status === 404) return undefined;
    if (status < 200 || status >= 300) throw this.statusError("GET", path, status, body);
    return body;
  }

  async list(path: string, labelSelector?: string): Promise<{ items: Json[]; resourceVersion: string }> {
    const body = await this.get(path, labelSelector ? { labelSelector } : undefined);
    const items = Array.isArray(body?.items) ? (body.items as Json[]) : [];
    const metadata = (body?.metadata ?? {}) as Json;
    return { items, resourceVersion: typeof metadata.resourceVersion === "string" ? metadata.resourceVersion : "" };
  }

  statusError(method: string, path: string, status: number, body: Json | undefined): KubeApiError {
    const message = typeof body?.message === "string" ? body.message : http.STATUS_CODES[status] ?? "request failed";
    return new KubeApiError(this.redact(`${method} ${path}: HTTP ${status}: ${message}`), status, body);
  }

  /**
   * Server-side apply (https://kubernetes.io/docs/reference/using-api/server-side-apply/) through
   * @kubernetes/client-node's KubernetesObjectApi: PATCH with content type
   * application/apply-patch+yaml, `fieldManager`, `force` and `dryRun=All` when asked.
   */
  async serverSideApply<T extends KubernetesObject>(object: T, options: { fieldManager: string; force: boolean; dryRun: boolean }): Promise<T> {
    try {
      return await this.objects.patch(object, undefined, options.dryRun ? "All" : undefined, options.fieldManager, options.force, PatchStrategy.ServerSideApply);
    } catch (error) {
      throw this.wrap(error, `apply ${object.kind}/${object.metadata?.name ?? "?"}`);
    }
  }
}

/** `/api/v1/namespaces/ns/pods` or `/apis/apps/v1/namespaces/ns/deployments` (+ `/name`). */
export function collectionPath(apiVersion: string, plural: string, namespace?: string, name?: string): string {
  const root = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  const ns = namespace !== undefined ? `/namespaces/${encodeURIComponent(namespace)}` : "";
  return `${root}${ns}/${plural}${name !== undefined ? `/${encodeURIComponent(name)}` : ""}`;
}
