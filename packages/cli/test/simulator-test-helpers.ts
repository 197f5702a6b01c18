/**
 * The simulator's test doubles and local-service helpers, shared with the CLI tests: the fake
 * Kubernetes API server (a protocol test double, not Kubernetes) and the real local PostgreSQL,
 * Redis and RabbitMQ started for the validator tests.
 */
import { FakeApiServer } from "../../simulator/test/kubernetes/fake-api-server.js";
import * as localServices from "../../simulator/test/services/local-services.js";

export type { FakeApiServer } from "../../simulator/test/kubernetes/fake-api-server.js";
export type { LocalServices } from "../../simulator/test/services/local-services.js";
export type LocalServiceName = "postgres" | "redis" | "rabbitmq";

export async function fakeApiServer(options: { token?: string } = {}): Promise<FakeApiServer> {
  return new FakeApiServer(options);
}

export async function localServicesModule(): Promise<typeof localServices> {
  return localServices;
}
