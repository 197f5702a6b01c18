/**
 * A two-phase plan (db, then api) and a FakeApiServer per test — a protocol test double of the
 * Kubernetes API, not Kubernetes (see its header) — with a kubeconfig file pointing at it, for
 * the CLI tests that deploy through the bundled CLI.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach } from "vitest";
import { fakeApiServer, type FakeApiServer } from "./simulator-test-helpers.js";

export const SHOP_PLAN = `name: shop
cluster:
  nodes:
    - {count: 1, memory: 8Gi, cpu: "4"}
rollback: {memory: 85%, unhealthy: 20%, latency: 500ms, errorRate: 5%, timeout: 30s}
phases:
  - name: data
    services: [db]
  - name: apps
    services: [api]
services:
  db:  {memory: 256Mi, cpu: 250m, port: 5432, validate: none}
  api: {memory: 128Mi, cpu: 100m, port: 8080, dependsOn: [db], validate: none}
`;

export interface FakeCluster {
  server: FakeApiServer;
  /** Path of a kubeconfig file for `server`, namespace shop. */
  kubeconfig: string;
}

/** Starts a fresh server (one node, workloads Ready after 5 ms) before each test and stops it after. */
export function fakeClusterPerTest(token: string, dir: () => string): FakeCluster {
  const current = {} as FakeCluster;
  beforeEach(async () => {
    current.server = await fakeApiServer({ token });
    await current.server.start();
    current.server.addNode("node-1", "8Gi", "4");
    current.server.autoReadyMs = 5;
    current.kubeconfig = join(dir(), `kubeconfig-${current.server.port}`);
    await writeFile(current.kubeconfig, current.server.kubeconfig("shop"));
  });
  afterEach(async () => {
    await current.server.stop();
  });
  return current;
}
