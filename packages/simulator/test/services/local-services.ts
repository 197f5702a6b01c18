/**
 * Test helper: real PostgreSQL, Redis and RabbitMQ on 127.0.0.1, started by scripts/services.sh.
 *
 *   const missing = missingServiceReason("postgres");
 *   if (missing) console.warn(`skipping PostgreSQL tests: ${missing}`);
 *   describe.skipIf(missing)("...", () => {
 *     let services: LocalServices;
 *     beforeAll(async () => { services = await ensureLocalServices(["postgres"]); });
 *   });
 *
 * The vitest globalSetup (global-setup.ts) starts them once per run; when a test file runs on its
 * own without it, `ensureLocalServices` starts the missing ones (the script is idempotent and
 * locked, so parallel workers do not race).
 */
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

export type LocalServiceName = "postgres" | "redis" | "rabbitmq";

export interface LocalServices {
  postgres?: { host: string; port: number; user: string; password: string; database: string };
  redis?: { host: string; port: number; password: string };
  rabbitmq?: { host: string; port: number; user: string; password: string; vhost: string };
}

export const SERVICES_SCRIPT = fileURLToPath(new URL("../../../../scripts/services.sh", import.meta.url));

export function servicesDir(): string {
  return process.env.OPDEPLOY_SERVICES_DIR ?? path.join(process.env.TMPDIR ?? tmpdir(), "opdeploy-services");
}

export function servicesEnvFile(): string {
  return path.join(servicesDir(), "services.env");
}

function onPath(name: string, extraDirs: string[] = []): boolean {
  const dirs = [...(process.env.PATH ?? "").split(path.delimiter), ...extraDirs].filter(Boolean);
  return dirs.some((dir) => existsSync(path.join(dir, name)));
}

function postgresBinDir(): string | undefined {
  const root = "/usr/lib/postgresql";
  if (existsSync(root)) {
    for (const version of readdirSync(root).sort().reverse()) {
      const dir = path.join(root, version, "bin");
      if (existsSync(path.join(dir, "initdb")) && existsSync(path.join(dir, "pg_ctl"))) return dir;
    }
  }
  return onPath("initdb") && onPath("pg_ctl") ? "(PATH)" : undefined;
}

/**
 * Why a service cannot be started here (binaries absent), or undefined when it can.
 * Synchronous so it can feed `describe.skipIf` at collection time.
 */
export function missingServiceReason(service: LocalServiceName): string | undefined {
  if (!onPath("node") || !onPath("flock", ["/usr/bin", "/bin"])) return "node or flock (util-linux) not found";
  switch (service) {
    case "postgres":
      return postgresBinDir() ? undefined : "PostgreSQL server binaries (initdb, pg_ctl) not found; apt-get install postgresql";
    case "redis":
      return onPath("redis-server", ["/usr/bin"]) ? undefined : "redis-server not found; apt-get install redis-server";
    case "rabbitmq":
      return existsSync("/usr/lib/rabbitmq/bin/rabbitmq-server") || onPath("rabbitmq-server")
        ? undefined
        : "rabbitmq-server not found; apt-get install rabbitmq-server";
  }
}

/** Parses services.env (KEY=value lines), or undefined when it does not exist. */
export function readServicesEnv(file = servicesEnvFile()): Record<string, string> | undefined {
  if (!existsSync(file)) return undefined;
  const values: Record<string, string> = {};
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match) values[match[1]!] = match[2]!;
  }
  return values;
}

export function parseLocalServices(env: Record<string, string>): LocalServices {
  const services: LocalServices = {};
  const port = (key: string) => Number.parseInt(env[key] ?? "", 10);
  if (env.OPDEPLOY_PG_PORT && env.OPDEPLOY_PG_PASSWORD) {
    services.postgres = {
      host: env.OPDEPLOY_PG_HOST ?? "127.0.0.1",
      port: port("OPDEPLOY_PG_PORT"),
      user: env.OPDEPLOY_PG_USER ?? "opdeploy",
      password: env.OPDEPLOY_PG_PASSWORD,
      database: env.OPDEPLOY_PG_DATABASE ?? "opdeploy",
    };
  }
  if (env.OPDEPLOY_REDIS_PORT && env.OPDEPLOY_REDIS_PASSWORD) {
    services.redis = {
      host: env.OPDEPLOY_REDIS_HOST ?? "127.0.0.1",
      port: port("OPDEPLOY_REDIS_PORT"),
      password: env.OPDEPLOY_REDIS_PASSWORD,
    };
  }
  if (env.OPDEPLOY_RABBITMQ_PORT && env.OPDEPLOY_RABBITMQ_PASSWORD) {
    services.rabbitmq = {
      host: env.OPDEPLOY_RABBITMQ_HOST ?? "127.0.0.1",
      port: port("OPDEPLOY_RABBITMQ_PORT"),
      user: env.OPDEPLOY_RABBITMQ_USER ?? "opdeploy",
      password: env.OPDEPLOY_RABBITMQ_PASSWORD,
      vhost: env.OPDEPLOY_RABBITMQ_VHOST ?? "opdeploy",
    };
  }
  return services;
}

/** True when something accepts TCP connections on host:port within `timeoutMs`. */
export function portAnswers(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/** The recorded services among `wanted` that are not accepting connections. */
export async function servicesNotRunning(wanted: LocalServiceName[]): Promise<LocalServiceName[]> {
  const env = readServicesEnv();
  const services = env ? parseLocalServices(env) : {};
  const down: LocalServiceName[] = [];
  for (const name of wanted) {
    const service = services[name];
    if (!service || !(await portAnswers(service.host, service.port))) down.push(name);
  }
  return down;
}

const execFileAsync = promisify(execFile);

/** Runs `scripts/services.sh <args>`; its progress goes to stderr, shown on failure. */
export async function runServicesScript(args: string[]): Promise<void> {
  try {
    await execFileAsync("bash", [SERVICES_SCRIPT, ...args], { timeout: 300_000, maxBuffer: 4 * 1024 * 1024 });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? "";
    throw new Error(`services.sh ${args.join(" ")} failed: ${stderr.trim() || String(error)}`);
  }
}

/**
 * Returns connection settings for the `wanted` services, starting those not running.
 * Throws when a service cannot be started although its binaries exist (a real failure).
 */
export async function ensureLocalServices(wanted: LocalServiceName[]): Promise<LocalServices> {
  const down = await servicesNotRunning(wanted);
  if (down.length > 0) await runServicesScript(["start", ...down]);
  const env = readServicesEnv();
  const services = env ? parseLocalServices(env) : {};
  const stillMissing = wanted.filter((name) => !services[name]);
  if (stillMissing.length > 0) {
    throw new Error(`local services not available after services.sh start: ${stillMissing.join(", ")}`);
  }
  return services;
}
