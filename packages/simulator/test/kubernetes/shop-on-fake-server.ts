/**
 * What the deploy and diff tests against FakeApiServer share: the two-phase shop plan (db, then
 * api, optionally a worker beside api), a server with one 8Gi node whose workloads turn Ready on
 * their own, and connections that are closed after each test.
 */
import type { Plan } from "@openpolicy/core";
import { KubernetesCluster } from "../../src/cluster/kubernetes/kubernetes-cluster.js";
import { Mi, makePlan, makeService } from "../helpers/plan-builder.js";
import { FakeApiServer } from "./fake-api-server.js";

/** The shop at image `api:<version>`; with `worker`, a worker (on `workerPort`, if given) in api's batch. */
export function shopPlan(version = "1", worker = false, workerPort?: number): Plan {
  const services = [
    makeService("db", { memory: 256 * Mi, cpu: 250, kind: "StatefulSet", persistent: true, port: 5432, validate: { kind: "none" } }),
    makeService("api", { memory: 128 * Mi, cpu: 100, port: 8080, dependsOn: ["db"], validate: { kind: "none" } }),
  ];
  services[1]!.image = `api:${version}`;
  if (worker) services.push(makeService("worker", { memory: 64 * Mi, cpu: 50, ...(workerPort !== undefined ? { port: workerPort } : {}), dependsOn: ["db"], validate: { kind: "none" } }));
  return makePlan({
    name: "shop",
    services,
    phases: [
      { name: "data", batches: [["db"]] },
      { name: "apps", batches: [worker ? ["api", "worker"] : ["api"]] },
    ],
  });
}

/** A started server with node-1 (8Gi, 4 CPUs) whose workloads become Ready after 5 ms. */
export async function startShopServer(): Promise<FakeApiServer> {
  const server = new FakeApiServer();
  await server.start();
  server.addNode("node-1", "8Gi", "4");
  server.autoReadyMs = 5;
  return server;
}

/** A cluster connected to `server` in `namespace`, fast timings, remembered in `clusters` to close. */
export async function connectShop(server: FakeApiServer, namespace: string, clusters: KubernetesCluster[]): Promise<KubernetesCluster> {
  const cluster = await KubernetesCluster.connect({ kubeconfigYaml: server.kubeconfig(namespace), namespace, tickMs: 20, refreshMs: 20, watchRetryMs: 10, warn: () => {} });
  clusters.push(cluster);
  return cluster;
}

/** Closes the clusters and stops the server. */
export async function closeShop(server: FakeApiServer, clusters: readonly KubernetesCluster[]): Promise<void> {
  for (const c of clusters) await c.close();
  await server.stop();
}
