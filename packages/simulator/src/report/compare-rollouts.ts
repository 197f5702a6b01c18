/**
 * A real deploy beside its rehearsal, phase by phase: how long each phase took and what each gate
 * read, rehearsed and observed. The first step toward a calibrated simulator — where the two
 * differ by much, the plan's `startup`/`usage` figures (or the cluster) are not what the plan says.
 */
import type { SimulationResult } from "../engine/result.js";

export interface GateComparison {
  metric: string;
  by: string;
  threshold: number;
  rehearsed?: number;
  observed?: number;
}

export interface PhaseComparison {
  phase: string;
  rehearsedStatus: string;
  observedStatus: string;
  /** Seconds from the phase's start to its end; undefined when the phase did not run. */
  rehearsedSeconds?: number;
  observedSeconds?: number;
  gates: GateComparison[];
}

function phaseSeconds(phase: SimulationResult["phases"][number] | undefined): number | undefined {
  if (!phase || phase.startedAt === undefined || phase.endedAt === undefined) return undefined;
  return Math.round((phase.endedAt - phase.startedAt) * 10) / 10;
}

export function compareRollouts(rehearsed: SimulationResult, observed: SimulationResult): PhaseComparison[] {
  return observed.phases.map((phase) => {
    const twin = rehearsed.phases.find((p) => p.name === phase.name);
    const gates: GateComparison[] = [];
    for (const check of [...(twin?.gate?.checks ?? []), ...(phase.gate?.checks ?? [])]) {
      if (gates.some((g) => g.metric === check.metric && g.by === check.by)) continue;
      const a = twin?.gate?.checks.find((c) => c.metric === check.metric && c.by === check.by);
      const b = phase.gate?.checks.find((c) => c.metric === check.metric && c.by === check.by);
      const gate: GateComparison = { metric: check.metric, by: check.by, threshold: check.threshold };
      if (a) gate.rehearsed = a.actual;
      if (b) gate.observed = b.actual;
      gates.push(gate);
    }
    const out: PhaseComparison = { phase: phase.name, rehearsedStatus: twin?.status ?? "absent", observedStatus: phase.status, gates };
    const r = phaseSeconds(twin);
    const o = phaseSeconds(phase);
    if (r !== undefined) out.rehearsedSeconds = r;
    if (o !== undefined) out.observedSeconds = o;
    return out;
  });
}

/** Plain-text table: phase, rehearsed and observed durations, then each gate's two readings. */
export function formatComparisonText(rows: readonly PhaseComparison[]): string {
  const seconds = (s: number | undefined) => (s === undefined ? "—" : `${Math.round(s)} s`);
  const lines = ["rehearsed vs observed:"];
  for (const row of rows) {
    const gates = row.gates.map((g) => `${g.metric} by ${g.by} ${g.rehearsed ?? "—"}% / ${g.observed ?? "—"}%`).join(", ");
    lines.push(`  ${row.phase}: ${seconds(row.rehearsedSeconds)} / ${seconds(row.observedSeconds)}${gates ? `; ${gates}` : ""}`);
  }
  return lines.join("\n");
}
