/**
 * Mode check/simulate with a `kubeconfig`: what `deploy` of the head plan would change on the live
 * cluster (`opdeploy diff`: server-side dry runs, nothing applied), for the PR report. Never for
 * a pull request from a fork (its code must not reach the credentials — GitHub does not pass
 * secrets to it anyway). A failure to diff is a warning, not a failed check: the plan's own
 * verdict stands.
 */
import * as core from "@actions/core";
import { context } from "@actions/github";
import type { PlanDocument } from "@openpolicy/core";
import type { PlanDiff } from "@openpolicy/simulator/kubernetes";
import { KubeApi, diffPlan, loadKubeConfig } from "@openpolicy/simulator/kubernetes";
import { safeErrorMessage } from "./deploy.js";
import type { ActionInputs } from "./inputs.js";
import { prepareKubeconfig } from "./kubeconfig-input.js";
import { pullRequestFromEvent } from "./pull-request.js";

export async function clusterDiff(inputs: ActionInputs, document: PlanDocument): Promise<PlanDiff | undefined> {
  if (inputs.kubeconfig === "") return undefined;
  const pullRequest = pullRequestFromEvent(context.eventName, context.payload as Record<string, unknown>);
  if (pullRequest?.fromFork) {
    core.warning("opdeploy: not comparing with the cluster: the pull request comes from a fork, whose code must never reach the cluster credentials");
    return undefined;
  }
  const kubeconfig = await prepareKubeconfig(inputs.kubeconfig);
  try {
    const api = new KubeApi(loadKubeConfig({ ...(kubeconfig.path !== undefined ? { kubeconfig: kubeconfig.path } : {}), ...(inputs.context ? { context: inputs.context } : {}) }));
    const namespace = inputs.namespace || document.plan.namespace;
    const diff = await diffPlan({ api, namespace, manifests: document.manifests }, document.plan);
    core.info(`opdeploy: against the cluster (namespace ${namespace}): ${diff.changed ? "deploy would change objects" : "no changes"}`);
    return diff;
  } catch (error) {
    core.warning(`opdeploy: could not compare with the cluster: ${safeErrorMessage(error, kubeconfig.secrets)}`);
    return undefined;
  } finally {
    await kubeconfig.dispose();
  }
}
