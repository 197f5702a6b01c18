/**
 * The deploy tests' common setup: the test bundle, built once per file, and a fresh
 * FakeApiServer per test (one 8Gi node; applied workloads Ready after 5 ms) — a protocol test
 * double of the Kubernetes API, not Kubernetes.
 */
import { afterEach, beforeAll, beforeEach } from "vitest";
import { buildTestBundle } from "./deploy-fixtures.js";
import { fakeApiServer, type FakeApiServer } from "./fake-kubernetes.js";

export interface DeployTestContext {
  bundle: string;
  server: FakeApiServer;
}

/**
 * The credentials Secret the shop plan's PostgreSQL and its clients read (secretKeyRef): a real
 * cluster needs it before the deploy, and the deploy's preflight checks that it is there.
 */
export function addShopCredentials(server: FakeApiServer): void {
  server.upsert("v1", "secrets", { metadata: { name: "shop-credentials", namespace: "shop" }, data: { "database-password": "cGFzcw==" } });
}

export function deployTestContext(token: string): DeployTestContext {
  const context = {} as DeployTestContext;
  beforeAll(async () => {
    context.bundle = await buildTestBundle();
  });
  beforeEach(async () => {
    context.server = await fakeApiServer({ token });
    await context.server.start();
    context.server.addNode("node-1", "8Gi", "4");
    addShopCredentials(context.server);
    context.server.autoReadyMs = 5;
  });
  afterEach(async () => {
    await context.server.stop();
  });
  return context;
}
