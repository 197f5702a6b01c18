/**
 * Who holds a deploy lock, and until when: read from the Lease itself (coordination.k8s.io/v1,
 * the fields client-go's leader election writes: holderIdentity, renewTime,
 * leaseDurationSeconds), so a refused run can say "held by X until T" rather than only "locked".
 */
import type { KubernetesCluster } from "@openpolicy/simulator/kubernetes";

export interface LeaseHolder {
  holder: string;
  renewedAt: Date;
  /** renewTime + leaseDurationSeconds: when the lease counts as abandoned if not renewed. */
  until: Date;
}

export function leaseHolder(lease: Record<string, unknown> | undefined): LeaseHolder | undefined {
  const spec = (lease?.spec ?? {}) as Record<string, unknown>;
  if (typeof spec.holderIdentity !== "string" || spec.holderIdentity === "") return undefined;
  // MicroTime ("2025-01-01T00:00:20.000000Z"): Date.parse reads the first three fraction digits.
  const renewed = Date.parse(String(spec.renewTime ?? spec.acquireTime ?? ""));
  if (Number.isNaN(renewed)) return undefined;
  const seconds = Number(spec.leaseDurationSeconds ?? 0);
  return { holder: spec.holderIdentity, renewedAt: new Date(renewed), until: new Date(renewed + seconds * 1000) };
}

/** "lease <ns>/<name> is held by <holder> until <ISO time> (last renewed <ISO time>)", or undefined. */
export async function describeLease(cluster: KubernetesCluster, name: string): Promise<string | undefined> {
  const path = `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(cluster.namespace)}/leases/${encodeURIComponent(name)}`;
  const found = leaseHolder(await cluster.api.get(path));
  if (!found) return undefined;
  return `lease ${cluster.namespace}/${name} is held by ${found.holder} until ${found.until.toISOString()} unless renewed (last renewed ${found.renewedAt.toISOString()})`;
}
