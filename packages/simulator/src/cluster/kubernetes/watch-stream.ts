/**
 * One WATCH request as a stream of events (https://kubernetes.io/docs/reference/using-api/api-concepts/#efficient-detection-of-changes):
 * newline-delimited JSON `{type, object}` over a long-lived 200 response.
 *
 * Why not @kubernetes/client-node's Watch: it only hands back its AbortController once the
 * response headers have arrived, so a server that accepts the connection and never answers
 * keeps the watch (and whoever waits on it) hanging with nothing to abort. Here an idle timer
 * runs from the moment the request is sent and is reset by every line (events and bookmarks
 * alike); when it fires the request is destroyed and `onDone` is told why, so the caller
 * re-watches from its last resourceVersion.
 */
import * as http from "node:http";
import * as https from "node:https";
import { createInterface } from "node:readline";
import type { KubeConfig } from "@kubernetes/client-node";

export type Json = Record<string, unknown>;

export interface WatchStreamHandlers {
  onEvent: (type: string, object: Json) => void;
  /** Called once: `null` when the server ended the stream, else the error (`statusCode` for an HTTP answer, `idle` for the idle timer). */
  onDone: (error: WatchStreamError | null) => void;
}

export interface WatchStreamError extends Error {
  statusCode?: number;
  code?: string;
  /** True when nothing arrived for the idle timeout. */
  idle?: boolean;
  /** True when the response headers had arrived (the stream was open). */
  connected?: boolean;
}

export interface WatchStream {
  abort(): void;
}

export function openWatchStream(kubeConfig: KubeConfig, path: string, query: Record<string, string | number | boolean | undefined>, idleMs: number, handlers: WatchStreamHandlers): WatchStream {
  let request: http.ClientRequest | undefined;
  let timer: NodeJS.Timeout | undefined;
  let finished = false;
  let aborted = false;
  let connected = false;
  const finish = (error: WatchStreamError | null): void => {
    if (finished) return;
    finished = true;
    if (timer) clearTimeout(timer);
    request?.destroy();
    if (!aborted) handlers.onDone(error);
  };
  const arm = (): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      const error: WatchStreamError = Object.assign(new Error(`no data for ${Math.round(idleMs / 1000)} s`), { code: "ETIMEDOUT", idle: true, connected });
      finish(error);
    }, idleMs);
    timer.unref?.();
  };
  const start = async (): Promise<void> => {
    const server = kubeConfig.getCurrentCluster()?.server ?? "";
    const url = new URL(server.replace(/\/+$/, "") + path);
    url.searchParams.set("watch", "true");
    for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, String(value));
    const options: https.RequestOptions = { method: "GET", headers: { Accept: "application/json" } };
    await kubeConfig.applyToHTTPSOptions(options);
    if (aborted || finished) return;
    const transport = url.protocol === "https:" ? https : http;
    request = transport.request(url, options, (res) => {
      connected = true;
      arm();
      if (res.statusCode !== 200) {
        res.on("error", () => undefined);
        res.resume();
        finish(Object.assign(new Error(`${http.STATUS_CODES[res.statusCode ?? 0] ?? "error"}`), { statusCode: res.statusCode ?? 0, connected }));
        return;
      }
      const lines = createInterface({ input: res, crlfDelay: Infinity });
      lines.on("line", (line) => {
        arm();
        if (line.trim() === "") return;
        let event: { type?: unknown; object?: unknown };
        try {
          event = JSON.parse(line) as typeof event;
        } catch {
          return; // a torn line from a dropped connection; the re-watch resends it
        }
        if (typeof event.type === "string") handlers.onEvent(event.type, (event.object ?? {}) as Json);
      });
      // readline re-emits the input's errors: both need a listener.
      lines.on("error", (error) => finish(Object.assign(error, { connected })));
      res.on("error", (error) => finish(Object.assign(error, { connected })));
      res.on("close", () => finish(res.complete ? null : Object.assign(new Error("stream closed before it ended"), { code: "ECONNRESET", connected })));
    });
    request.on("error", (error) => finish(Object.assign(error, { connected })));
    request.end();
  };
  arm();
  start().catch((error: unknown) => finish(error instanceof Error ? error : new Error(String(error))));
  return {
    abort: () => {
      aborted = true;
      finish(null);
    },
  };
}
