import type { FailureReason } from "./result.js";

/** What one look at the cluster during a wait decided: the step is done, or the rollout fails. */
export type Outcome = { kind: "ready" } | { kind: "fail"; reason: FailureReason; service?: string; message: string };
