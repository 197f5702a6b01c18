/**
 * kind's default CNI (kindnet) manifest as kind v0.25.0 installs it
 * (pkg/cluster/internal/create/actions/installcni/cni.go). The node image ships
 * /kind/manifests/default-cni.yaml as a Go template (pkg/build/nodeimage/const_cni.go): applied
 * unrendered, `{{ .PodSubnet }}` is an invalid YAML map key and kindnet never starts. kind:
 * - renders it when it contains "would you kindly template this file", with `.PodSubnet` the
 *   only field;
 * - when it contains "would you kindly patch this file", adds CONTROL_PLANE_ENDPOINT to the
 *   DaemonSet's first container, so kindnet reaches the API server before kube-proxy runs.
 */
import { isScalar, parseAllDocuments } from "yaml";

const TEMPLATE_MARKER = "would you kindly template this file";
const PATCH_MARKER = "would you kindly patch this file";
const ACTION = /\{\{-?\s*(.*?)\s*-?\}\}/g;

export interface CniValues {
  podSubnet: string;
  /** kind GetAPIServerInternalEndpoint: `<node>:6443`. */
  controlPlaneEndpoint: string;
}

/** The manifest to `kubectl create`, or an error naming what could not be rendered. */
export function renderCniManifest(manifest: string, values: CniValues): string {
  let text = manifest;
  if (text.includes(TEMPLATE_MARKER)) {
    const unknown = [...text.matchAll(ACTION)].map((m) => m[1]).filter((field) => field !== ".PodSubnet");
    if (unknown.length > 0) throw new Error(`kind: default-cni.yaml uses template fields this fixture does not know: ${[...new Set(unknown)].join(", ")}`);
    text = text.replace(ACTION, () => values.podSubnet);
  }
  if (!text.includes(PATCH_MARKER)) return text;
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs)) throw new Error("kind: default-cni.yaml: not a YAML stream");
  const problems = docs.flatMap((doc) => doc.errors.map((e) => e.message.split("\n")[0]));
  if (problems.length > 0) throw new Error(`kind: default-cni.yaml does not parse: ${problems.join("; ")}`);
  const out: string[] = [];
  for (const doc of docs) {
    // Comment-only and empty documents (the header, the trailing `---`) carry nothing.
    if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) continue;
    // One `---` between documents, written by the join below.
    if (doc.directives) doc.directives.docStart = null;
    if (doc.get("kind") === "DaemonSet" && doc.get("apiVersion") === "apps/v1") {
      doc.addIn(["spec", "template", "spec", "containers", 0, "env"], { name: "CONTROL_PLANE_ENDPOINT", value: values.controlPlaneEndpoint });
    }
    out.push(doc.toString());
  }
  return out.join("---\n");
}
