/**
 * Building the plan's `phases` from the collected phase sections: deployment order (one at a
 * time, or batch by batch), the gate and the declared totals, each of which the document may state
 * in more than one place. Where the places disagree, the rule of precedence decides and a
 * "conflict" note says what was not used.
 */
import type { CollectedPhase, GateSource, ImportContext, ListedService } from "./import-model.js";
import type { PlanPath } from "./import-record.js";
import { slugFromTitle } from "./text.js";

type RawPhase = Record<string, unknown>;

/** `base`, or `base-2`, `base-3`, ... when taken: phase and batch names must be unique. */
function uniqueName(base: string, taken: Set<string>): string {
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}-${i}`;
  taken.add(name);
  return name;
}

/** True for a sequential phase; an order the document does not state is chosen and noted. */
function isSequential(ctx: ImportContext, phase: CollectedPhase, p: PlanPath): boolean {
  const orderText = phase.order?.value.toLowerCase() ?? "";
  let sequential: boolean;
  if (/sequential|one (at a time|by one|after another)|serial|in order/.test(orderText)) sequential = true;
  else if (/parallel|concurrent|simultaneous|together|at once/.test(orderText)) sequential = false;
  else {
    // Batch sections say how to group; without them, one at a time is the safe default.
    sequential = phase.batches.length === 0;
    ctx.record.note(phase.order?.line ?? phase.heading.line, "assumed", `${phase.title}: no readable deployment order; deployed ${sequential ? "one service at a time" : "batch by batch"}`);
  }
  if (phase.order) ctx.record.at([...p, sequential ? "sequential" : "batches"], phase.order.line, phase.order.column);
  return sequential;
}

/** The phase's batches: loose services first (as batch "<name>-0"), then one per batch section. */
function writeBatches(ctx: ImportContext, phase: CollectedPhase, out: RawPhase, p: PlanPath): void {
  const name = String(out.name);
  const groups: { name: string; line: number; column: number; services: ListedService[] }[] = [];
  const batchNames = new Set<string>();
  if (phase.loose.length > 0) groups.push({ name: uniqueName(`${name}-0`, batchNames), line: phase.loose[0]?.row.line ?? 1, column: 1, services: phase.loose });
  phase.batches.forEach((b, k) => {
    groups.push({ name: uniqueName(slugFromTitle(b.title) || `${name}-${k + 1}`, batchNames), line: b.heading.line, column: b.heading.column, services: b.services });
    if (b.services.length === 0) ctx.record.note(b.heading.line, "unreadable", `${b.label}: no service table under this batch`);
  });
  out.batches = groups.map((g) => ({ name: g.name, services: g.services.map((s) => s.name) }));
  groups.forEach((g, k) => {
    ctx.record.at([...p, "batches", k], g.line, g.column);
    ctx.record.at([...p, "batches", k, "name"], g.line, g.column);
    g.services.forEach((s, j) => ctx.record.at([...p, "batches", k, "services", j], s.row.line, s.row.cells[0]?.column ?? 1));
  });
  if (phase.batchesDeclared !== undefined && phase.batchesDeclared !== phase.batches.length) {
    ctx.record.note(phase.order?.line ?? phase.heading.line, "conflict", `${phase.title}: "${phase.order?.value}" but ${phase.batches.length} batch section(s) follow`);
  }
}

/** Writes the phase's `sequential`/`services` or `batches`; returns every service it deploys. */
function writePhaseServices(ctx: ImportContext, phase: CollectedPhase, out: RawPhase, p: PlanPath): ListedService[] {
  const batches = phase.batches;
  if (phase.loose.length > 0 && batches.length > 0) {
    ctx.record.note(phase.loose[0]?.row.line ?? phase.heading.line, "assumed", `${phase.title}: a service table outside the batch sections is deployed as a first batch`);
  }
  const allServices = [...phase.loose, ...batches.flatMap((b) => b.services)];
  const sequential = isSequential(ctx, phase, p);
  const listServices = (): void => {
    out.services = allServices.map((s) => s.name);
    allServices.forEach((s, k) => ctx.record.at([...p, "services", k], s.row.line, s.row.cells[0]?.column ?? 1));
  };
  if (sequential) {
    if (batches.length > 0) ctx.record.note(phase.order?.line ?? phase.heading.line, "assumed", `${phase.title}: sequential order given, so its ${batches.length} batch(es) are flattened into one service at a time`);
    out.sequential = true;
    listServices();
  } else if (batches.length === 0) {
    listServices();
  } else {
    writeBatches(ctx, phase, out, p);
  }
  if (allServices.length === 0) ctx.record.note(phase.heading.line, "unreadable", `${phase.title}: no service table found in this phase`);
  if (phase.countDeclared && phase.countDeclared.count !== allServices.length) {
    ctx.record.note(phase.countDeclared.line, "conflict", `${phase.title}: "${phase.countDeclared.value}" but its tables list ${allServices.length} service(s)`);
  }
  return allServices;
}

/**
 * The gate: the Success Criteria section, then the execution "Validation:" line, then the phase's
 * own "Success Criteria:" line; the first source of each figure wins, and disagreements are
 * reported. "All N services" may count the phase or everything deployed by its end.
 */
function writeGate(ctx: ImportContext, phase: CollectedPhase, out: RawPhase, p: PlanPath, phaseCount: number, deployedSoFar: number): void {
  const { criteriaByPhase, executionByPhase } = ctx.found;
  const sources = [criteriaByPhase.get(phase.number), executionByPhase.get(phase.number), ...phase.gates].filter(
    (s): s is GateSource => s !== undefined,
  );
  // What is left in the maps afterwards names phases that do not exist.
  criteriaByPhase.delete(phase.number);
  executionByPhase.delete(phase.number);
  if (sources.length === 0) return;
  const gate: Record<string, string> = {};
  for (const field of ["memory", "cpu", "healthy"] as const) {
    const first = sources.find((s) => s[field]);
    const chosen = first?.[field];
    if (!first || !chosen) continue;
    gate[field] = chosen.value;
    ctx.record.at([...p, "gate", field], chosen.line, chosen.column);
    for (const other of sources) {
      const v = other[field];
      if (v && v.value !== chosen.value) {
        ctx.record.note(other.line, "conflict", `${other.what}: ${field} ${v.value} differs from ${chosen.value} (${first.what}, line ${first.line}); ${chosen.value} is used`);
      }
    }
  }
  for (const s of sources) {
    if (s.count !== undefined && s.count !== phaseCount && s.count !== deployedSoFar) {
      ctx.record.note(s.line, "conflict", `${s.what}: "all ${s.count} services" but phase ${phase.number} has ${phaseCount} and ${deployedSoFar} are deployed by its end`);
    }
  }
  if (Object.keys(gate).length > 0) {
    out.gate = gate;
    const firstSource = sources[0];
    if (firstSource) ctx.record.at([...p, "gate"], firstSource.line);
  }
}

/** Declared totals: the phase's own "Total Phase N Resources" line, else the totals table. */
function writeDeclared(ctx: ImportContext, phase: CollectedPhase, out: RawPhase, p: PlanPath, phaseCount: number): void {
  const fromTable = ctx.found.totalsByPhase.get(phase.number);
  ctx.found.totalsByPhase.delete(phase.number);
  const declared: Record<string, string> = {};
  for (const field of ["memory", "cpu"] as const) {
    const own = phase.declared?.[field];
    const table = fromTable?.[field];
    const chosen = own ?? table;
    if (!chosen) continue;
    declared[field] = chosen.text;
    ctx.record.at([...p, "declared", field], chosen.line, chosen.column);
    if (own && table && own.text !== table.text) {
      ctx.record.note(table.line, "conflict", `${phase.title}: the totals table gives ${field} ${table.text}, the phase section ${own.text} (line ${own.line}); ${own.text} is used`);
    }
  }
  if (fromTable?.count !== undefined && fromTable.count !== phaseCount) {
    ctx.record.note(fromTable.line, "conflict", `${phase.title}: the totals table counts ${fromTable.count} service(s), the phase lists ${phaseCount}`);
  }
  if (Object.keys(declared).length > 0) {
    out.declared = declared;
    ctx.record.at([...p, "declared"], phase.declared?.line ?? fromTable?.line ?? phase.heading.line);
  }
}

/** The raw `phases` list, in document order (numbering out of order is noted, not re-sorted). */
export function assemblePhases(ctx: ImportContext): RawPhase[] {
  const { record } = ctx;
  const phaseNames = new Set<string>();
  const rawPhases: RawPhase[] = [];
  let deployedSoFar = 0;
  let previousNumber = 0;
  ctx.found.phases.forEach((phase, index) => {
    const p: PlanPath = ["phases", index];
    if (phase.number <= previousNumber) record.note(phase.heading.line, "conflict", `"${phase.heading.text}" is numbered ${phase.number} after phase ${previousNumber}; document order is kept`);
    previousNumber = phase.number;
    const name = uniqueName(slugFromTitle(phase.title.replace(/^phase\s+\d+:?\s*/i, "")) || `phase-${phase.number}`, phaseNames);
    const out: RawPhase = { name, title: phase.title };
    record.at(p, phase.heading.line, phase.heading.column);
    record.at([...p, "name"], phase.heading.line, phase.heading.column);
    record.at([...p, "title"], phase.heading.line, phase.heading.column);
    if (phase.description !== undefined) out.description = phase.description;
    const phaseCount = writePhaseServices(ctx, phase, out, p).length;
    deployedSoFar += phaseCount;
    writeGate(ctx, phase, out, p, phaseCount, deployedSoFar);
    writeDeclared(ctx, phase, out, p, phaseCount);
    if (phase.expected) {
      out.expected = phase.expected.text;
      record.at([...p, "expected"], phase.expected.line, phase.expected.column);
    }
    rawPhases.push(out);
  });
  for (const [n, s] of [...ctx.found.criteriaByPhase, ...ctx.found.executionByPhase]) record.note(s.line, "unreadable", `${s.what}: there is no phase ${n}`);
  for (const [n, t] of ctx.found.totalsByPhase) record.note(t.line, "unreadable", `totals table: there is no phase ${n}`);
  if (ctx.found.phases.length === 0) record.note(1, "unreadable", "no \"Phase N: ...\" sections found");
  return rawPhases;
}
