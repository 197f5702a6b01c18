/**
 * Where a deploy keeps its history and its lock, behind two small interfaces so the one deploy
 * engine (deploy-plan.ts, rollback-plan.ts) runs against any `Cluster`:
 * - on Kubernetes: revision Secrets (revisions.ts, as Helm keeps releases) and a Lease
 *   (lease-lock.ts, as client-go's leader election);
 * - on the simulated cluster: in memory (`memoryDeployState`), so tests and rehearsals drive
 *   deploy → re-deploy → upgrade → `--phase` → failure → rollback → resume through the same code.
 *
 * Contract (both implementations):
 * - `RevisionStorage.list(plan)` returns every revision of the plan, oldest first, as saved last;
 *   `save` replaces the revision with the same plan and version, stamping `updatedAt`.
 * - `DeployLease.acquire()` succeeds when the lease is free, held by this holder, or stale; it
 *   throws `DeployLockedError` naming the holder otherwise. `release()` frees it (idempotent).
 *   `progress()` says the deploy is alive; `lost` is set once the lease is no longer ours.
 */
import type { Revision } from "./revisions.js";
import { DeployLockedError, defaultHolderIdentity } from "./lease-lock.js";

export interface RevisionStorage {
  list(plan: string): Promise<Revision[]>;
  save(revision: Revision): Promise<void>;
}

export interface DeployLease {
  readonly holderIdentity: string;
  readonly lost: string | undefined;
  acquire(): Promise<{ tookOver?: string }>;
  progress(): void;
  release(): Promise<void>;
}

export interface DeployState {
  revisions: RevisionStorage;
  /** The lock for one plan (`opdeploy-<plan>`). */
  lease(name: string, options?: { holderIdentity?: string }): DeployLease;
}

export class MemoryRevisionStore implements RevisionStorage {
  private readonly revisions = new Map<string, Revision[]>();

  async list(plan: string): Promise<Revision[]> {
    return structuredClone(this.revisions.get(plan) ?? []);
  }

  async save(revision: Revision): Promise<void> {
    revision.updatedAt = new Date().toISOString();
    const list = this.revisions.get(revision.plan) ?? [];
    const at = list.findIndex((r) => r.version === revision.version);
    const copy = structuredClone(revision);
    if (at >= 0) list[at] = copy;
    else list.push(copy);
    list.sort((a, b) => a.version - b.version);
    this.revisions.set(revision.plan, list);
  }
}

/** An in-process lease: held until released (a simulated deploy cannot die without releasing it). */
export class MemoryLease implements DeployLease {
  readonly holderIdentity: string;
  lost: string | undefined;

  constructor(
    private readonly holders: Map<string, string>,
    readonly name: string,
    holderIdentity?: string,
  ) {
    this.holderIdentity = holderIdentity ?? defaultHolderIdentity();
  }

  async acquire(): Promise<{ tookOver?: string }> {
    const holder = this.holders.get(this.name);
    if (holder !== undefined && holder !== this.holderIdentity) {
      throw new DeployLockedError(`lease ${this.name} is held by ${holder}`);
    }
    this.holders.set(this.name, this.holderIdentity);
    this.lost = undefined;
    return {};
  }

  progress(): void {}

  async release(): Promise<void> {
    if (this.holders.get(this.name) === this.holderIdentity) this.holders.delete(this.name);
  }
}

/** History and locks kept in memory: one instance stands for one cluster's namespace. */
export function memoryDeployState(): DeployState {
  const holders = new Map<string, string>();
  return {
    revisions: new MemoryRevisionStore(),
    lease: (name, options) => new MemoryLease(holders, name, options?.holderIdentity),
  };
}
