import type { Validation } from "@openpolicy/core";
import type { ServiceCredentials } from "./validate-service.js";

/**
 * Credentials for a protocol check, from the environment of whoever runs the deploy (a CI
 * secret, a developer's shell) — never from the plan file, which is committed:
 *
 *   OPDEPLOY_POSTGRES_USER / _PASSWORD / _DATABASE
 *   OPDEPLOY_REDIS_USER / _PASSWORD
 *   OPDEPLOY_RABBITMQ_USER / _PASSWORD / _VHOST (a user may be allowed only its own vhost)
 */
export function credentialsFromEnv(kind: Validation["kind"], env: NodeJS.ProcessEnv = process.env): ServiceCredentials {
  if (kind !== "postgres" && kind !== "redis" && kind !== "rabbitmq") return {};
  const prefix = `OPDEPLOY_${kind.toUpperCase()}_`;
  const credentials: ServiceCredentials = {};
  const user = env[`${prefix}USER`];
  const password = env[`${prefix}PASSWORD`];
  const database = env[`${prefix}DATABASE`];
  if (user) credentials.user = user;
  if (password) credentials.password = password;
  if (database && kind === "postgres") credentials.database = database;
  const vhost = env[`${prefix}VHOST`];
  if (vhost && kind === "rabbitmq") credentials.vhost = vhost;
  return credentials;
}
