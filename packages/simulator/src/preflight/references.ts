/**
 * References the rendered objects make to things the plan does not create:
 * - Secrets and ConfigMaps of env valueFrom (secretKeyRef / configMapKeyRef, with the key),
 *   envFrom, volumes (secret, configMap, projected) and imagePullSecrets. A missing one (or a
 *   missing key) leaves the container in CreateContainerConfigError (kubelet
 *   pkg/kubelet/kubelet_pods.go makeEnvironmentVariables) — unless marked optional.
 * - StorageClasses of PersistentVolumeClaims (their own, or the StatefulSets' claim templates): a
 *   named class that does not exist, or no class and no default one
 *   (storageclass.kubernetes.io/is-default-class, plugin/pkg/admission/storage/storageclass/setdefault),
 *   leaves the claim — and its pod — Pending.
 * Secret contents are never read into a message: only names and key names.
 */
import type { Finding, KubernetesObject } from "@openpolicy/core";
import type { Json } from "../cluster/kubernetes/kube-api.js";
import { collectionPath } from "../cluster/kubernetes/kube-api.js";
import type { PreflightContext } from "./context.js";
import { containersOf, podTemplates, preflightFinding, readList, readObject, unverified } from "./context.js";

interface Reference {
  kind: "Secret" | "ConfigMap";
  name: string;
  /** Keys read from it (empty: the whole object, envFrom / volumes). */
  keys: Set<string>;
  services: Set<string>;
}

function collect(refs: Map<string, Reference>, kind: Reference["kind"], name: unknown, service: string, key?: unknown, optional?: unknown): void {
  if (typeof name !== "string" || name === "" || optional === true) return;
  const id = `${kind}/${name}`;
  const ref = refs.get(id) ?? { kind, name, keys: new Set<string>(), services: new Set<string>() };
  if (typeof key === "string") ref.keys.add(key);
  ref.services.add(service);
  refs.set(id, ref);
}

function podReferences(refs: Map<string, Reference>, spec: Json, service: string): void {
  for (const c of containersOf(spec)) {
    for (const env of (c.env ?? []) as Json[]) {
      const from = (env.valueFrom ?? {}) as Json;
      const s = from.secretKeyRef as Json | undefined;
      const m = from.configMapKeyRef as Json | undefined;
      if (s) collect(refs, "Secret", s.name, service, s.key, s.optional);
      if (m) collect(refs, "ConfigMap", m.name, service, m.key, m.optional);
    }
    for (const from of (c.envFrom ?? []) as Json[]) {
      const s = from.secretRef as Json | undefined;
      const m = from.configMapRef as Json | undefined;
      if (s) collect(refs, "Secret", s.name, service, undefined, s.optional);
      if (m) collect(refs, "ConfigMap", m.name, service, undefined, m.optional);
    }
  }
  for (const volume of (spec.volumes ?? []) as Json[]) {
    const s = volume.secret as Json | undefined;
    const m = volume.configMap as Json | undefined;
    if (s) collect(refs, "Secret", s.secretName, service, undefined, s.optional);
    if (m) collect(refs, "ConfigMap", m.name, service, undefined, m.optional);
    for (const source of (((volume.projected as Json | undefined)?.sources ?? []) as Json[])) {
      const ps = source.secret as Json | undefined;
      const pm = source.configMap as Json | undefined;
      if (ps) collect(refs, "Secret", ps.name, service, undefined, ps.optional);
      if (pm) collect(refs, "ConfigMap", pm.name, service, undefined, pm.optional);
    }
  }
  for (const pull of (spec.imagePullSecrets ?? []) as Json[]) collect(refs, "Secret", pull.name, service);
}

/** Names of the Secrets/ConfigMaps the plan applies itself (they exist once the deploy runs). */
function created(ctx: PreflightContext): Set<string> {
  return new Set(ctx.rendered.flatMap((r) => [...r.shared, ...r.objects]).map((o) => `${o.kind}/${o.metadata.name}`));
}

export async function checkReferences(ctx: PreflightContext): Promise<Finding[]> {
  const refs = new Map<string, Reference>();
  for (const r of ctx.rendered) for (const template of podTemplates(r.objects)) podReferences(refs, (template.spec ?? {}) as Json, r.service.name);
  const own = created(ctx);
  const findings: Finding[] = [];
  const results = await Promise.all(
    [...refs.values()]
      .filter((ref) => !own.has(`${ref.kind}/${ref.name}`))
      .map(async (ref) => [ref, await readObject(ctx.api, collectionPath("v1", ref.kind === "Secret" ? "secrets" : "configmaps", ctx.namespace, ref.name))] as const),
  );
  for (const [ref, read] of results) {
    const services = [...ref.services];
    const location = ctx.plan.services.get(services[0]!)?.location ?? ctx.plan.location;
    if (!read.ok) {
      findings.push(unverified(ctx, `${ref.kind} ${ref.name} (read by ${services.join(", ")})`, read.why, services));
      continue;
    }
    if (!read.object) {
      const keys = ref.keys.size > 0 ? ` with key(s) ${[...ref.keys].join(", ")}` : "";
      findings.push(
        preflightFinding(
          "preflight-missing-reference",
          `${ref.kind} ${ref.name} does not exist in ${ctx.namespace}; ${services.join(", ")} read${services.length === 1 ? "s" : ""} it, so their containers would stop in CreateContainerConfigError. Create it${keys} before deploying.`,
          location,
          services,
        ),
      );
      continue;
    }
    const data = new Set([...Object.keys((read.object.data ?? {}) as Json), ...Object.keys((read.object.binaryData ?? {}) as Json)]);
    const missing = [...ref.keys].filter((k) => !data.has(k));
    if (missing.length > 0) {
      findings.push(
        preflightFinding(
          "preflight-missing-reference",
          `${ref.kind} ${ref.name} has no key ${missing.join(", ")}, which ${services.join(", ")} read${services.length === 1 ? "s" : ""}: CreateContainerConfigError. Add the key(s).`,
          location,
          services,
        ),
      );
    }
  }
  return [...findings, ...(await storageClasses(ctx))];
}

/** Claims the plan creates, with the class they ask for (undefined: the default class). */
function claims(ctx: PreflightContext): { service: string; claim: string; storageClass: string | undefined }[] {
  const out: { service: string; claim: string; storageClass: string | undefined }[] = [];
  const push = (service: string, claim: KubernetesObject | Json) => {
    const spec = (claim.spec ?? {}) as Json;
    const name = String(((claim.metadata ?? {}) as Json).name ?? "");
    out.push({ service, claim: name, storageClass: typeof spec.storageClassName === "string" ? spec.storageClassName : undefined });
  };
  for (const r of ctx.rendered) {
    for (const o of r.objects) {
      if (o.kind === "PersistentVolumeClaim") push(r.service.name, o);
      if (o.kind === "StatefulSet") for (const t of ((o.spec as Json | undefined)?.volumeClaimTemplates ?? []) as Json[]) push(r.service.name, t);
    }
  }
  return out;
}

async function storageClasses(ctx: PreflightContext): Promise<Finding[]> {
  const wanted = claims(ctx);
  if (wanted.length === 0) return [];
  const services = [...new Set(wanted.map((w) => w.service))];
  const list = await readList(ctx.api, "/apis/storage.k8s.io/v1/storageclasses");
  if (!list.ok) return [unverified(ctx, `the StorageClasses of ${wanted.length} PersistentVolumeClaim(s)`, list.why, services)];
  const names = new Set(list.items.map((c) => String((c.metadata as Json).name)));
  const defaults = list.items.filter((c) => ((c.metadata as Json).annotations as Record<string, string> | undefined)?.["storageclass.kubernetes.io/is-default-class"] === "true");
  const findings: Finding[] = [];
  for (const w of wanted) {
    const location = ctx.plan.services.get(w.service)?.location ?? ctx.plan.location;
    // storageClassName "" asks for no class at all (a pre-provisioned volume): nothing to look up.
    if (w.storageClass === "") continue;
    if (w.storageClass !== undefined && !names.has(w.storageClass)) {
      findings.push(preflightFinding("preflight-missing-reference", `claim ${w.claim} of ${w.service} asks for StorageClass ${w.storageClass}, which does not exist (classes: ${[...names].join(", ") || "none"}): it would stay Pending, and so would its pod.`, location, [w.service]));
    } else if (w.storageClass === undefined && defaults.length === 0) {
      findings.push(preflightFinding("preflight-missing-reference", `claim ${w.claim} of ${w.service} names no StorageClass and the cluster has no default one (classes: ${[...names].join(", ") || "none"}): it would stay Pending, and so would its pod.`, location, [w.service]));
    }
  }
  return findings;
}
