/**
 * A small builder for normalized `Plan` objects in tests, so tests of graph, checks and report
 * code do not depend on the plan loader. Every object gets a distinct, increasing source line
 * (unless one is given), which keeps sorting by location meaningful.
 */
import type {
  Batch,
  DeclaredTotals,
  Gate,
  Phase,
  Plan,
  Service,
  SourceLocation,
  Validation,
} from "../../src/plan/model.js";

export const Ki = 1024;
export const Mi = 1024 * Ki;
export const Gi = 1024 * Mi;

export interface ServiceSpec {
  /** bytes per replica */
  memory?: number;
  /** millicores per replica */
  cpu?: number;
  limits?: { memory?: number; cpu?: number };
  replicas?: number;
  port?: number;
  dependsOn?: string[];
  /** Written as "*": dependsOn becomes every other service, computed at build(). */
  dependsOnAll?: boolean;
  validate?: Validation;
  startupSeconds?: number;
  kind?: Service["kind"];
  persistent?: boolean;
  line?: number;
}

export interface PhaseSpec {
  /** One inner array per batch. */
  batches: string[][];
  batchNames?: string[];
  /** Normalized like the loader does: one batch per service, in order. */
  sequential?: boolean;
  gate?: Omit<Gate, "location"> & { line?: number };
  declared?: Omit<DeclaredTotals, "location"> & { line?: number };
  expectedSeconds?: [number, number];
  line?: number;
  batchLines?: number[];
}

export interface ClusterSpec {
  nodes?: number;
  memory?: number;
  cpu?: number;
  pods?: number;
  reserved?: { memory: number; cpu: number };
  overhead?: "none" | "kind";
}

export class PlanBuilder {
  private readonly file: string;
  private readonly planName: string;
  private nextLine = 1;
  private clusterSpec: ClusterSpec = {};
  private clusterLine = 0;
  private readonly services: Array<{ name: string; spec: ServiceSpec; line: number }> = [];
  private readonly phases: Array<{ name: string; spec: PhaseSpec; line: number }> = [];
  private budgetSpec: { memory?: number; cpu?: number; line: number } | undefined;

  constructor(name = "test-plan", file = "plan.yaml") {
    this.planName = name;
    this.file = file;
  }

  private line(given?: number): number {
    if (given !== undefined) {
      this.nextLine = Math.max(this.nextLine, given + 1);
      return given;
    }
    return this.nextLine++;
  }

  private at(line: number, column = 1): SourceLocation {
    return { file: this.file, line, column };
  }

  cluster(spec: ClusterSpec, line?: number): this {
    this.clusterSpec = spec;
    this.clusterLine = this.line(line);
    return this;
  }

  service(name: string, spec: ServiceSpec = {}): this {
    this.services.push({ name, spec, line: this.line(spec.line) });
    return this;
  }

  phase(name: string, spec: PhaseSpec): this {
    const line = this.line(spec.line);
    this.phases.push({ name, spec, line });
    return this;
  }

  budget(spec: { memory?: number; cpu?: number }, line?: number): this {
    this.budgetSpec = { ...spec, line: this.line(line) };
    return this;
  }

  build(): Plan {
    const names = this.services.map((s) => s.name);
    const services = new Map<string, Service>();
    for (const { name, spec, line } of this.services) {
      const requests = { memory: spec.memory ?? 128 * Mi, cpu: spec.cpu ?? 50 };
      services.set(name, {
        name,
        requests,
        limits: { ...(spec.limits ?? {}) },
        replicas: spec.replicas ?? 1,
        ...(spec.port !== undefined ? { port: spec.port } : {}),
        dependsOn: spec.dependsOnAll ? names.filter((n) => n !== name) : [...(spec.dependsOn ?? [])],
        dependsOnNamed: spec.dependsOnAll ? [] : [...(spec.dependsOn ?? [])],
        dependsOnAll: spec.dependsOnAll ?? false,
        validate: spec.validate ?? { kind: "http", path: "/healthz" },
        usage: { ...requests },
        usageGiven: false,
        startupSeconds: spec.startupSeconds ?? 30,
        kind: spec.kind ?? "Deployment",
        strategy: "RollingUpdate",
        rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" },
        persistent: spec.persistent ?? false,
        priority: 0,
        manifests: [],
        env: [],
        location: this.at(line, 3),
      });
    }

    const phases: Phase[] = this.phases.map(({ name, spec, line }) => {
      const groups = spec.sequential ? spec.batches.flat().map((s) => [s]) : spec.batches;
      const batches: Batch[] = groups.map((members, i) => ({
        name: spec.batchNames?.[i] ?? `${name} batch ${i + 1}`,
        services: [...members],
        location: this.at(spec.batchLines?.[i] ?? line, 1),
      }));
      const phase: Phase = { name, batches, sequential: spec.sequential ?? false, location: this.at(line) };
      if (spec.gate) {
        const { line: gateLine, ...gate } = spec.gate;
        phase.gate = { ...gate, location: this.at(gateLine ?? line) };
      }
      if (spec.declared) {
        const { line: declaredLine, ...declared } = spec.declared;
        phase.declared = { ...declared, location: this.at(declaredLine ?? line) };
      }
      if (spec.expectedSeconds) phase.expectedSeconds = spec.expectedSeconds;
      return phase;
    });

    const c = this.clusterSpec;
    const plan: Plan = {
      name: this.planName,
      file: this.file,
      format: this.file.endsWith(".md") ? "markdown" : this.file.endsWith(".json") ? "json" : "yaml",
      cluster: {
        nodes: [
          {
            count: c.nodes ?? 1,
            memory: c.memory ?? 8 * Gi,
            cpu: c.cpu ?? 16_000,
            pods: c.pods ?? 110,
            location: this.at(this.clusterLine || 1),
          },
        ],
        reserved: c.reserved ?? { memory: 0, cpu: 0 },
        overhead: c.overhead ?? "none",
        location: this.at(this.clusterLine || 1),
      },
      rollback: { scope: "phase", timeoutSeconds: 300, forSeconds: 30, location: this.at(1) },
      phases,
      services,
      namespace: "default",
      location: this.at(1),
    };
    if (this.budgetSpec) {
      const { line, ...budget } = this.budgetSpec;
      plan.budget = { ...budget, location: this.at(line) };
    }
    return plan;
  }
}

export function planBuilder(name?: string, file?: string): PlanBuilder {
  return new PlanBuilder(name, file);
}
