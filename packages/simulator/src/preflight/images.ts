/**
 * Images: every image the plan's pods run must be on a node (node.status.images) or be pullable
 * by its pull policy. The policy is the rendered container's, else the API server's default:
 * Always for `:latest` or an untagged image, IfNotPresent otherwise (SetDefaults_Container,
 * kubernetes pkg/apis/core/v1/defaults.go). `Never` with the image on no node is
 * ErrImageNeverPull for every pod (kubelet pkg/kubelet/images/image_manager.go) — an error.
 * Any other missing image depends on a pull from its registry at deploy time — a warning.
 * The kubelet reports at most nodeStatusMaxImages images per node (50 by default,
 * pkg/kubelet/apis/config/v1beta1/defaults.go; pkg/kubelet/nodestatus/setters.go Images): a
 * list that long may be truncated, so "missing" from it is only a warning.
 * On kind (providerID kind://<provider>/<cluster>/<node>) the finding carries the exact
 * `kind load docker-image` command that puts a locally built image on the nodes.
 */
import type { Finding } from "@openpolicy/core";
import type { Json } from "../cluster/kubernetes/kube-api.js";
import type { PreflightContext } from "./context.js";
import { containersOf, podTemplates, preflightFinding } from "./context.js";

/** kubelet's default nodeStatusMaxImages. */
export const NODE_STATUS_MAX_IMAGES = 50;

/**
 * The fully qualified reference the kubelet reports ("nginx:1.25" → "docker.io/library/nginx:1.25"),
 * as the container runtime normalises it (github.com/distribution/reference ParseNormalizedNamed:
 * no registry → docker.io, no namespace on docker.io → library/, no tag or digest → :latest).
 */
export function normalizeImage(image: string): string {
  let name = image.trim();
  const firstSlash = name.indexOf("/");
  const first = firstSlash >= 0 ? name.slice(0, firstSlash) : "";
  const hasRegistry = firstSlash >= 0 && (first.includes(".") || first.includes(":") || first === "localhost");
  if (!hasRegistry) name = `docker.io/${firstSlash >= 0 ? name : `library/${name}`}`;
  const lastPart = name.slice(name.lastIndexOf("/") + 1);
  if (!lastPart.includes(":") && !name.includes("@")) name += ":latest";
  return name;
}

export function defaultPullPolicy(image: string): "Always" | "IfNotPresent" {
  const normalized = normalizeImage(image);
  return !normalized.includes("@") && normalized.endsWith(":latest") ? "Always" : "IfNotPresent";
}

/** kind's cluster name from a node's providerID, if the node is a kind node. */
export function kindClusterName(node: Json): string | undefined {
  const providerID = (node.spec as Json | undefined)?.providerID;
  if (typeof providerID !== "string" || !providerID.startsWith("kind://")) return undefined;
  return providerID.split("/")[3] || undefined;
}

interface Wanted {
  image: string;
  policy: string;
  services: Set<string>;
}

function wantedImages(ctx: PreflightContext): Map<string, Wanted> {
  const wanted = new Map<string, Wanted>();
  for (const r of ctx.rendered) {
    for (const template of podTemplates(r.objects)) {
      for (const container of containersOf(template.spec as Json | undefined)) {
        const image = container.image;
        if (typeof image !== "string" || image === "") continue;
        const policy = typeof container.imagePullPolicy === "string" ? container.imagePullPolicy : defaultPullPolicy(image);
        const key = `${normalizeImage(image)}|${policy}`;
        const entry = wanted.get(key) ?? { image, policy, services: new Set<string>() };
        entry.services.add(r.service.name);
        wanted.set(key, entry);
      }
    }
  }
  return wanted;
}

export async function checkImages(ctx: PreflightContext): Promise<Finding[]> {
  const present = new Set<string>();
  let truncated = false;
  for (const node of ctx.nodes) {
    const images = ((node.status as Json | undefined)?.images ?? []) as Json[];
    if (images.length >= NODE_STATUS_MAX_IMAGES) truncated = true;
    for (const entry of images) for (const name of (entry.names ?? []) as string[]) present.add(normalizeImage(name));
  }
  const kind = ctx.nodes.map(kindClusterName).find((n) => n !== undefined);
  const findings: Finding[] = [];
  for (const w of wantedImages(ctx).values()) {
    if (present.has(normalizeImage(w.image))) continue;
    const services = [...w.services];
    const location = ctx.plan.services.get(services[0]!)?.location ?? ctx.plan.location;
    const load = kind !== undefined ? ` On kind: \`kind load docker-image ${w.image} --name ${kind}\`.` : "";
    const partial = truncated ? ` (a node lists ${NODE_STATUS_MAX_IMAGES} images or more — the kubelet's limit — so the image may be there unlisted)` : "";
    if (w.policy === "Never" && !truncated) {
      findings.push(
        preflightFinding("preflight-image-missing", `image ${w.image} of ${services.join(", ")} is on no node and its imagePullPolicy is Never: every pod would fail with ErrImageNeverPull.${load}`, location, services),
      );
    } else {
      findings.push(
        preflightFinding(
          "preflight-image-unverified",
          `image ${w.image} of ${services.join(", ")} is on no node${partial}; with imagePullPolicy ${w.policy} the kubelet pulls it at deploy time, so the deploy depends on its registry.${load}`,
          location,
          services,
        ),
      );
    }
  }
  return findings;
}
