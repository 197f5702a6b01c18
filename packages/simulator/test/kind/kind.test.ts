/**
 * End-to-end on a real kind cluster (kind-cluster.ts: kindest/node run privileged through
 * testcontainers). Runs where a Docker engine answers (CI: .github/workflows/e2e-kind.yml with
 * OPDEPLOY_E2E_KIND=1); elsewhere the suite is skipped with the reason printed.
 *
 * The deployer connects as the ServiceAccount of deploy/rbac.yaml (a TokenRequest token), so the
 * RBAC rules are exercised too.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { createKindCluster, dockerAvailable } from "../../src/cluster/kubernetes/kind-cluster.js";
import type { KindCluster } from "../../src/cluster/kubernetes/kind-cluster.js";
import { KubernetesCluster } from "../../src/cluster/kubernetes/kubernetes-cluster.js";
import { collectionPath } from "../../src/cluster/kubernetes/kube-api.js";
import { deployPlan, listHistory, rollbackPlan } from "../../src/deploy/index.js";
import { describeClusterConformance } from "../conformance/cluster-conformance.js";
import { Gi, Mi, makePlan, makeService } from "../helpers/plan-builder.js";

const docker = await dockerAvailable();
const wanted = process.env.OPDEPLOY_E2E_KIND === "1" || docker.ok;
if (!docker.ok) console.warn(`kind tests skipped: no Docker engine (${docker.reason})`);
else if (!wanted) console.warn("kind tests skipped: set OPDEPLOY_E2E_KIND=1");
const run = docker.ok && wanted;
const NAMESPACE = "opdeploy-e2e";

let kind: KindCluster | undefined;
let deployerKubeconfig = "";

async function setUp(): Promise<void> {
  if (kind) return;
  kind = await createKindCluster({ log: (l) => console.log(l) });
  const admin = await KubernetesCluster.connect({ kubeconfigYaml: kind.kubeconfig, namespace: NAMESPACE, warn: () => {} });
  try {
    await admin.api.request("POST", collectionPath("v1", "namespaces"), { body: { apiVersion: "v1", kind: "Namespace", metadata: { name: NAMESPACE } } });
    const rbac = readFileSync(fileURLToPath(new URL("../../../../deploy/rbac.yaml", import.meta.url)), "utf8");
    for (const doc of parseAllDocuments(rbac)) {
      const object = doc.toJSON() as { kind: string; metadata: { name: string; namespace?: string } };
      if (!object) continue;
      if (object.metadata.namespace !== undefined) object.metadata.namespace = NAMESPACE;
      const subjects = (object as { subjects?: { namespace?: string }[] }).subjects;
      for (const s of subjects ?? []) s.namespace = NAMESPACE;
      await admin.applyObject(object as never);
    }
    const token = await admin.api.request("POST", collectionPath("v1", "serviceaccounts", NAMESPACE, "opdeploy-deployer") + "/token", {
      body: { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: { expirationSeconds: 3600 } },
    });
    const value = (token.body?.status as { token?: string } | undefined)?.token ?? "";
    deployerKubeconfig = kind.kubeconfig.replace(/users:[\s\S]*?(?=contexts:|current-context:)/, `users:\n- name: deployer\n  user:\n    token: ${value}\n`).replace(/user: kubernetes-admin/g, "user: deployer");
  } finally {
    await admin.close();
  }
}

describe.skipIf(!run)("kind end-to-end", () => {
  beforeAll(setUp, 600_000);
  afterAll(async () => kind?.stop(), 120_000);

  describeClusterConformance(
    "kubernetes (kind)",
    async () => KubernetesCluster.connect({ kubeconfigYaml: deployerKubeconfig, namespace: NAMESPACE, warn: () => {} }),
    { timeoutSeconds: 300, tooMuchMemory: 512 * Gi, prefix: `c${Date.now() % 100000}` },
  );

  it("deploy → gate → injected failure → automatic rollback → interrupted deploy → resume", async () => {
    const cluster = await KubernetesCluster.connect({ kubeconfigYaml: deployerKubeconfig, namespace: NAMESPACE, warn: () => {} });
    try {
      const services = (image: string) => [
        makeService("cache", { memory: 32 * Mi, cpu: 50, port: 6379, validate: { kind: "tcp", port: 6379 } }),
        makeService("web", { memory: 32 * Mi, cpu: 50, port: 80, dependsOn: ["cache"], validate: { kind: "http", path: "/" } }),
      ].map((s) => ({ ...s, image: s.name === "cache" ? "redis:7" : image }));
      const plan = (image: string) => makePlan({ name: "e2e", services: services(image), phases: [{ name: "infra", batches: [["cache"]], gate: { healthy: 100 } }, { name: "apps", batches: [["web"]] }], rollback: { timeoutSeconds: 300 } });
      const ok = await deployPlan({ ...plan("nginx:1.27"), namespace: NAMESPACE }, { cluster, settleSeconds: 5 });
      expect(ok.verdict).toBe("succeeded");
      // Injected failure: an image that does not exist never becomes Ready → rollback.
      const bad = await deployPlan({ ...plan("nginx:does-not-exist-opdeploy"), namespace: NAMESPACE }, { cluster, settleSeconds: 5 });
      expect(bad.verdict).not.toBe("succeeded");
      // Interrupt after the first step, then resume.
      const controller = new AbortController();
      const interrupted = await deployPlan({ ...plan("nginx:1.27-alpine"), namespace: NAMESPACE }, { cluster, settleSeconds: 5, signal: controller.signal, onProgress: (p) => p.message === "cache: succeeded" && controller.abort() });
      expect(interrupted.verdict).toBe("interrupted");
      const resumed = await deployPlan({ ...plan("nginx:1.27-alpine"), namespace: NAMESPACE }, { cluster, settleSeconds: 5 });
      expect(resumed.verdict).toBe("succeeded");
      expect(resumed.resumed).toContain("cache");
      const rolledBack = await rollbackPlan({ cluster, plan: "e2e", timeoutSeconds: 300 });
      expect(rolledBack.verdict).toBe("succeeded");
      expect((await listHistory(cluster, "e2e")).length).toBeGreaterThanOrEqual(3);
    } finally {
      await cluster.close();
    }
  }, 1_200_000);
});
