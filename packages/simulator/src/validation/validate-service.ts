import type { Validation } from "@openpolicy/core";
import { validateHttp } from "./http.js";
import { validatePostgres } from "./postgres.js";
import { validateRabbitmq } from "./rabbitmq.js";
import { validateRedis } from "./redis.js";
import { formatTarget } from "./result.js";
import type { CommonValidationOptions, ValidationResult, ValidationTarget } from "./result.js";
import { validateTcp } from "./tcp.js";

/**
 * Credentials the caller resolved for the service (from the plan's ConfigMap/Secrets, or the
 * local services.env). The plan model names a Secret (`passwordSecret`) but never holds passwords.
 */
export interface ServiceCredentials {
  user?: string;
  password?: string;
  /** PostgreSQL database (the model's `database` wins when set). */
  database?: string;
  /** RabbitMQ virtual host. */
  vhost?: string;
}

export interface ValidateServiceOptions extends CommonValidationOptions {
  /**
   * Maps a port named in the model (`http.port`, `tcp.port`) to the port to dial, e.g. when the
   * service is reached through `kubectl port-forward`. Default: the same port.
   */
  resolvePort?: (modelPort: number) => number;
}

/**
 * Runs the check a service's `validate` setting asks for against `endpoint` (the service's main
 * port). Never throws for a failed check.
 */
export async function validateService(
  validation: Validation,
  endpoint: ValidationTarget,
  credentials: ServiceCredentials = {},
  options: ValidateServiceOptions = {},
): Promise<ValidationResult> {
  const common: CommonValidationOptions = options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {};
  const portFor = (modelPort: number | undefined): number =>
    modelPort === undefined ? endpoint.port : (options.resolvePort ?? ((port) => port))(modelPort);
  switch (validation.kind) {
    case "postgres":
      return validatePostgres(endpoint, {
        ...common,
        user: validation.user ?? credentials.user ?? "postgres",
        ...(credentials.password !== undefined ? { password: credentials.password } : {}),
        database: validation.database ?? credentials.database ?? "postgres",
      });
    case "redis":
      return validateRedis(endpoint, {
        ...common,
        ...(credentials.user !== undefined ? { username: credentials.user } : {}),
        ...(credentials.password !== undefined ? { password: credentials.password } : {}),
      });
    case "rabbitmq":
      return validateRabbitmq(endpoint, {
        ...common,
        ...(credentials.user !== undefined ? { username: credentials.user } : {}),
        ...(credentials.password !== undefined ? { password: credentials.password } : {}),
        ...(credentials.vhost !== undefined ? { vhost: credentials.vhost } : {}),
      });
    case "http":
      return validateHttp(
        { host: endpoint.host, port: portFor(validation.port) },
        {
          ...common,
          path: validation.path,
          ...(validation.expectStatus !== undefined ? { expectStatus: validation.expectStatus } : {}),
        },
      );
    case "tcp":
      return validateTcp({ host: endpoint.host, port: portFor(validation.port) }, common);
    case "none":
      return {
        ok: true,
        protocol: "none",
        target: formatTarget(endpoint),
        durationMs: 0,
        reason: "no validation configured (nothing was checked)",
      };
    default: {
      const unknown: never = validation;
      throw new Error(`validation: unknown validation kind ${JSON.stringify(unknown)}`);
    }
  }
}
