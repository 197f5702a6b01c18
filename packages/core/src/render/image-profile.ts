/**
 * What the renderer must know about a container image to run it safely: which user it runs as,
 * where it keeps data, which paths it writes to, its default port. Infrastructure is recognized by
 * the plan's validation kind (postgres/redis/rabbitmq), else by the image name.
 *
 * User ids come from the official images' Dockerfiles (docker-library/postgres, redis, rabbitmq):
 * - postgres (Debian): `groupadd -r postgres --gid=999; useradd -r -g postgres --uid=999`;
 *   postgres (Alpine): `addgroup -g 70 -S postgres; adduser -u 70 ...` — a different uid.
 * - redis (Debian): uid 999 / gid 999; redis (Alpine): `addgroup -S -g 1000 redis && adduser -S -G
 *   redis -u 999 redis` — uid 999 but gid 1000.
 * - rabbitmq (Ubuntu): `groupadd --gid 999 --system rabbitmq; useradd --uid 999 ...`;
 *   rabbitmq (Alpine): uid 100 / gid 101.
 * Running as these uids directly (rather than as root, which the entrypoints then drop with
 * gosu/su-exec) is supported by all three images: their entrypoints skip the chown step when not
 * root, and `fsGroup` makes the data volume writable for the group.
 * Applications get uid/gid 10001: an id no base image assigns, so the app owns nothing in the
 * image and can write only to its volumes.
 */
import type { Service } from "../plan/model.js";

export type ImageFamily = "postgres" | "redis" | "rabbitmq" | "app";

export interface ImageProfile {
  family: ImageFamily;
  image: string;
  runAsUser: number;
  runAsGroup: number;
  /** Whether the root filesystem can be read-only (writable paths then get emptyDirs). */
  readOnlyRootFilesystem: boolean;
  /** Paths that must be writable: each gets an emptyDir (the data path gets the PVC instead). */
  scratchPaths: string[];
  /** Where the data volume is mounted (persistent services). */
  dataPath: string;
  /** IANA service name for the container port (at most 15 characters). */
  portName: string;
  /** The port the image listens on when the plan gives none. */
  defaultPort?: number;
}

/** Images used when the plan names none. Debian variants, whose uid is 999 for all three. */
export const DEFAULT_IMAGES: Readonly<Record<Exclude<ImageFamily, "app">, string>> = {
  postgres: "postgres:16",
  redis: "redis:7",
  rabbitmq: "rabbitmq:3.13",
};

export const APP_UID = 10001;

export function imageFamily(service: Service): ImageFamily {
  const kind = service.validate.kind;
  if (kind === "postgres" || kind === "redis" || kind === "rabbitmq") return kind;
  const repository = imageRepository(service.image ?? "");
  if (/(^|\/)(postgres|postgresql)$/.test(repository)) return "postgres";
  if (/(^|\/)redis$/.test(repository)) return "redis";
  if (/(^|\/)rabbitmq$/.test(repository)) return "rabbitmq";
  return "app";
}

/** "docker.io/library/postgres:16-alpine@sha256:..." -> "docker.io/library/postgres". */
export function imageRepository(image: string): string {
  const withoutDigest = image.split("@")[0] ?? "";
  const lastSlash = withoutDigest.lastIndexOf("/");
  const lastColon = withoutDigest.lastIndexOf(":");
  return lastColon > lastSlash ? withoutDigest.slice(0, lastColon) : withoutDigest;
}

/** The tag ("16-alpine"), or "latest" when none is written, as the container runtime assumes. */
export function imageTag(image: string): string {
  const withoutDigest = image.split("@")[0] ?? "";
  const lastSlash = withoutDigest.lastIndexOf("/");
  const lastColon = withoutDigest.lastIndexOf(":");
  return lastColon > lastSlash ? withoutDigest.slice(lastColon + 1) : "latest";
}

export function imageProfile(service: Service): ImageProfile {
  const family = imageFamily(service);
  const image = service.image ?? (family === "app" ? `${service.name}:latest` : DEFAULT_IMAGES[family]);
  const alpine = /alpine/.test(imageTag(image));
  switch (family) {
    case "postgres":
      return {
        family,
        image,
        runAsUser: alpine ? 70 : 999,
        runAsGroup: alpine ? 70 : 999,
        // initdb and the server write only PGDATA, the socket directory and /tmp.
        readOnlyRootFilesystem: true,
        scratchPaths: ["/tmp", "/var/run/postgresql"],
        dataPath: "/var/lib/postgresql/data",
        portName: "postgres",
        defaultPort: 5432,
      };
    case "redis":
      return {
        family,
        image,
        runAsUser: 999,
        runAsGroup: alpine ? 1000 : 999,
        // redis-server writes only its --dir (/data) and nothing else on disk.
        readOnlyRootFilesystem: true,
        scratchPaths: ["/tmp"],
        dataPath: "/data",
        portName: "redis",
        defaultPort: 6379,
      };
    case "rabbitmq":
      return {
        family,
        image,
        runAsUser: alpine ? 100 : 999,
        runAsGroup: alpine ? 101 : 999,
        // Not read-only: the entrypoint and the Erlang runtime write under /etc/rabbitmq and the
        // home directory, and we have not verified every path they touch.
        readOnlyRootFilesystem: false,
        scratchPaths: ["/tmp"],
        dataPath: "/var/lib/rabbitmq",
        portName: "amqp",
        defaultPort: 5672,
      };
    case "app":
      return {
        family,
        image,
        runAsUser: APP_UID,
        runAsGroup: APP_UID,
        // Not read-only: the platform's Python apps `pip install` at start (site-packages, or
        // ~/.local with HOME=/tmp), and Next.js writes .next/cache. /tmp still gets an emptyDir.
        readOnlyRootFilesystem: false,
        scratchPaths: ["/tmp"],
        dataPath: "/data",
        portName: service.validate.kind === "http" ? "http" : "tcp",
      };
  }
}
