/**
 * An object as a diff should show it: without what the API server writes itself. Both sides of
 * a diff (the live object and the server-side dry-run result) go through the same function, so
 * only what the apply would change remains — as `kubectl diff` masks managedFields
 * (staging/src/k8s.io/kubectl/pkg/cmd/diff/diff.go, `Masker`) and `helm diff` compares manifests.
 */
import { stringify } from "yaml";
import type { Json } from "../cluster/kubernetes/kube-api.js";

/**
 * metadata fields the server populates (ObjectMeta, staging/src/k8s.io/apimachinery/pkg/apis/
 * meta/v1/types.go: "Populated by the system. Read-only."), never part of what a plan declares.
 */
const SERVER_METADATA = ["managedFields", "resourceVersion", "uid", "generation", "creationTimestamp", "selfLink", "deletionTimestamp", "deletionGracePeriodSeconds"] as const;

/**
 * Annotations controllers write on the objects a plan applies: the Deployment controller's
 * revision counter (pkg/controller/deployment/util/deployment_util.go RevisionAnnotation) and
 * client-side apply's record, which server-side apply does not use.
 */
const SERVER_ANNOTATIONS = ["deployment.kubernetes.io/revision", "kubectl.kubernetes.io/last-applied-configuration"] as const;

/** A copy of `object` without status and server-populated metadata. */
export function comparable(object: Json): Json {
  const { status: _status, metadata, ...rest } = structuredClone(object);
  const meta = { ...((metadata ?? {}) as Json) };
  for (const field of SERVER_METADATA) delete meta[field];
  const annotations = { ...((meta.annotations ?? {}) as Record<string, string>) };
  for (const key of SERVER_ANNOTATIONS) delete annotations[key];
  if (Object.keys(annotations).length > 0) meta.annotations = annotations;
  else delete meta.annotations;
  return { ...rest, metadata: meta };
}

/** YAML with keys sorted at every level, so both sides of a diff line up whatever order the server wrote. */
export function comparableYaml(object: Json | undefined): string {
  if (object === undefined) return "";
  return stringify(comparable(object), { sortMapEntries: true, lineWidth: 0 });
}

/**
 * Both sides of a Secret's diff with the values masked, as `kubectl diff` does (diff.go
 * `Masker`): "***" where a key is the same on both sides, "*** (before)" / "*** (after)" where
 * it changes, so the diff shows which keys change and never what they hold.
 */
export function maskedSecrets(live: Json | undefined, after: Json): [string, string] {
  const mask = (object: Json | undefined, other: Json | undefined, side: string): Json | undefined => {
    if (object === undefined) return undefined;
    const copy = structuredClone(object);
    for (const field of ["data", "stringData"]) {
      const values = copy[field] as Record<string, unknown> | undefined;
      if (!values) continue;
      const theirs = (other?.[field] ?? {}) as Record<string, unknown>;
      for (const key of Object.keys(values)) values[key] = values[key] === theirs[key] ? "***" : `*** (${side})`;
    }
    return copy;
  };
  return [comparableYaml(mask(live, after, "before")), comparableYaml(mask(after, live, "after"))];
}
