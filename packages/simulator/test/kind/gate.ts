/**
 * When the kind end-to-end suite runs. Opt-in, always: a plain `pnpm test` never starts a
 * cluster (not even where Docker answers) and never asks Docker anything.
 *
 * - OPDEPLOY_E2E_KUBECONFIG=<file>: use that cluster (CI: made by `kind create cluster`, see
 *   .github/workflows/e2e-kind.yml; locally: `kind get kubeconfig > file`).
 * - OPDEPLOY_E2E_KIND=1: make a throw-away cluster, when a Docker engine answers.
 *   OPDEPLOY_E2E_VIA=kind-cli|testcontainers picks how (default: the kind CLI when installed).
 * - otherwise: skip, with the reason printed.
 */
export const E2E_KUBECONFIG_ENV = "OPDEPLOY_E2E_KUBECONFIG";
export const E2E_KIND_ENV = "OPDEPLOY_E2E_KIND";
export const E2E_VIA_ENV = "OPDEPLOY_E2E_VIA";

export type DockerProbe = () => Promise<{ ok: true } | { ok: false; reason: string }>;

export type KindSuiteGate =
  | { run: false; reason: string }
  | { run: true; reason: string; source: { kind: "kubeconfig"; path: string } }
  | { run: true; reason: string; source: { kind: "new-cluster"; via: "auto" | "kind-cli" | "testcontainers" } };

const VIAS = ["auto", "kind-cli", "testcontainers"] as const;

/** Decides; throws only for a value that cannot mean anything (a typo must not silently skip CI). */
export async function kindSuiteGate(env: NodeJS.ProcessEnv, probeDocker: DockerProbe): Promise<KindSuiteGate> {
  const kubeconfig = env[E2E_KUBECONFIG_ENV]?.trim();
  if (kubeconfig) return { run: true, reason: `using the cluster of ${E2E_KUBECONFIG_ENV}=${kubeconfig}`, source: { kind: "kubeconfig", path: kubeconfig } };
  const wanted = env[E2E_KIND_ENV]?.trim();
  if (wanted !== "1") {
    const hint = `set ${E2E_KIND_ENV}=1 (needs Docker) or ${E2E_KUBECONFIG_ENV}=<kubeconfig of a kind cluster>`;
    if (wanted === undefined || wanted === "" || wanted === "0") return { run: false, reason: `opt-in: ${hint}` };
    throw new Error(`${E2E_KIND_ENV}=${JSON.stringify(wanted)}: expected 1 (or unset); ${hint}`);
  }
  const via = env[E2E_VIA_ENV]?.trim() || "auto";
  if (!(VIAS as readonly string[]).includes(via)) throw new Error(`${E2E_VIA_ENV}=${JSON.stringify(via)}: expected one of ${VIAS.join(", ")}`);
  const docker = await probeDocker();
  if (!docker.ok) return { run: false, reason: `${E2E_KIND_ENV}=1 but no Docker engine answers (${docker.reason})` };
  return { run: true, reason: `${E2E_KIND_ENV}=1 and Docker answers: a new kind cluster (${via})`, source: { kind: "new-cluster", via: via as (typeof VIAS)[number] } };
}
