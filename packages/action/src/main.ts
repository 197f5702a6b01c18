/**
 * The action: mask credentials, read inputs, run the mode. Every error ends as
 * `core.setFailed` (exit code 1 with an `::error::` line), never as an unhandled rejection.
 */
import * as core from "@actions/core";
import { runDryRun } from "./dry-run.js";
import { InputError, readInputs } from "./inputs.js";
import { maskSecretInputs } from "./secrets.js";

export async function run(): Promise<void> {
  try {
    // Before anything else prints: a validation message must not be able to echo a secret.
    maskSecretInputs();
    const inputs = readInputs();
    if (inputs.mode === "deploy" || inputs.mode === "rollback") {
      // Loaded only here: the bundle holds the Kubernetes backend, but check/simulate runs (every
      // pull request) need not evaluate @kubernetes/client-node and the protocol clients.
      const { runDeploy } = await import("./deploy.js");
      await runDeploy({ ...inputs, mode: inputs.mode });
    }
    else await runDryRun(inputs);
  } catch (error) {
    if (error instanceof InputError) core.setFailed(error.message);
    else if (error instanceof Error) core.setFailed(error.stack && process.env.RUNNER_DEBUG === "1" ? error.stack : error.message);
    else core.setFailed(String(error));
  }
}
