/**
 * Connection to an API server: the kubeconfig (kubeconfig.ts), a raw JSON request helper that
 * keeps objects exactly as the server sent them, and error messages that never carry
 * credentials.
 *
 * Every call has a deadline (`timeoutMs`, default 30 s, or OPDEPLOY_API_TIMEOUT seconds) that
 * covers all its attempts and the waits between them, so a hung API server fails the call
 * within the deadline instead of stalling the deploy (five attempts of 30 s each would be the
 * 150 s the deadline exists to prevent). Within it, 429, 5xx and dropped connections are
 * retried with back-off as request-retry.ts describes; a wait that would pass the deadline is
 * not started. Server-side apply goes through the same path (it used to go
 * through client-node's KubernetesObjectApi, which has neither deadline nor retry).
 */
import * as http from "node:http";
import * as https from "node:https";
import type { KubeConfig } from "@kubernetes/client-node";
import type { KubernetesObject } from "@kubernetes/client-node";
import { ClusterError } from "../cluster.js";
import { kubeConfigSecrets, redactCredentials } from "./kubeconfig.js";
import type { AttemptOutcome, RetryPolicy } from "./request-retry.js";
import { DEFAULT_RETRY, retryDelayMs, retryable, sleep } from "./request-retry.js";

export { loadKubeConfig, kubeConfigSecrets, redactCredentials } from "./kubeconfig.js";
export type { KubeConfigSource } from "./kubeconfig.js";

export type Json = Record<string, unknown>;

/** Default deadline of one API request. */
export const API_TIMEOUT_MS = 30_000;

export interface KubeApiOptions {
  /** Deadline of one call, all attempts and back-off included (ms). */
  timeoutMs?: number;
  /** Retry policy; merged over DEFAULT_RETRY. */
  retry?: Partial<RetryPolicy>;
  /** Random numbers in [0, 1) for the back-off jitter (tests). */
  random?: () => number;
  /** Told about each retry (method, path, why, wait in ms); never contains credentials. */
  onRetry?: (message: string) => void;
}

/** OPDEPLOY_API_TIMEOUT (seconds) when set to a positive number, else API_TIMEOUT_MS. */
export function defaultApiTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const seconds = Number(env.OPDEPLOY_API_TIMEOUT);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : API_TIMEOUT_MS;
}

const IDEMPOTENT_METHODS = new Set(["GET", "HEAD", "PUT", "DELETE", "OPTIONS"]);
const APPLY_PATCH = "application/apply-patch+yaml";

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
  /**
   * Whether sending it twice does no harm. Default: by method — GET, PUT, DELETE yes, POST no;
   * PATCH only as server-side apply (content type application/apply-patch+yaml).
   */
  idempotent?: boolean;
  /** The answer is text (pod logs): `body` is `{ text }`, whole, not parsed as JSON. */
  text?: boolean;
}

interface Answer {
  status: number;
  body: Json | undefined;
  retryAfter?: string | undefined;
}

export class KubeApi {
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  /** Retries made so far (tests, diagnostics). */
  readonly stats = { requests: 0, retries: 0, timeouts: 0 };
  private readonly secrets: string[];
  private readonly discovery = new Map<string, Promise<Map<string, { plural: string; namespaced: boolean }>>>();

  constructor(
    readonly kubeConfig: KubeConfig,
    private readonly options: KubeApiOptions = {},
  ) {
    this.secrets = kubeConfigSecrets(kubeConfig);
    this.timeoutMs = options.timeoutMs ?? defaultApiTimeoutMs();
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
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

  /**
   * Raw JSON request; resolves `{ status, body }` for any HTTP status (callers decide) once the
   * retries are spent. Rejects with a ClusterError when no answer came (refused, reset, deadline).
   */
  async request(method: string, path: string, options: RequestOptions = {}): Promise<{ status: number; body: Json | undefined }> {
    const idempotent = options.idempotent ?? (IDEMPOTENT_METHODS.has(method) || (method === "PATCH" && options.contentType === APPLY_PATCH));
    const deadline = Date.now() + this.timeoutMs;
    for (let attempt = 1; ; attempt++) {
      this.stats.requests++;
      let answer: Answer | undefined;
      let failure: unknown;
      try {
        answer = await this.attempt(method, path, options, deadline - Date.now());
      } catch (error) {
        failure = error;
      }
      const outcome: AttemptOutcome = answer ? { status: answer.status, retryAfter: answer.retryAfter } : { networkCode: String((failure as { code?: unknown }).code ?? "") };
      const wait = retryDelayMs(this.retry, attempt, outcome, this.options.random);
      const again = retryable(outcome, idempotent) && attempt < this.retry.attempts && Date.now() + wait < deadline;
      if (!again) {
        if (answer) return { status: answer.status, body: answer.body };
        throw this.wrap(failure, `${method} ${path}${attempt > 1 ? ` (${attempt} attempts)` : ""}`);
      }
      this.stats.retries++;
      const why = answer ? `HTTP ${answer.status}` : String((failure as Error).message ?? outcome);
      this.options.onRetry?.(this.redact(`${method} ${path}: ${why}; retrying in ${(wait / 1000).toFixed(1)} s (attempt ${attempt + 1} of ${this.retry.attempts})`));
      await sleep(wait);
    }
  }

  /** One HTTP exchange that must be over within `budgetMs`. */
  private async attempt(method: string, path: string, options: RequestOptions, budgetMs: number): Promise<Answer> {
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
    return new Promise<Answer>((resolve, reject) => {
      const req = transport.request(url, requestOptions, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          clearTimeout(deadline);
          const text = Buffer.concat(chunks).toString("utf8");
          let body: Json | undefined;
          const ok = (res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300;
          if (options.text && ok) body = { text };
          else {
            try {
              body = text ? (JSON.parse(text) as Json) : undefined;
            } catch {
              body = { message: text.slice(0, 200) };
            }
          }
          const retryAfter = res.headers["retry-after"];
          resolve({ status: res.statusCode ?? 0, body, retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter });
        });
        res.on("error", fail);
        res.on("aborted", () => fail(Object.assign(new Error("connection dropped before the answer was complete"), { code: "ECONNRESET" })));
      });
      function fail(error: Error): void {
        clearTimeout(deadline);
        req.destroy();
        reject(error);
      }
      const deadline = setTimeout(() => {
        this.stats.timeouts++;
        fail(Object.assign(new Error(`no answer from the API server within ${formatSeconds(this.timeoutMs)}`), { code: "ETIMEDOUT" }));
      }, Math.max(1, budgetMs));
      req.on("error", fail);
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
   * Server-side apply (https://kubernetes.io/docs/reference/using-api/server-side-apply/): PATCH
   * with content type application/apply-patch+yaml (JSON is YAML), `fieldManager`, `force` and
   * `dryRun=All` when asked. Applying the same object again yields the same result, so it is
   * retried like an idempotent request.
   */
  async serverSideApply<T extends KubernetesObject>(object: T, options: { fieldManager: string; force: boolean; dryRun: boolean }): Promise<T> {
    const doing = `apply ${object.kind}/${object.metadata?.name ?? "?"}`;
    const resource = await this.resourceOf(object.apiVersion ?? "", object.kind ?? "").catch((error: unknown) => {
      throw this.wrap(error, doing);
    });
    if (!resource) throw new ClusterError(this.redact(`${doing}: the server does not serve kind ${object.kind} in ${object.apiVersion}`));
    const path = collectionPath(object.apiVersion!, resource.plural, resource.namespaced ? object.metadata?.namespace ?? "default" : undefined, object.metadata?.name ?? "");
    const query = { fieldManager: options.fieldManager, force: options.force, dryRun: options.dryRun ? "All" : undefined };
    const { status, body } = await this.request("PATCH", path, { query, body: object, contentType: APPLY_PATCH }).catch((error: unknown) => {
      throw this.wrap(error, doing);
    });
    if (status < 200 || status >= 300) {
      const message = typeof body?.message === "string" ? body.message : http.STATUS_CODES[status] ?? "request failed";
      throw new KubeApiError(this.redact(`${doing}: HTTP ${status}: ${message}`), status, body);
    }
    return body as unknown as T;
  }

  /** Plural name and scope of a kind, from the group version's discovery document (cached). */
  private async resourceOf(apiVersion: string, kind: string): Promise<{ plural: string; namespaced: boolean } | undefined> {
    let kinds = this.discovery.get(apiVersion);
    if (!kinds) {
      kinds = this.get(apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`).then((doc) => {
        const map = new Map<string, { plural: string; namespaced: boolean }>();
        for (const r of (doc?.resources ?? []) as { name?: string; kind?: string; namespaced?: boolean }[]) {
          // Subresources ("deployments/scale") share the kind; skip them.
          if (r.name && r.kind && !r.name.includes("/")) map.set(r.kind, { plural: r.name, namespaced: r.namespaced === true });
        }
        return map;
      });
      kinds.catch(() => this.discovery.delete(apiVersion));
      this.discovery.set(apiVersion, kinds);
    }
    return (await kinds).get(kind);
  }
}

function formatSeconds(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}

/** `/api/v1/namespaces/ns/pods` or `/apis/apps/v1/namespaces/ns/deployments` (+ `/name`). */
export function collectionPath(apiVersion: string, plural: string, namespace?: string, name?: string): string {
  const root = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  const ns = namespace !== undefined ? `/namespaces/${encodeURIComponent(namespace)}` : "";
  return `${root}${ns}/${plural}${name !== undefined ? `/${encodeURIComponent(name)}` : ""}`;
}
