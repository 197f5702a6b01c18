/**
 * The connection settings every application reads (DATABASE_URL, REDIS_URL, RABBITMQ_URL), built
 * from the plan's infrastructure services, and the credentials that go with them.
 *
 * URLs carry no password: the ConfigMap is readable by anyone who can read the namespace, and it
 * is printed by `kubectl describe`. Passwords reach containers only as env vars from
 * `secretKeyRef` (DATABASE_PASSWORD, REDIS_PASSWORD, RABBITMQ_PASSWORD) to a Secret the user
 * creates; the application combines them (e.g. SQLAlchemy `URL.create(..., password=...)`).
 */
import type { Plan, Service } from "../plan/model.js";
import { dependsOnService } from "../plan/depends-on.js";
import { imageFamily, imageProfile } from "./image-profile.js";
import { credentialsSecretName, dnsLabel } from "./names.js";

export type InfraFamily = "postgres" | "redis" | "rabbitmq";

export const POSTGRES_DEFAULT_USER = "postgres";
export const POSTGRES_DEFAULT_DATABASE = "postgres";
/** RabbitMQ's built-in "guest" user may only connect from localhost, so the broker gets its own. */
export const RABBITMQ_DEFAULT_USER = "app";

/** Connection URL key, password env var and Secret key per infrastructure family. */
export const CONNECTION_KEYS: Readonly<Record<InfraFamily, { url: string; passwordEnv: string; secretKey: string }>> = {
  postgres: { url: "DATABASE_URL", passwordEnv: "DATABASE_PASSWORD", secretKey: "database-password" },
  redis: { url: "REDIS_URL", passwordEnv: "REDIS_PASSWORD", secretKey: "redis-password" },
  rabbitmq: { url: "RABBITMQ_URL", passwordEnv: "RABBITMQ_PASSWORD", secretKey: "rabbitmq-password" },
};

export interface RenderContext {
  plan: Plan;
  namespace: string;
  clusterDomain: string;
}

/** The first service of each infrastructure family: the one the URLs point at. */
export function infrastructureServices(plan: Plan): Map<InfraFamily, Service> {
  // Asked once per rendered service: remembered per services map (and its size), or rendering
  // a plan would be quadratic in its services (10k services: seconds of image-name parsing).
  const known = INFRA_CACHE.get(plan.services);
  if (known && known.size === plan.services.size) return known.found;
  const found = new Map<InfraFamily, Service>();
  for (const service of plan.services.values()) {
    const family = imageFamily(service);
    if (family !== "app" && !found.has(family)) found.set(family, service);
  }
  INFRA_CACHE.set(plan.services, { size: plan.services.size, found });
  return found;
}

const INFRA_CACHE = new WeakMap<ReadonlyMap<string, Service>, { size: number; found: Map<InfraFamily, Service> }>();

/** The port clients connect to: the main Service port (`ports:`), else the port it listens on. */
export function publishedPort(service: Service): number | undefined {
  return service.ports?.[0]?.port ?? servicePort(service);
}

/** The port a service listens on: the plan's, else the image's default. */
export function servicePort(service: Service): number | undefined {
  return service.port ?? imageProfile(service).defaultPort;
}

export function postgresUser(service: Service): string {
  return service.validate.kind === "postgres" ? (service.validate.user ?? POSTGRES_DEFAULT_USER) : POSTGRES_DEFAULT_USER;
}

export function postgresDatabase(service: Service): string {
  return service.validate.kind === "postgres" ? (service.validate.database ?? POSTGRES_DEFAULT_DATABASE) : POSTGRES_DEFAULT_DATABASE;
}

/** Name of the Secret holding one family's password (the plan may name its own for postgres). */
export function passwordSecretName(plan: Plan, family: InfraFamily, service: Service): string {
  if (family === "postgres" && service.validate.kind === "postgres" && service.validate.passwordSecret) {
    return service.validate.passwordSecret;
  }
  return credentialsSecretName(plan);
}

/** In-cluster DNS name of a Service: `<service>.<namespace>.svc.<cluster domain>`. */
export function serviceHost(context: RenderContext, serviceName: string): string {
  return `${dnsLabel(serviceName)}.${context.namespace}.svc.${context.clusterDomain}`;
}

/** ConfigMap data: one URL per infrastructure family present in the plan, no passwords. */
export function connectionSettings(context: RenderContext): Record<string, string> {
  const data: Record<string, string> = {};
  const infra = infrastructureServices(context.plan);
  const postgres = infra.get("postgres");
  if (postgres) {
    const host = serviceHost(context, postgres.name);
    data[CONNECTION_KEYS.postgres.url] = `postgresql://${postgresUser(postgres)}@${host}:${publishedPort(postgres)}/${postgresDatabase(postgres)}`;
  }
  const redis = infra.get("redis");
  if (redis) {
    data[CONNECTION_KEYS.redis.url] = `redis://${serviceHost(context, redis.name)}:${publishedPort(redis)}/0`;
  }
  const rabbitmq = infra.get("rabbitmq");
  if (rabbitmq) {
    // "%2F" is the default vhost "/" (AMQP URI spec: the vhost is the percent-encoded path).
    data[CONNECTION_KEYS.rabbitmq.url] = `amqp://${RABBITMQ_DEFAULT_USER}@${serviceHost(context, rabbitmq.name)}:${publishedPort(rabbitmq)}/%2F`;
  }
  return data;
}

/**
 * The infrastructure families an application needs a password for: those it depends on
 * (least privilege — a service that does not use the database does not get its password).
 * "Depends on all services" grants all of them.
 */
export function credentialFamiliesFor(plan: Plan, service: Service): InfraFamily[] {
  const families: InfraFamily[] = [];
  for (const [family, infra] of infrastructureServices(plan)) {
    if (infra.name !== service.name && dependsOnService(plan, service, infra.name)) families.push(family);
  }
  return families;
}
