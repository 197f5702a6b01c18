/**
 * Every input of the action, read and validated in this one place so that a misconfigured
 * workflow learns about all of its mistakes in one run, not one per push.
 *
 * Defaults are repeated here (they live in action.yml too) because the runner applies
 * action.yml defaults only on GitHub: a local run (scripts/local.mjs) or a test sets INPUT_*
 * by hand and may leave some out.
 */
import { getInput, warning } from "@actions/core";

export const MODES = ["check", "simulate", "deploy", "rollback"] as const;
export type Mode = (typeof MODES)[number];

export const FAIL_ON = ["error", "warning", "never"] as const;
export type FailOn = (typeof FAIL_ON)[number];

/** Simulation seeds are cheap, but 1,000 runs of a large plan would outlast a job's patience. */
export const MAX_RUNS = 1000;

export interface ActionInputs {
  mode: Mode;
  /** Plan path as written in the workflow (relative to the workspace, or absolute). */
  plan: string;
  /** Empty when no token was given (local runs): no PR comment then. */
  githubToken: string;
  comment: boolean;
  failOn: FailOn;
  /** Mode deploy: deploy although the plan has error findings (the CLI's --force). */
  force: boolean;
  runs: number;
  /** Kubeconfig content or path, for deploy/rollback; empty when not given. */
  kubeconfig: string;
  context: string;
  namespace: string;
  /** Mode rollback: the revision to return to; undefined = the one before the latest. */
  toRevision: number | undefined;
  /** Mode deploy: a server-side dry run (every apply with dryRun=All; no revision, no lease). */
  dryRun: boolean;
  /** Mode deploy: seconds to watch the rollback triggers at the end of each phase; undefined = the engine's 30. */
  settleSeconds: number | undefined;
  /** Mode deploy: do not run preflight (the live cluster read before anything is applied). */
  skipPreflight: boolean;
}

/** Thrown with every input problem at once; `message` lists them one per line. */
export class InputError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`inputs: ${problems.length === 1 ? problems[0] : `${problems.length} problems\n${problems.map((p) => `  - ${p}`).join("\n")}`}`);
    this.name = "InputError";
    this.problems = problems;
  }
}

const TRUE_VALUES = ["true", "True", "TRUE"];
const FALSE_VALUES = ["false", "False", "FALSE"];

/** Same accepted spellings as `core.getBooleanInput` (YAML 1.2 core schema), but collecting the problem. */
function booleanInput(name: string, fallback: boolean, problems: string[]): boolean {
  const raw = getInput(name);
  if (raw === "") return fallback;
  if (TRUE_VALUES.includes(raw)) return true;
  if (FALSE_VALUES.includes(raw)) return false;
  problems.push(`${name}: expected true or false, got "${raw}"`);
  return fallback;
}

function choiceInput<T extends string>(name: string, choices: readonly T[], fallback: T, problems: string[]): T {
  const raw = getInput(name).toLowerCase();
  if (raw === "") return fallback;
  if ((choices as readonly string[]).includes(raw)) return raw as T;
  problems.push(`${name}: expected one of ${choices.join(", ")}, got "${raw}"`);
  return fallback;
}

function runsInput(problems: string[]): number {
  const raw = getInput("runs");
  if (raw === "") return 1;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_RUNS) {
    problems.push(`runs: expected a whole number from 1 to ${MAX_RUNS}, got "${raw}"`);
    return 1;
  }
  return Number(raw);
}

/** Upper bound of `settle-seconds`: a job's own timeout (6 h) is the real limit; an hour per phase is already absurd. */
export const MAX_SETTLE_SECONDS = 3600;

/** An optional whole number in [min, max]; undefined when not given. */
function wholeNumberInput(name: string, min: number, max: number, problems: string[]): number | undefined {
  const raw = getInput(name);
  if (raw === "") return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    problems.push(`${name}: expected a whole number from ${min} to ${max}, got "${raw}"`);
    return undefined;
  }
  return Number(raw);
}

/** A Kubernetes object name (RFC 1123 label) — what `kubectl --namespace` accepts. */
const NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export function readInputs(): ActionInputs {
  const problems: string[] = [];
  const mode = choiceInput("mode", MODES, "simulate", problems);
  const plan = getInput("plan");
  if (plan === "") problems.push("plan: required (path of the plan file, e.g. deploy/plan.yaml)");
  const githubToken = getInput("github-token");
  const comment = booleanInput("comment", true, problems);
  const failOn = choiceInput("fail-on", FAIL_ON, "error", problems);
  const runs = runsInput(problems);
  // Untrimmed: a kubeconfig is YAML, whose content we hand over as written.
  const rawKubeconfig = getInput("kubeconfig", { trimWhitespace: false });
  const kubeconfig = rawKubeconfig.trim() === "" ? "" : rawKubeconfig;
  const context = getInput("context");
  const namespace = getInput("namespace");
  if (namespace !== "" && !NAMESPACE.test(namespace)) {
    problems.push(`namespace: "${namespace}" is not a valid Kubernetes namespace (lower-case letters, digits and '-', at most 63)`);
  }
  // Revision numbers are labels `version=<N>` on the revision Secrets, counted from 1.
  const toRevision = wholeNumberInput("to-revision", 1, Number.MAX_SAFE_INTEGER, problems);
  const dryRun = booleanInput("dry-run", false, problems);
  const force = booleanInput("force", false, problems);
  if (force && mode !== "deploy") problems.push(`force: only mode deploy uses it (mode is ${mode})`);
  const settleSeconds = wholeNumberInput("settle-seconds", 0, MAX_SETTLE_SECONDS, problems);
  const skipPreflight = booleanInput("skip-preflight", false, problems);
  if (skipPreflight && mode !== "deploy") problems.push(`skip-preflight: only mode deploy uses it (mode is ${mode})`);
  if (toRevision !== undefined && mode !== "rollback") problems.push(`to-revision: only mode rollback uses it (mode is ${mode})`);
  // rollbackPlan has no dry run: refusing is better than a "dry" rollback that changes the cluster.
  if (dryRun && mode === "rollback") problems.push("dry-run: mode rollback has no dry run (use it with mode deploy)");
  // kubeconfig/context/namespace in mode check or simulate add the cluster diff to the report
  // (cluster-diff.ts); the deploy-only inputs are ignored there.
  const clusterInputs = [dryRun && "dry-run", settleSeconds !== undefined && "settle-seconds"].filter(Boolean);
  if ((mode === "check" || mode === "simulate") && clusterInputs.length > 0) {
    // Not an error: one workflow template often serves both modes. Names only, never values.
    warning(`inputs: ${clusterInputs.join(", ")} ignored: only mode deploy or rollback uses them (mode is ${mode})`);
  }
  if (problems.length > 0) throw new InputError(problems);
  return { mode, plan, githubToken, comment, failOn, runs, kubeconfig, context, namespace, toRevision, dryRun, force, settleSeconds, skipPreflight };
}
