/**
 * Where an object lives in the REST API: its collection path from the group version's discovery
 * document (as kubectl's RESTMapper finds it), read once per group version.
 */
import type { Json, KubeApi } from "../cluster/kubernetes/kube-api.js";
import { collectionPath } from "../cluster/kubernetes/kube-api.js";

export interface ResourceInfo {
  plural: string;
  namespaced: boolean;
}

export class ResourceMap {
  private readonly groups = new Map<string, Promise<Map<string, ResourceInfo>>>();

  constructor(private readonly api: KubeApi) {}

  /** The kind's collection, or undefined when the server does not serve it. */
  async lookup(apiVersion: string, kind: string): Promise<ResourceInfo | undefined> {
    let kinds = this.groups.get(apiVersion);
    if (!kinds) {
      kinds = this.api.get(apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`).then((doc) => {
        const map = new Map<string, ResourceInfo>();
        for (const r of (doc?.resources ?? []) as Json[]) {
          // Subresources ("deployments/scale") share their parent's kind.
          if (typeof r.name === "string" && typeof r.kind === "string" && !r.name.includes("/")) map.set(r.kind, { plural: r.name, namespaced: r.namespaced === true });
        }
        return map;
      });
      this.groups.set(apiVersion, kinds);
    }
    return (await kinds).get(kind);
  }

  /** Path of one object (namespaced kinds in `namespace`), or undefined when the kind is not served. */
  async path(apiVersion: string, kind: string, namespace: string, name?: string): Promise<string | undefined> {
    const info = await this.lookup(apiVersion, kind);
    return info ? collectionPath(apiVersion, info.plural, info.namespaced ? namespace : undefined, name) : undefined;
  }
}
