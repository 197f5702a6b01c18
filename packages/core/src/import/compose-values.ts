/**
 * Compose's own notations, read as the Compose Specification defines them
 * (compose-spec/spec.md: "ports", "healthcheck", "deploy.resources", byte values, "depends_on").
 */
import { list, record } from "./kubernetes-pod.js";
import type { ValidateInput } from "./imported.js";
import { httpUrlInCommand, httpValidation } from "./validation.js";

const BYTE_UNITS: Record<string, number> = { "": 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };

/**
 * A Compose byte value (`512m`, `1.5g`, `2gb`, `300000`), 1024-based as Docker reads it
 * (go-units RAMInBytes). Undefined when it is not one.
 */
export function composeBytes(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value) && value >= 0) return Math.ceil(value);
  if (typeof value !== "string") return undefined;
  const m = /^\s*([0-9]+(?:\.[0-9]+)?)\s*([kmgtp]?)i?b?\s*$/i.exec(value);
  if (!m) return undefined;
  return Math.ceil(Number(m[1]) * BYTE_UNITS[m[2]!.toLowerCase()]!);
}

/** `cpus: 0.5` / `"1.25"` as millicores, rounded up as Kubernetes rounds a quantity's milli value. */
export function composeMillicores(value: unknown): number | undefined {
  const n = typeof value === "number" ? value : typeof value === "string" && /^\s*[0-9]+(\.[0-9]+)?\s*$/.test(value) ? Number(value) : NaN;
  return Number.isFinite(n) && n >= 0 ? Math.ceil(Math.round(n * 1e6) / 1000) : undefined;
}

/** The container port of one `ports` entry: `"8080:80"`, `"127.0.0.1:8080:80/tcp"`, `"9090-9091:8080-8081"`, `3000`, `{target: 80}`. */
export function composeTargetPort(entry: unknown): number | undefined {
  if (typeof entry === "number") return Number.isInteger(entry) ? entry : undefined;
  if (typeof entry === "string") {
    const container = entry.replace(/\/[a-z]+$/i, "").split(":").pop()!;
    const m = /^([0-9]{1,5})(?:-[0-9]{1,5})?$/.exec(container);
    return m ? Number(m[1]) : undefined;
  }
  const target = record(entry).target;
  return typeof target === "number" ? target : typeof target === "string" && /^[0-9]+$/.test(target) ? Number(target) : undefined;
}

/** The healthcheck's command as words: `["CMD", …]`, `["CMD-SHELL", "…"]` or a string (run by a shell). */
export function healthcheckWords(test: unknown): string[] {
  if (typeof test === "string") return test.split(/\s+/).filter(Boolean);
  const words = list(test).map(String);
  if (words[0] === "CMD") return words.slice(1);
  if (words[0] === "CMD-SHELL") return words.slice(1).join(" ").split(/\s+/).filter(Boolean);
  return [];
}

/** The check a healthcheck command amounts to, and what it was read from. */
export function validationOfHealthcheck(words: readonly string[], port: number | undefined): { validate: ValidateInput; what: string } | undefined {
  const has = (pattern: RegExp) => words.some((w) => pattern.test(w));
  if (has(/(^|\/)pg_isready$/)) return { validate: "postgres", what: "pg_isready" };
  if (has(/(^|\/)redis-cli$/) && has(/^ping$/i)) return { validate: "redis", what: "redis-cli ping" };
  if (has(/(^|\/)(rabbitmq-diagnostics|rabbitmqctl)$/)) return { validate: "rabbitmq", what: "rabbitmq-diagnostics" };
  const url = httpUrlInCommand(words);
  if (url) return { validate: httpValidation(url.path, url.port, port), what: `HTTP GET ${url.path}` };
  const nc = words.findIndex((w) => /(^|\/)(nc|netcat)$/.test(w));
  const ncPort = nc >= 0 ? words.slice(nc + 1).find((w) => /^[0-9]{1,5}$/.test(w)) : undefined;
  if (ncPort !== undefined) return { validate: { tcp: Number(ncPort) }, what: `nc on ${ncPort}` };
  return undefined;
}

export interface ComposeDependency {
  name: string;
  condition: string;
  required: boolean;
}

/** `depends_on` in its short (list) or long (map with condition) form. */
export function composeDependencies(value: unknown): ComposeDependency[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string").map((name) => ({ name, condition: "service_started", required: true }));
  return Object.entries(record(value)).map(([name, raw]) => {
    const spec = record(raw);
    return { name, condition: typeof spec.condition === "string" ? spec.condition : "service_started", required: spec.required !== false };
  });
}
