/**
 * A list+watch cache for one collection that survives dropped connections, in the manner of
 * client-go's Reflector (k8s.io/client-go/tools/cache/reflector.go):
 *   - LIST once, remember the list's resourceVersion, then WATCH from it with bookmarks on;
 *   - when the stream ends or fails, WATCH again from the last resourceVersion seen (an event's
 *     or a BOOKMARK's), after a short back-off;
 *   - when the server answers 410 Gone (the version was compacted away: an HTTP 410 or an ERROR
 *     event whose Status has code 410), LIST again and replace the cache (client-go
 *     `isExpiredError` → relist).
 *   - when nothing at all arrives for `idleSeconds` (a hung server, a half-open connection), the
 *     stream is dropped and re-watched. The API server's watch cache sends a BOOKMARK to every
 *     watcher that asked for them about once a minute (k8s.io/apiserver/pkg/storage/cacher/
 *     cacher.go, `defaultBookmarkFrequency = time.Minute`), so 90 s of silence means trouble.
 * @kubernetes/client-node's ListWatch stops on any error other than 410 and leaves restarting to
 * the caller, which is why this exists.
 */
import type { KubeConfig } from "@kubernetes/client-node";
import type { WatchStream } from "./watch-stream.js";
import { openWatchStream } from "./watch-stream.js";

/** Seconds without an event or bookmark after which a watch stream is dropped and re-opened. */
export const WATCH_IDLE_SECONDS = 90;

export type Json = Record<string, unknown>;

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED" | "RELISTED";

export interface ResilientWatchOptions {
  kubeConfig: KubeConfig;
  /** Collection path, e.g. `/api/v1/namespaces/prod/pods`. */
  path: string;
  /** LIST: returns items and the list's resourceVersion. */
  list: () => Promise<{ items: Json[]; resourceVersion: string }>;
  labelSelector?: string;
  onChange: (type: WatchEventType, object: Json | undefined) => void;
  /** Non-fatal trouble (a dropped stream, a failed relist); never contains credentials. */
  onProblem?: (message: string) => void;
  /** Milliseconds before re-watching after a drop (doubles up to 8×, resets on success). */
  retryMs?: number;
  /** Server-side timeout of each watch request (seconds); the stream is renewed after it. */
  timeoutSeconds?: number;
  /** Client-side idle timeout (seconds, default WATCH_IDLE_SECONDS): see the header. */
  idleSeconds?: number;
}

export function objectKey(object: Json): string {
  const metadata = (object.metadata ?? {}) as Json;
  return `${String(metadata.namespace ?? "")}/${String(metadata.name ?? "")}`;
}

export class ResilientWatch {
  readonly items = new Map<string, Json>();
  resourceVersion = "";
  /** Counters, for tests and diagnostics. */
  readonly stats = { lists: 0, watches: 0, drops: 0, expired: 0, bookmarks: 0, idle: 0 };
  private stopped = false;
  private stream: WatchStream | undefined;
  private timer: NodeJS.Timeout | undefined;
  private failures = 0;

  constructor(private readonly options: ResilientWatchOptions) {}

  /** Lists, fills the cache and starts watching. Rejects when the first LIST fails. */
  async start(): Promise<void> {
    await this.relist();
    this.startWatch();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.stream?.abort();
  }

  /** Puts an object we got from another call (an apply response) into the cache if it is newer. */
  remember(object: Json): void {
    const key = objectKey(object);
    const known = this.items.get(key);
    if (known && compareVersions(resourceVersionOf(known), resourceVersionOf(object)) > 0) return;
    this.items.set(key, object);
  }

  forget(object: Json): void {
    this.items.delete(objectKey(object));
  }

  private async relist(): Promise<void> {
    this.stats.lists++;
    const { items, resourceVersion } = await this.options.list();
    this.items.clear();
    for (const item of items) this.items.set(objectKey(item), item);
    this.resourceVersion = resourceVersion;
    this.options.onChange("RELISTED", undefined);
  }

  private startWatch(): void {
    if (this.stopped) return;
    this.stats.watches++;
    let expired = false;
    let sawEvent = false;
    const query: Record<string, string | number | boolean | undefined> = {
      resourceVersion: this.resourceVersion,
      allowWatchBookmarks: true,
      timeoutSeconds: this.options.timeoutSeconds ?? 300,
    };
    if (this.options.labelSelector) query.labelSelector = this.options.labelSelector;
    const onEvent = (type: string, object: Json): void => {
      sawEvent = true;
      if (type === "ERROR") {
        // A Status object; 410 Gone means our resourceVersion is too old to resume from.
        if (Number(object?.code) === 410) expired = true;
        else this.options.onProblem?.(`watch ${this.options.path}: ${String(object?.message ?? "error event")}`);
        return;
      }
      const version = resourceVersionOf(object);
      if (version) this.resourceVersion = version;
      if (type === "BOOKMARK") {
        this.stats.bookmarks++;
        return;
      }
      if (type === "ADDED" || type === "MODIFIED") {
        this.items.set(objectKey(object), object);
        this.options.onChange(type, object);
      } else if (type === "DELETED") {
        this.items.delete(objectKey(object));
        this.options.onChange(type, object);
      }
    };
    const onDone = (error: (Error & { statusCode?: number; idle?: boolean; connected?: boolean }) | null): void => {
      this.stream = undefined;
      if (this.stopped) return;
      const status = error?.statusCode;
      if (expired || status === 410) {
        this.stats.expired++;
        this.failures = 0;
        this.schedule(async () => {
          try {
            await this.relist();
            this.startWatch();
          } catch (listError) {
            this.options.onProblem?.(`relist ${this.options.path} failed: ${messageOf(listError)}`);
            this.failures++;
            expired = true;
            onDone(null);
          }
        });
        return;
      }
      if (error?.idle && error.connected) {
        // A quiet stream with an open connection: re-watch without alarming anyone.
        this.stats.idle++;
        error = null;
      } else {
        this.stats.drops++;
      }
      if (error) {
        this.failures++;
        this.options.onProblem?.(`watch ${this.options.path} dropped: ${messageOf(error)}; resuming from resourceVersion ${this.resourceVersion}`);
      } else if (sawEvent) {
        this.failures = 0;
      }
      this.schedule(async () => this.startWatch());
    };
    const idleMs = (this.options.idleSeconds ?? WATCH_IDLE_SECONDS) * 1000;
    this.stream = openWatchStream(this.options.kubeConfig, this.options.path, query, idleMs, { onEvent, onDone });
  }

  private schedule(run: () => Promise<void>): void {
    if (this.stopped) return;
    const base = this.options.retryMs ?? 500;
    const delay = base * Math.min(8, 2 ** Math.max(0, this.failures - 1));
    this.timer = setTimeout(() => void run(), this.failures === 0 ? Math.min(base, 100) : delay);
    this.timer.unref?.();
  }
}

export function resourceVersionOf(object: unknown): string {
  const metadata = ((object ?? {}) as Json).metadata as Json | undefined;
  const version = metadata?.resourceVersion;
  return typeof version === "string" ? version : "";
}

/**
 * resourceVersions are opaque strings; compare them numerically only when both are integers
 * (etcd revisions), which is what every API server in practice returns. Else "unknown" (0).
 */
function compareVersions(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) {
    const x = BigInt(a);
    const y = BigInt(b);
    return x > y ? 1 : x < y ? -1 : 0;
  }
  return 0;
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message.split("\n")[0] ?? error.message;
  return String(error);
}
