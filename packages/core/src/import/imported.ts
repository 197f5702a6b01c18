/**
 * What a front end (Kubernetes YAML, Compose) reads out of its input, before it becomes a plan:
 * one entry per workload, in the plan's units, with where it was written. `to-plan.ts` turns it
 * into the plan's YAML input notation.
 */
import type { NoteSink } from "./notes.js";

/** The plan's `validate` field in its input notation. */
export type ValidateInput = "postgres" | "redis" | "rabbitmq" | { http: string | { path: string; port: number } } | { tcp: number };

export interface ImportedService {
  name: string;
  file: string;
  line: number;
  /** bytes and millicores per pod (effective pod request). */
  requests: { memory: number; cpu: number };
  limits: { memory?: number; cpu?: number };
  replicas: number;
  port?: number;
  /** Names of other imported services, in the order found. */
  dependsOn: string[];
  validate?: ValidateInput;
  image?: string;
  imagePullPolicy?: "Always" | "IfNotPresent" | "Never";
  kind: "Deployment" | "StatefulSet";
  strategy?: "RollingUpdate" | "Recreate";
  rollingUpdate?: { maxSurge?: number | string; maxUnavailable?: number | string };
  persistent: boolean;
  /** bytes */
  storage?: number;
  startupSeconds?: number;
  /** Source files the plan should cross-check (as the plan will name them). */
  manifests: string[];
}

export interface ImportedApp {
  format: "kubernetes" | "compose";
  /** Suggested plan name. */
  name: string;
  namespace?: string;
  services: ImportedService[];
  notes: NoteSink;
}

/** Adds a dependency once, never on itself. */
export function addDependency(service: ImportedService, dependency: string): boolean {
  if (dependency === service.name || service.dependsOn.includes(dependency)) return false;
  service.dependsOn.push(dependency);
  return true;
}
