/**
 * Modes deploy and rollback: a real cluster changes, so this refuses what must never deploy —
 * code from a fork's pull request (it would run with the repository's cluster credentials) —
 * and hands over to the Kubernetes backend of @openpolicy/simulator. This version has no such
 * backend: then the step fails and says so, instead of pretending a deploy happened.
 */
import * as core from "@actions/core";
import { context } from "@actions/github";
import * as simulator from "@openpolicy/simulator";
import type { ActionInputs } from "./inputs.js";
import { pullRequestFromEvent } from "./pull-request.js";

export class DeployRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DeployRefusedError";
  }
}

/** The backend entry points, looked up by name so the action builds with or without them. */
export const BACKEND_FUNCTIONS = { deploy: "deployPlan", rollback: "rollbackPlan" } as const;

export type BackendFunction = (options: {
  plan: string;
  kubeconfig?: string;
  context?: string;
  namespace?: string;
}) => Promise<unknown>;

export function findBackend(mode: "deploy" | "rollback", module: Record<string, unknown> = simulator): BackendFunction | undefined {
  const candidate = module[BACKEND_FUNCTIONS[mode]];
  return typeof candidate === "function" ? (candidate as BackendFunction) : undefined;
}

/** Throws when the event is a pull request whose head lives in another repository. */
export function refuseForkDeploy(eventName: string, payload: Record<string, unknown>, mode: string): void {
  const pullRequest = pullRequestFromEvent(eventName, payload);
  if (pullRequest?.fromFork) {
    throw new DeployRefusedError(
      `opdeploy: refusing mode ${mode} on ${eventName} #${pullRequest.number}: its head (${pullRequest.headRepo ?? "a deleted repository"}) is a fork of ${pullRequest.baseRepo ?? "this repository"}; a fork's code must never reach the cluster credentials. Use mode check or simulate for pull requests.`,
    );
  }
}

export async function runDeploy(inputs: ActionInputs & { mode: "deploy" | "rollback" }): Promise<void> {
  refuseForkDeploy(context.eventName, context.payload as Record<string, unknown>, inputs.mode);
  const backend = findBackend(inputs.mode);
  if (!backend) {
    core.setOutput("verdict", "not-run");
    core.setFailed(`opdeploy: mode ${inputs.mode} needs the Kubernetes backend (not in this version); use mode check or simulate`);
    return;
  }
  const result = await backend({
    plan: inputs.plan,
    ...(inputs.kubeconfig ? { kubeconfig: inputs.kubeconfig } : {}),
    ...(inputs.context ? { context: inputs.context } : {}),
    ...(inputs.namespace ? { namespace: inputs.namespace } : {}),
  });
  const verdict = (result as { verdict?: unknown } | undefined)?.verdict;
  core.setOutput("verdict", typeof verdict === "string" ? verdict : "unknown");
  if (verdict !== "succeeded") core.setFailed(`opdeploy: ${inputs.mode} ended ${typeof verdict === "string" ? verdict : "without a verdict"}`);
}
