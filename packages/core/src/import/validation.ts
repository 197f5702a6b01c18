/**
 * The plan's `validate` check read off what the input says about health: the image (PostgreSQL,
 * Redis and RabbitMQ get their protocol checks), then a health check's HTTP path or port. Shared by
 * the Kubernetes and Compose front ends so both infer the same check from the same evidence.
 */
import type { ValidateInput } from "./imported.js";

/** `postgres`, `redis`, `rabbitmq` from an image reference such as `docker.io/library/postgres:16-alpine` or `bitnami/redis:7`. */
export function infrastructureOfImage(image: string | undefined): "postgres" | "redis" | "rabbitmq" | undefined {
  if (image === undefined) return undefined;
  const repository = image.split("@")[0]!.replace(/:[^/:]*$/, "");
  const last = repository.split("/").pop()!.toLowerCase();
  if (/^(postgres|postgresql|postgis)$/.test(last)) return "postgres";
  if (/^(redis|redis-stack-server|valkey)$/.test(last)) return "redis";
  if (/^rabbitmq$/.test(last)) return "rabbitmq";
  return undefined;
}

/** An HTTP check on `path`; the port is written only when it is not the service's own. */
export function httpValidation(path: string, port: number | undefined, servicePort: number | undefined): ValidateInput {
  const cleanPath = path === "" ? "/" : path;
  return port === undefined || port === servicePort ? { http: cleanPath } : { http: { path: cleanPath, port } };
}

/** `grpc_health_probe -addr=:8080` / `-addr localhost:8080`: the port a gRPC health check dials. */
export function grpcHealthProbePort(command: readonly string[]): number | undefined {
  if (!command.some((word) => /grpc[-_]health[-_]probe/.test(word))) return undefined;
  for (let i = 0; i < command.length; i++) {
    const word = command[i]!;
    const glued = /^-?-addr=.*:([0-9]{1,5})$/.exec(word);
    if (glued) return Number(glued[1]);
    if (/^-?-addr$/.test(word)) {
      const next = /:([0-9]{1,5})$/.exec(command[i + 1] ?? "");
      if (next) return Number(next[1]);
    }
  }
  return undefined;
}

/** An HTTP URL in a health command (`curl -f http://localhost:8000/healthz`): path and port. */
export function httpUrlInCommand(command: readonly string[]): { path: string; port?: number } | undefined {
  for (const word of command) {
    const url = /https?:\/\/[^/\s:'"]+(?::([0-9]{1,5}))?(\/[^\s'"]*)?/.exec(word);
    if (url) return { path: url[2] ?? "/", ...(url[1] !== undefined ? { port: Number(url[1]) } : {}) };
  }
  return undefined;
}
