/**
 * Deploy history kept in the cluster, as Helm 3 keeps releases (helm/pkg/storage/driver/secrets.go):
 * one Secret per revision, `opdeploy.<plan>.v<N>`, labelled owner=opdeploy, name=<plan>,
 * status=<status>, version=<N>, holding the gzip+base64 applied manifests, the plan (to restore
 * from on rollback) and the per-step status JSON. Secrets, not ConfigMaps: manifests can reveal
 * more than a ConfigMap reader should see.
 */
import { gunzipSync, gzipSync } from "node:zlib";
import type { KubernetesObject } from "@openpolicy/core";
import type { StepUpdate } from "../engine/run-rollout.js";
import type { PodDiagnosis } from "../engine/result.js";
import type { Json, KubeApi } from "../cluster/kubernetes/kube-api.js";
import { collectionPath } from "../cluster/kubernetes/kube-api.js";

export type RevisionStatus = "deploying" | "deployed" | "failed" | "rolled-back" | "superseded";

export interface RevisionManifests {
  shared: KubernetesObject[];
  /** Per service, in the order applied. */
  services: Record<string, KubernetesObject[]>;
}

export interface StepRecord {
  phase: string;
  batch: string;
  service: string;
  status: StepUpdate["status"];
  t: number;
  message?: string;
}

export interface Revision {
  plan: string;
  version: number;
  status: RevisionStatus;
  /** ISO time of the last update. */
  updatedAt: string;
  description: string;
  /** Identity of the deployer that wrote it last. */
  holder: string;
  manifests: RevisionManifests;
  /** The plan's phases/batches order (services, in apply order) — used for reverse-order rollback. */
  order: string[][];
  steps: StepRecord[];
  /** Serialized plan (JSON with services as entries), for `from` on the next deploy. */
  planJson?: string;
  /** Hash of the manifests + plan, to decide whether an interrupted revision can be resumed. */
  digest: string;
  /** When a step failed: the failing pods' events and log tails (redacted), for `opdeploy logs`. */
  diagnosis?: PodDiagnosis[];
}

export function revisionSecretName(plan: string, version: number): string {
  return `opdeploy.${plan}.v${version}`;
}

const pack = (value: unknown): string => gzipSync(Buffer.from(JSON.stringify(value), "utf8")).toString("base64");
const unpack = <T>(text: string | undefined, fallback: T): T => (text ? (JSON.parse(gunzipSync(Buffer.from(text, "base64")).toString("utf8")) as T) : fallback);

export function revisionToSecret(namespace: string, r: Revision): Json {
  return {
    apiVersion: "v1",
    kind: "Secret",
    type: "opdeploy.io/revision.v1",
    metadata: {
      name: revisionSecretName(r.plan, r.version),
      namespace,
      labels: { owner: "opdeploy", name: r.plan, status: r.status, version: String(r.version) },
    },
    // `data` values are base64 of the gzip bytes (the Secret API's own encoding of binary data).
    data: {
      manifests: pack(r.manifests),
      steps: Buffer.from(JSON.stringify(r.steps)).toString("base64"),
      release: pack({ updatedAt: r.updatedAt, description: r.description, holder: r.holder, order: r.order, planJson: r.planJson, digest: r.digest, diagnosis: r.diagnosis }),
    },
  };
}

export function revisionFromSecret(secret: Json): Revision {
  const metadata = secret.metadata as Json;
  const labels = (metadata.labels ?? {}) as Record<string, string>;
  const data = (secret.data ?? {}) as Record<string, string>;
  const release = unpack<Json>(data.release, {});
  const revision: Revision = {
    plan: labels.name ?? "",
    version: Number(labels.version),
    status: (labels.status ?? "failed") as RevisionStatus,
    updatedAt: String(release.updatedAt ?? ""),
    description: String(release.description ?? ""),
    holder: String(release.holder ?? ""),
    manifests: unpack<RevisionManifests>(data.manifests, { shared: [], services: {} }),
    order: (release.order ?? []) as string[][],
    steps: data.steps ? (JSON.parse(Buffer.from(data.steps, "base64").toString("utf8")) as StepRecord[]) : [],
    digest: String(release.digest ?? ""),
  };
  if (typeof release.planJson === "string") revision.planJson = release.planJson;
  if (Array.isArray(release.diagnosis)) revision.diagnosis = release.diagnosis as PodDiagnosis[];
  return revision;
}

export class RevisionStore {
  constructor(
    private readonly api: KubeApi,
    readonly namespace: string,
  ) {}

  /** Every revision of the plan, oldest first. */
  async list(plan: string): Promise<Revision[]> {
    const { items } = await this.api.list(collectionPath("v1", "secrets", this.namespace), `owner=opdeploy,name=${plan}`);
    return items.map(revisionFromSecret).sort((a, b) => a.version - b.version);
  }

  /** Writes (creates or replaces) the revision Secret with server-side apply. */
  async save(r: Revision): Promise<void> {
    r.updatedAt = new Date().toISOString();
    const path = collectionPath("v1", "secrets", this.namespace, revisionSecretName(r.plan, r.version));
    const { status, body } = await this.api.request("PATCH", path, {
      body: revisionToSecret(this.namespace, r),
      contentType: "application/apply-patch+yaml",
      query: { fieldManager: "opdeploy", force: true },
    });
    if (status < 200 || status >= 300) throw this.api.statusError("PATCH", path, status, body);
  }
}
