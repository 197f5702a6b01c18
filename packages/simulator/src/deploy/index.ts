export { deployPlan, DeployAbortedError, serializePlan, deserializePlan, planOrder } from "./deploy-plan.js";
export type { DeployOptions, DeployResult, DeployProgress } from "./deploy-plan.js";
export { rollbackPlan, listHistory } from "./rollback-plan.js";
export type { RollbackOptions, RollbackOutcome } from "./rollback-plan.js";
export { LeaseLock, DeployLockedError, LEASE_DURATION_SECONDS, LEASE_RENEW_SECONDS } from "./lease-lock.js";
export { RevisionStore, revisionSecretName } from "./revisions.js";
export type { Revision, RevisionStatus, StepRecord, RevisionManifests } from "./revisions.js";
export { planSlug } from "./plan-slug.js";
