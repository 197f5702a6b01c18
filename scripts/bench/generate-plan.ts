/**
 * Synthetic plans for the benchmarks: `services` services of `replicas` pods each, spread over
 * phases of parallel batches, each service depending on up to three services of earlier batches,
 * on `nodes` identical nodes sized so the plan fits with headroom. Deterministic.
 */
import { stringify } from "yaml";

export interface GeneratedPlanOptions {
  services: number;
  nodes: number;
  replicas?: number;
  /** Services per batch. */
  batchSize?: number;
  /** Batches per phase. */
  batchesPerPhase?: number;
  /** Also an image, a pull policy, four environment variables and a rolling-update strategy per service. */
  rich?: boolean;
}

export function generatePlanYaml(options: GeneratedPlanOptions): string {
  return stringify(generatePlan(options));
}

export function generatePlan(options: GeneratedPlanOptions): Record<string, unknown> {
  const replicas = options.replicas ?? 1;
  const batchSize = options.batchSize ?? 50;
  const batchesPerPhase = options.batchesPerPhase ?? 4;
  const names = Array.from({ length: options.services }, (_, i) => `svc-${String(i).padStart(5, "0")}`);
  const services: Record<string, unknown> = {};
  const batches: { name: string; services: string[] }[] = [];
  for (let b = 0; b * batchSize < names.length; b++) {
    batches.push({ name: `batch-${b + 1}`, services: names.slice(b * batchSize, (b + 1) * batchSize) });
  }
  names.forEach((name, i) => {
    const batch = Math.floor(i / batchSize);
    const dependsOn: string[] = [];
    if (batch > 0) {
      // Up to three dependencies in earlier batches, chosen by a fixed stride.
      for (let k = 1; k <= 3; k++) {
        const j = (i * 7 + k * 13) % (batch * batchSize);
        const dep = names[j]!;
        if (!dependsOn.includes(dep)) dependsOn.push(dep);
      }
    }
    services[name] = {
      resources: { requests: { memory: "64Mi", cpu: "50m" }, limits: { memory: "128Mi", cpu: "100m" } },
      replicas,
      port: 10000 + (i % 50000), // ports stop at 65535: past 50,000 services they repeat (port-conflict warnings)
      dependsOn,
      validate: { http: "/healthz" },
      usage: { memory: "48Mi", cpu: "20m" },
      startup: `${5 + (i % 20)}s`,
      ...(options.rich
        ? {
            image: `registry.example.com/platform/${name}:1.4.${i % 10}`,
            imagePullPolicy: "IfNotPresent",
            env: { LOG_LEVEL: "info", DATABASE_URL: "postgres://db:5432/app", REDIS_URL: "redis://cache:6379", FEATURE_FLAGS: "a,b,c" },
            rollingUpdate: { maxSurge: "25%", maxUnavailable: 0 },
          }
        : {}),
    };
  });
  const phases = [];
  for (let p = 0; p * batchesPerPhase < batches.length; p++) {
    phases.push({ name: `phase-${p + 1}`, batches: batches.slice(p * batchesPerPhase, (p + 1) * batchesPerPhase) });
  }
  // Size nodes so requests end near 60% of allocatable: every gate passes, scheduling still works.
  const pods = options.services * replicas;
  const memoryPerNodeMi = Math.max(1024, Math.ceil((pods * 64) / 0.6 / options.nodes / 1024) * 1024);
  const cpuPerNode = Math.max(2, Math.ceil((pods * 50) / 0.6 / options.nodes / 1000));
  const plan = {
    name: `generated-${options.services}`,
    cluster: { nodes: [{ count: options.nodes, memory: `${memoryPerNodeMi}Mi`, cpu: String(cpuPerNode), pods: Math.max(110, Math.ceil((pods / options.nodes) * 2)) }] },
    budget: { memory: "90%", cpu: "90%" },
    rollback: { memory: "95%", unhealthy: "50%" },
    phases,
    services,
  };
  return plan;
}
