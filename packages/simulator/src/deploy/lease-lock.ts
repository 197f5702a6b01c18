/**
 * The deploy lock: a coordination.k8s.io/v1 Lease `opdeploy-<plan>` held while a deploy or
 * rollback runs, renewed every 20 s with a 60 s duration, as client-go's leader election does
 * (k8s.io/client-go/tools/leaderelection/resourcelock/leaselock.go: holderIdentity,
 * leaseDurationSeconds, acquireTime, renewTime, leaseTransitions). A lease whose renewTime is
 * older than its duration is stale — its holder died — and is taken over, so a killed deploy
 * never blocks later ones. Writes use optimistic concurrency (PUT with resourceVersion): of two
 * deployers racing for a stale lease, one gets 409 Conflict and backs off.
 *
 * Renewal is tied to progress, not merely to the process being alive. The deploy calls
 * `progress()` whenever it gets somewhere (each step boundary, each observation of the rollout
 * while it waits); the timer renews only while the last progress is younger than `stallSeconds`
 * (default: the lease duration). A deploy that stalls — a hung API server, a wait that never
 * ends — stops renewing, its lease expires one duration later and the next deployer takes it
 * over, instead of every other deployer being locked out for as long as the stuck process
 * lives. The stalled deploy learns it through `lost` and stops at its next step boundary.
 * A deploy whose steps legitimately wait longer than the lease duration without anything to
 * report must call `progress()` from its wait loop or raise `stallSeconds`. A holder that never
 * calls `progress()` (rollback, older callers) is not watched for stalls: the lease is renewed
 * for as long as the process lives, as before — the watch starts with the first call.
 */
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import type { KubeApi, Json } from "../cluster/kubernetes/kube-api.js";
import { collectionPath } from "../cluster/kubernetes/kube-api.js";
import { timestampMs } from "../cluster/kubernetes/kstatus.js";

export const LEASE_DURATION_SECONDS = 60;
export const LEASE_RENEW_SECONDS = 20;

export class DeployLockedError extends Error {
  constructor(message: string) {
    super(message.startsWith("deploy: ") ? message : `deploy: ${message}`);
    this.name = "DeployLockedError";
  }
}

export interface LeaseOptions {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  renewSeconds?: number;
  /** Seconds without `progress()` after which renewals stop (default: leaseDurationSeconds). */
  stallSeconds?: number;
  /** Clock (ms); tests move it. */
  now?: () => number;
}

export function defaultHolderIdentity(): string {
  return `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
}

/** MicroTime as the API writes it: RFC 3339 with microseconds. */
function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

export class LeaseLock {
  readonly holderIdentity: string;
  readonly leaseDurationSeconds: number;
  private timer: NodeJS.Timeout | undefined;
  private held = false;
  private renewing: Promise<boolean> | undefined;
  /** Set when a renewal found the lease taken or failed past its duration. */
  lost: string | undefined;
  private readonly now: () => number;
  private lastRenewMs = 0;
  /** undefined until the first progress(): no stall watch for holders that never report. */
  private lastProgressMs: number | undefined;
  readonly stallSeconds: number;

  constructor(
    private readonly api: KubeApi,
    readonly namespace: string,
    readonly name: string,
    private readonly options: LeaseOptions = {},
  ) {
    this.holderIdentity = options.holderIdentity ?? defaultHolderIdentity();
    this.leaseDurationSeconds = options.leaseDurationSeconds ?? LEASE_DURATION_SECONDS;
    this.now = options.now ?? Date.now;
    this.stallSeconds = options.stallSeconds ?? this.leaseDurationSeconds;
  }

  /** The deploy got somewhere: keep renewing for another `stallSeconds`. */
  progress(): void {
    this.lastProgressMs = this.now();
  }

  /** Seconds since the last progress(); 0 before the first one. */
  get stalledSeconds(): number {
    return this.lastProgressMs === undefined ? 0 : Math.max(0, (this.now() - this.lastProgressMs) / 1000);
  }

  private get path(): string {
    return collectionPath("coordination.k8s.io/v1", "leases", this.namespace, this.name);
  }

  /** Takes the lease (creating it, or taking over a stale/released one). Throws DeployLockedError when it is live. */
  async acquire(): Promise<{ tookOver?: string }> {
    const existing = await this.api.get(this.path);
    const nowMs = this.now();
    const spec = { holderIdentity: this.holderIdentity, leaseDurationSeconds: this.leaseDurationSeconds, acquireTime: microTime(nowMs), renewTime: microTime(nowMs) };
    if (!existing) {
      const body = { apiVersion: "coordination.k8s.io/v1", kind: "Lease", metadata: { name: this.name, namespace: this.namespace, labels: { owner: "opdeploy" } }, spec: { ...spec, leaseTransitions: 0 } };
      const { status, body: response } = await this.api.request("POST", collectionPath("coordination.k8s.io/v1", "leases", this.namespace), { body });
      if (status === 409) throw new DeployLockedError(`lease ${this.name} was just taken by another deployer`);
      if (status < 200 || status >= 300) throw this.api.statusError("POST", this.path, status, response);
      this.started();
      return {};
    }
    const current = (existing.spec ?? {}) as Json;
    const holder = typeof current.holderIdentity === "string" && current.holderIdentity !== "" ? current.holderIdentity : undefined;
    const renewed = timestampMs(current.renewTime) ?? 0;
    const duration = Number(current.leaseDurationSeconds ?? this.leaseDurationSeconds);
    const expiresMs = renewed + duration * 1000;
    if (holder !== undefined && holder !== this.holderIdentity && expiresMs > nowMs) {
      throw new DeployLockedError(
        `plan is being deployed by ${holder} (lease ${this.namespace}/${this.name} renewed ${new Date(renewed).toISOString()}, expires in ${Math.ceil((expiresMs - nowMs) / 1000)} s); try again later`,
      );
    }
    const transitions = Number(current.leaseTransitions ?? 0) + (holder !== this.holderIdentity ? 1 : 0);
    const body = { ...existing, spec: { ...spec, leaseTransitions: transitions } };
    const { status, body: response } = await this.api.request("PUT", this.path, { body });
    if (status === 409) throw new DeployLockedError(`lease ${this.name} was just taken by another deployer`);
    if (status < 200 || status >= 300) throw this.api.statusError("PUT", this.path, status, response);
    this.started();
    return holder !== undefined && holder !== this.holderIdentity ? { tookOver: holder } : {};
  }

  private started(): void {
    this.held = true;
    this.lastRenewMs = this.now();
    if (this.lastProgressMs !== undefined) this.lastProgressMs = this.lastRenewMs;
    const every = (this.options.renewSeconds ?? LEASE_RENEW_SECONDS) * 1000;
    this.timer = setInterval(() => {
      // A renewal against a slow server may outlast the interval: never run two at once.
      if (this.renewing) return;
      this.renewing = this.renew()
        .catch(() => false)
        .finally(() => (this.renewing = undefined));
    }, every);
    this.timer.unref?.();
  }

  /**
   * Renews renewTime; records `lost` when someone else holds it now, when renewals failed for a
   * whole lease duration, or when the deploy made no progress for `stallSeconds` (then it stops
   * renewing, so the lease runs out).
   */
  async renew(): Promise<boolean> {
    if (!this.held) return false;
    try {
      const existing = await this.api.get(this.path);
      const holder = (existing?.spec as Json | undefined)?.holderIdentity;
      if (!existing || holder !== this.holderIdentity) {
        this.lost = `lease ${this.name} is now held by ${String(holder ?? "nobody")}`;
        this.stopTimer();
        return false;
      }
      if (this.stalled()) return false;
      const body = { ...existing, spec: { ...(existing.spec as Json), renewTime: microTime(this.now()) } };
      const { status } = await this.api.request("PUT", this.path, { body });
      if (status >= 200 && status < 300) {
        this.lastRenewMs = this.now();
        return true;
      }
    } catch {
      // A blip: retried at the next tick, lost only past the duration.
    }
    if (this.stalled()) return false;
    if (this.now() - this.lastRenewMs > this.leaseDurationSeconds * 1000) this.lost = `lease ${this.name} could not be renewed for ${this.leaseDurationSeconds} s`;
    return false;
  }

  /** True (and `lost` set, renewals stopped) once the deploy made no progress for `stallSeconds`. */
  private stalled(): boolean {
    if (this.stalledSeconds <= this.stallSeconds) return false;
    this.lost = `no progress for ${Math.round(this.stalledSeconds)} s (more than ${this.stallSeconds} s); lease ${this.name} is no longer renewed and expires ${this.leaseDurationSeconds} s after its last renewal`;
    this.stopTimer();
    return true;
  }

  /** Stops renewing without releasing: what a killed process leaves behind (tests use it). */
  abandon(): void {
    this.stopTimer();
    this.held = false;
  }

  /** Clears holderIdentity so the next deployer acquires at once. */
  async release(): Promise<void> {
    this.stopTimer();
    if (!this.held) return;
    this.held = false;
    const existing = await this.api.get(this.path);
    if (!existing || (existing.spec as Json | undefined)?.holderIdentity !== this.holderIdentity) return;
    const spec = { ...(existing.spec as Json) };
    delete spec.holderIdentity;
    await this.api.request("PUT", this.path, { body: { ...existing, spec } });
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
