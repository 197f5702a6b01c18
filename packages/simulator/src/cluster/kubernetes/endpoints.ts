/**
 * How KubernetesCluster (kubernetes-cluster.ts) reaches a service to validate it or to sample its
 * traffic: an endpoint resolver (a port-forward to one Ready pod by default) and a validator that
 * speaks the service's own protocol through it.
 */
import * as net from "node:net";
import { PortForward } from "@kubernetes/client-node";
import type { Service } from "@openpolicy/core";
import { credentialsFromEnv, validateService } from "../../validation/index.js";
import type { ValidationOutcome } from "../cluster.js";
import { ClusterError } from "../cluster.js";
import type { KubernetesCluster } from "./kubernetes-cluster.js";

/** Where `validate` connects; `close` ends the port-forward. */
export interface ServiceEndpoint {
  host: string;
  port: number;
  close(): Promise<void>;
}

export type EndpointResolver = (service: Service, cluster: KubernetesCluster) => Promise<ServiceEndpoint | undefined>;
export type ServiceValidator = (service: Service, endpoint: ServiceEndpoint | undefined) => Promise<ValidationOutcome>;

/**
 * Reaches the service through a port-forward to one Ready pod (PortForward from client-node):
 * a local TCP server on 127.0.0.1:<random> whose connections are piped over the API server's
 * portforward subresource. Needs `pods/portforward` create (deploy/rbac.yaml).
 */
export const portForwardEndpoint: EndpointResolver = async (service, cluster) => {
  const port = validationPort(service);
  if (port === undefined) return undefined;
  const status = cluster.view.workloadStatus(service.name);
  const pod = status?.pods.find((p) => p.ready && !p.terminating);
  if (!pod) throw new ClusterError(`validate: no Ready pod of ${service.name} to port-forward to`);
  const forward = new PortForward(cluster.api.kubeConfig);
  const server = net.createServer((socket) => {
    forward.portForward(cluster.namespace, pod.name, [port], socket, null, socket).catch(() => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => server.listen(0, "127.0.0.1", resolve).once("error", reject));
  const address = server.address() as net.AddressInfo;
  return {
    host: "127.0.0.1",
    port: address.port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};

export function validationPort(service: Service): number | undefined {
  const v = service.validate;
  if ((v.kind === "http" || v.kind === "tcp") && v.port !== undefined) return v.port;
  const defaults: Record<string, number> = { postgres: 5432, redis: 6379, rabbitmq: 5672 };
  return service.port ?? defaults[v.kind];
}

/**
 * Validates with the real protocol (src/validation): PostgreSQL `SELECT 1`, Redis `PING`, an AMQP
 * channel, HTTP GET, TCP connect — reached through the endpoint (a port-forward by default).
 * Credentials come from the environment (`credentialsFromEnv`), never from the plan, and never
 * appear in messages.
 */
export const defaultValidator: ServiceValidator = async (service, endpoint) => {
  if (!endpoint) return { service: service.name, ok: true, message: `${service.name}: nothing to validate (no port)` };
  const result = await validateService(service.validate, { host: endpoint.host, port: endpoint.port }, credentialsFromEnv(service.validate.kind));
  return {
    service: service.name,
    ok: result.ok,
    message: result.ok ? `${service.name}: ${service.validate.kind} check passed (${result.durationMs} ms)` : `${service.name}: ${result.reason ?? "validation failed"}`,
  };
};
