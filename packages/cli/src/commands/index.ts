import type { Command } from "../command.js";

/**
 * A command as `opdeploy --help` lists it. The command's module — and the plan code it imports
 * (zod, yaml, the simulator: a 1.5 MB chunk) — is loaded only when the command runs or shows its
 * own help, so `--version` and `--help` start in a few milliseconds. name and summary repeat the
 * command's own; test/lazy-commands.test.ts keeps the two in step.
 */
export interface CommandEntry {
  name: string;
  summary: string;
  load(): Promise<Command>;
}

/** Every command, in the order `opdeploy --help` lists them. */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: "check",
    summary: "Check a plan for ordering, port, capacity, budget and gate problems",
    load: async () => (await import("./check.js")).checkCommand,
  },
  {
    name: "plan",
    summary: "Show resources per phase and batch, cumulative totals and gate margins",
    load: async () => (await import("./plan.js")).planCommand,
  },
  {
    name: "simulate",
    summary: "Rehearse the rollout on a simulated cluster (or a throwaway kind cluster)",
    load: async () => (await import("./simulate.js")).simulateCommand,
  },
  {
    name: "deploy",
    summary: "Carry out the plan on a real cluster, phase by phase, with gates and automatic rollback",
    load: async () => (await import("./deploy.js")).deployCommand,
  },
  {
    name: "preflight",
    summary: "Check the live cluster before a deploy: capacity, images, leftovers, Secrets, RBAC, metrics",
    load: async () => (await import("./preflight.js")).preflightCommand,
  },
  {
    name: "diff",
    summary: "Show what deploy would change on the live cluster, object by object (server-side dry run)",
    load: async () => (await import("./diff.js")).diffCommand,
  },
  {
    name: "status",
    summary: "Show the plan's progress on the cluster: phases, services, node memory and CPU",
    load: async () => (await import("./status.js")).statusCommand,
  },
  {
    name: "history",
    summary: "List the plan's deploy revisions recorded in the cluster",
    load: async () => (await import("./history.js")).historyCommand,
  },
  {
    name: "logs",
    summary: "Show why a service failed: its pods' last events and log tails (current and previous), secrets redacted",
    load: async () => (await import("./logs.js")).logsCommand,
  },
  {
    name: "rollback",
    summary: "Return the cluster to an earlier deploy revision of the plan",
    load: async () => (await import("./rollback.js")).rollbackCommand,
  },
  {
    name: "validate",
    summary: "Check each service with its real protocol (PostgreSQL, Redis, AMQP, HTTP, TCP)",
    load: async () => (await import("./validate.js")).validateCommand,
  },
  {
    name: "perf",
    summary: "Load the HTTP services briefly and compare latency and error rate with the rollback triggers",
    load: async () => (await import("./perf.js")).perfCommand,
  },
  {
    name: "import",
    summary: "Convert a Markdown plan, Kubernetes manifests or a Compose file into the YAML plan format",
    load: async () => (await import("./import.js")).importCommand,
  },
  {
    name: "snapshot",
    summary: "Write the live namespace as a plan, with measured usage and start-up times",
    load: async () => (await import("./snapshot.js")).snapshotCommand,
  },
  {
    name: "calibrate",
    summary: "Write measured usage and start-up times from a snapshot into the plan, showing old → new",
    load: async () => (await import("./calibrate.js")).calibrateCommand,
  },
  {
    name: "render",
    summary: "Write standardized Kubernetes manifests (and a kustomization.yaml) for a plan",
    load: async () => (await import("./render.js")).renderCommand,
  },
  {
    name: "schema",
    summary: "Print the plan's JSON Schema (for editors via yaml-language-server)",
    load: async () => (await import("./schema.js")).schemaCommand,
  },
];
