/**
 * `@openpolicy/simulator/kubernetes`: everything that talks to real servers — the Kubernetes
 * backend behind the same Cluster interface as the simulated cluster, deploy revisions, the lease
 * lock, resume and rollback, the kind rehearsal, and the real-protocol validators and performance
 * probe. A separate entry point so that `check`/`simulate` never load @kubernetes/client-node,
 * pg, ioredis or amqplib (start-up time), and so the pure simulator stays pure.
 */
export * from "./cluster/kubernetes/index.js";
export * from "./deploy/index.js";
export * from "./validation/index.js";
export * from "./perf/index.js";
export * from "./preflight/index.js";
export * from "./diff/index.js";
export * from "./snapshot/index.js";
