/**
 * The cluster the kind end-to-end suite runs on, set up the way a user sets up a real one: a
 * namespace, deploy/rbac.yaml applied into it, and a kubeconfig for the deployer's
 * ServiceAccount (a TokenRequest token) — so every test runs with least-privilege RBAC, not as
 * cluster admin. Admin credentials are used for this setup only.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import type { KubernetesObject } from "@openpolicy/core";
import { createKindCluster } from "../../src/cluster/kubernetes/kind-cluster.js";
import { kubeconfigWithToken } from "../../src/cluster/kubernetes/kind/kubeconfig.js";
import { KubernetesCluster } from "../../src/cluster/kubernetes/kubernetes-cluster.js";
import { collectionPath } from "../../src/cluster/kubernetes/kube-api.js";
import type { KindSuiteGate } from "./gate.js";

export const DEPLOYER = "opdeploy-deployer";

export interface E2eCluster {
  namespace: string;
  deployerKubeconfig: string;
  /** A connection as the deployer, in the suite's namespace. */
  connect(): Promise<KubernetesCluster>;
  tearDown(): Promise<void>;
}

type Source = Extract<KindSuiteGate, { run: true }>["source"];

/** deploy/rbac.yaml with its namespace replaced by `namespace`, as a user applies it. */
export function rbacObjects(namespace: string): KubernetesObject[] {
  const file = fileURLToPath(new URL("../../../../deploy/rbac.yaml", import.meta.url));
  const docs = parseAllDocuments(readFileSync(file, "utf8"));
  if (!Array.isArray(docs)) throw new Error("deploy/rbac.yaml: not a YAML stream");
  const objects: KubernetesObject[] = [];
  for (const doc of docs) {
    const object = doc.toJSON() as (KubernetesObject & { subjects?: { namespace?: string }[] }) | null;
    if (!object) continue;
    if (object.metadata.namespace !== undefined) object.metadata.namespace = namespace;
    for (const subject of object.subjects ?? []) if (subject.namespace !== undefined) subject.namespace = namespace;
    objects.push(object);
  }
  return objects;
}

async function until(what: string, seconds: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`kind e2e: ${what} not there after ${seconds} s`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

export async function setUpE2eCluster(source: Source, log: (line: string) => void): Promise<E2eCluster> {
  let adminKubeconfig: string;
  let stop = async (): Promise<void> => {};
  if (source.kind === "kubeconfig") {
    adminKubeconfig = readFileSync(source.path, "utf8");
  } else {
    // A name of its own: never the developer's `opdeploy-e2e` from the docs' kind CLI recipe.
    const kind = await createKindCluster({ name: `opdeploy-e2e-${Date.now().toString(36)}`, via: source.via, log });
    adminKubeconfig = kind.kubeconfig;
    stop = () => kind.stop();
  }
  // A namespace of its own per run: a developer's long-lived kind cluster can run the suite again.
  const namespace = `opdeploy-e2e-${Date.now().toString(36)}`;
  const admin = await KubernetesCluster.connect({ kubeconfigYaml: adminKubeconfig, namespace, warn: () => {} });
  let deployerKubeconfig: string;
  try {
    await admin.api.request("POST", collectionPath("v1", "namespaces"), { body: { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } } });
    for (const object of rbacObjects(namespace)) await admin.applyObject(object);
    // Pods are refused until the ServiceAccount controller has made `default` in the namespace.
    await until(`ServiceAccount default in ${namespace}`, 60, async () => (await admin.api.get(collectionPath("v1", "serviceaccounts", namespace, "default"))) !== undefined);
    const answer = await admin.api.request("POST", `${collectionPath("v1", "serviceaccounts", namespace, DEPLOYER)}/token`, {
      body: { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: { expirationSeconds: 3 * 3600 } },
    });
    const token = (answer.body?.status as { token?: string } | undefined)?.token;
    if (answer.status !== 201 || !token) throw new Error(`kind e2e: TokenRequest for ${DEPLOYER} answered HTTP ${answer.status}`);
    deployerKubeconfig = kubeconfigWithToken(adminKubeconfig, DEPLOYER, token);
  } catch (error) {
    await admin.close();
    await stop();
    throw error;
  }
  await admin.close();
  return {
    namespace,
    deployerKubeconfig,
    connect: () => KubernetesCluster.connect({ kubeconfigYaml: deployerKubeconfig, namespace, warn: () => {} }),
    tearDown: async () => {
      if (source.kind === "kubeconfig") {
        const cleanup = await KubernetesCluster.connect({ kubeconfigYaml: adminKubeconfig, namespace, warn: () => {} });
        await cleanup.api.request("DELETE", collectionPath("v1", "namespaces", undefined, namespace)).catch(() => undefined);
        await cleanup.close();
      }
      await stop();
    },
  };
}
