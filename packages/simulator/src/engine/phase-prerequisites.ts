/**
 * `deploy --phase N`: runs one phase of a plan whose earlier phases are already on the cluster.
 * Refused, before anything is applied, when a service of an earlier phase is absent or not
 * Current — deploying phase 2 on an empty cluster would start apps whose databases do not exist.
 */
import type { Plan } from "@openpolicy/core";
import type { Cluster } from "../cluster/cluster.js";

/** `--phase N` was asked while an earlier phase is not (fully) on the cluster. */
export class PhasePrerequisiteError extends Error {
  readonly code = "phase-prerequisite";
  constructor(message: string) {
    super(message);
    this.name = "PhasePrerequisiteError";
  }
}

/** Index of `phase` in the plan once every service of the earlier phases runs; throws otherwise. */
export async function checkPhasePrerequisites(cluster: Cluster, plan: Plan, phase: string): Promise<number> {
  const phases = plan.phases;
  const index = phases.findIndex((p) => p.name === phase);
  if (index < 0) {
    throw new PhasePrerequisiteError(`deploy: plan has no phase ${JSON.stringify(phase)} (phases: ${phases.map((p) => p.name).join(", ")})`);
  }
  const missing: string[] = [];
  for (const earlier of phases.slice(0, index)) {
    const absent: string[] = [];
    for (const name of earlier.batches.flatMap((b) => b.services)) {
      const w = await cluster.workloadStatus(name);
      if (!w) absent.push(`${name} (not on the cluster)`);
      else if (w.status !== "Current") absent.push(`${name} (${w.status})`);
    }
    if (absent.length > 0) missing.push(`phase ${earlier.name}: ${absent.join(", ")}`);
  }
  if (missing.length > 0) {
    throw new PhasePrerequisiteError(
      `deploy: --phase ${phase} needs the earlier phases in place first; missing ${missing.join("; ")}. Deploy the plan without --phase, or the earlier phases first.`,
    );
  }
  return index;
}
