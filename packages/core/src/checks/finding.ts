import type { SourceLocation } from "../plan/model.js";
import type { PathSegment } from "../plan/locate.js";

/** How serious a finding is: errors make `opdeploy check` exit 1, warnings and infos do not. */
export type Severity = "error" | "warning" | "info";

/** One result of a check: stable rule id, severity, an actionable message, where, and who. */
export interface Finding {
  rule: RuleId;
  severity: Severity;
  message: string;
  services: string[];
  location: SourceLocation;
  /** Phase the finding concerns, when it concerns one. */
  phase?: string;
  /** The mechanical remedy, when there is one. */
  fix?: Fix;
}

/**
 * One change to the plan file: the value at a field path of the plan document becomes `value`
 * (a scalar, or a flow list of names). `check --fix` makes it with the yaml Document API; JSON and
 * SARIF report it at the region the path was written.
 */
export interface FixEdit {
  path: PathSegment[];
  value: string | number | string[];
  /** The field as plan text after the change, e.g. `port: 10001`. */
  text: string;
}

/** A finding's mechanical remedy: what it does, the edits that make it, and whether `check --fix` may. */
export interface Fix {
  /** What the fix does, in words. */
  description: string;
  edits: FixEdit[];
  /**
   * Whether `check --fix` applies it: it changes only what the finding is about and cannot change
   * what the deploy does beyond that (a declared total, a port nothing else names, the spelling of
   * a quantity, a "*" narrowed to what the order already gives). A renamed dependency is a guess.
   */
  safe: boolean;
}

/** Every rule {@link checkPlan} can report, with its severity and a one-line summary. */
export const RULES = {
  "dependency-cycle": { severity: "error", summary: "Services depend on each other in a cycle; no order can satisfy them." },
  "unknown-dependency": { severity: "error", summary: "A service depends on a name that is not a service of the plan." },
  "order-violation": { severity: "error", summary: "A service starts before, or in the same parallel batch as, something it depends on." },
  "unplaced-service": { severity: "error", summary: "A service is defined but no phase deploys it." },
  "duplicate-placement": { severity: "error", summary: "A service is deployed by more than one phase or batch, or a phase names an undefined service." },
  "port-conflict": { severity: "warning", summary: "Two services use the same port." },
  "unschedulable": { severity: "error", summary: "One pod requests more than any node can allocate." },
  "capacity-exceeded": { severity: "error", summary: "Cumulative requests after a phase exceed the cluster's allocatable resources." },
  "gate-unreachable": { severity: "error", summary: "A phase gate threshold is below what the plan itself requests by then." },
  "budget-exceeded": { severity: "error", summary: "The plan's total requests exceed the budget." },
  "declared-total-mismatch": { severity: "warning", summary: "A total the author wrote does not match the sum of the services, beyond rounding." },
  "limit-below-request": { severity: "error", summary: "A limit is lower than the request (Kubernetes rejects the pod)." },
  "overcommit": { severity: "warning", summary: "The sum of limits exceeds allocatable: pods may be OOM-killed or evicted under load." },
  "missing-validation": { severity: "warning", summary: "A service has no validation, so a broken deploy passes unnoticed." },
  "manifest-mismatch": { severity: "error", summary: "A user-supplied manifest disagrees with the plan or with itself: ports and probes (error), resources and replicas (warning)." },
  "manifest-env-missing": { severity: "error", summary: "An environment variable is read from a ConfigMap key that does not exist, or one the service reads is set by nothing." },
  "unread-content": { severity: "warning", summary: "A line of a Markdown plan the importer could not interpret (nothing is dropped silently)." },
  // Preflight (`opdeploy preflight`, the first step of `deploy`): the plan against the live cluster.
  "preflight-capacity": { severity: "error", summary: "The live nodes, minus what is not the plan's, cannot hold the plan's end state or a phase's peak." },
  "preflight-cluster-mismatch": { severity: "warning", summary: "The plan's cluster: section describes nodes the live cluster does not have." },
  "preflight-image-missing": { severity: "error", summary: "An image is on no node and its pull policy forbids pulling it." },
  "preflight-image-unverified": { severity: "warning", summary: "An image is on no node (or the node's image list is truncated): the deploy depends on pulling it." },
  "preflight-object-conflict": { severity: "error", summary: "An object the plan would apply belongs to another plan." },
  "preflight-object-unmanaged": { severity: "warning", summary: "An object the plan would apply exists without an owner; the deploy adopts it." },
  "preflight-interrupted-deploy": { severity: "warning", summary: "The namespace holds an interrupted deploy of this plan." },
  "preflight-lease-held": { severity: "warning", summary: "Another deploy or rollback holds the plan's Lease: a deploy now is refused until it ends." },
  "preflight-missing-reference": { severity: "error", summary: "A namespace, Secret, ConfigMap or StorageClass the rendered objects need does not exist." },
  "preflight-permission": { severity: "error", summary: "The deployer may not perform a verb the deploy uses (SelfSubjectAccessReview)." },
  "preflight-unverified": { severity: "warning", summary: "A preflight check could not read what it needs; that part was not verified." },
  "preflight-no-metrics": { severity: "warning", summary: "metrics.k8s.io is not served: the gates measure requests only." },
  "expected-duration": { severity: "warning", summary: "A phase's rehearsed duration is outside the plan's expected: range." },
} as const satisfies Record<string, { severity: Severity; summary: string }>;

/**
 * The id of a check rule, as it appears in findings, SARIF and the docs ("dependency-cycle",
 * "budget-exceeded", …).
 */
export type RuleId = keyof typeof RULES;
