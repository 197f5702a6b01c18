/**
 * Reading a content line (neither heading nor table) by the section it is in: the same
 * "**Validation**: ..." means a phase gate in a phase or execution section and nothing in an
 * introduction. A line no reader takes is kept as unused for its section's note; a key/value
 * line that is not read is noted at once, since it looks like data.
 */
import { readKeyValue, type KeyValue } from "./blocks.js";
import type { ImportContext } from "./import-model.js";
import type { ImportRecord } from "./import-record.js";
import { readCapacity, readDeclared, readGateText, readTrigger } from "./read-statements.js";
import type { Section, WalkContext } from "./sections.js";
import { cleanText } from "./text.js";
import { findPercent, parseExpectedDuration } from "./values.js";

const GLOBAL_CAPACITY_KEY = /^(cluster capacity|cluster|capacity|node capacity|cluster size)$/i;

function noteIgnored(record: ImportRecord, kv: KeyValue): void {
  record.note(kv.line, "ignored", `${kv.key}: ${kv.value} — not interpreted`);
}

/** A line of a phase or batch section: description, service count, order, totals, duration, gate. */
function readPhaseLine(ctx: WalkContext, section: Section, kv: KeyValue | undefined, lineNumber: number): void {
  const phase = ctx.sections.enclosingPhase();
  const key = kv?.key.toLowerCase() ?? "";
  if (!kv || !phase) {
    section.unused.push(lineNumber);
  } else if (/^(purpose|description|goal|summary)$/.test(key)) {
    // A batch's purpose describes the batch, not the phase.
    if (phase.description === undefined && section.kind === "phase") {
      phase.description = kv.value;
      ctx.record.at(["phases", ctx.found.phases.indexOf(phase), "description"], kv.line, kv.column);
    } else noteIgnored(ctx.record, kv);
  } else if (/^(services|service count|number of services)$/.test(key) && /\d+/.test(kv.value)) {
    phase.countDeclared = { ...kv, count: Number(/\d+/.exec(kv.value)?.[0]) };
  } else if (/^(deployment order|order|deployment mode|mode|execution|strategy)$/.test(key)) {
    phase.order = kv;
    const batches = /(\d+)\s+batch/i.exec(kv.value);
    if (batches) phase.batchesDeclared = Number(batches[1]);
  } else if (/^(total phase \d+ resources|total phase resources|phase total|total resources|totals?|resources total)$/.test(key)) {
    if (phase.declared) ctx.record.note(kv.line, "conflict", `${kv.key}: ${kv.value} — the phase's totals were already read at line ${phase.declared.line}`);
    else phase.declared = readDeclared(ctx.record, kv);
  } else if (/^(expected duration|duration|expected time|eta|estimated duration)$/.test(key)) {
    const expected = parseExpectedDuration(kv.value);
    if (expected !== undefined) phase.expected = { text: expected, line: kv.line, column: kv.column };
    else ctx.record.note(kv.line, "unreadable", `${kv.key}: ${kv.value} — not a duration`);
  } else if (/^(success criteria|validation|gate|exit criteria)$/.test(key)) {
    phase.gates.push(readGateText(ctx, `${kv.key} of phase ${phase.number}`, kv));
  } else {
    noteIgnored(ctx.record, kv);
  }
}

/** "Phase N Execution": its "Validation:" line is a gate of phase N; the steps are not read. */
function readExecutionLine(ctx: ImportContext, section: Section, kv: KeyValue | undefined, lineNumber: number): void {
  if (kv && /^(validation|success criteria|gate|exit criteria)$/i.test(kv.key) && section.executionOf !== undefined) {
    if (ctx.found.executionByPhase.has(section.executionOf)) noteIgnored(ctx.record, kv);
    else ctx.found.executionByPhase.set(section.executionOf, readGateText(ctx, `${kv.key} of "${section.heading.text}"`, kv));
  } else if (kv) noteIgnored(ctx.record, kv);
  else section.unused.push(lineNumber);
}

/** "Success Criteria": one "Phase N: ..." line per phase gate. */
function readCriteriaLine(ctx: ImportContext, section: Section, kv: KeyValue | undefined, lineNumber: number): void {
  const phaseKey = kv ? /^(?:phase|stage)\s+(\d+)$/i.exec(kv.key) : null;
  if (kv && phaseKey) {
    const n = Number(phaseKey[1]);
    const { criteriaByPhase } = ctx.found;
    if (criteriaByPhase.has(n)) ctx.record.note(kv.line, "conflict", `${kv.key}: ${kv.value} — phase ${n}'s criteria were already read at line ${criteriaByPhase.get(n)?.line}`);
    else criteriaByPhase.set(n, readGateText(ctx, `success criteria of phase ${n}`, kv));
  } else if (kv) noteIgnored(ctx.record, kv);
  else section.unused.push(lineNumber);
}

/** "Rollback Triggers": key/value lines and plain bullets alike state triggers. */
function readRollbackLine(ctx: ImportContext, section: Section, kv: KeyValue | undefined, raw: string, lineNumber: number): void {
  const bullet = /^\s*(?:[-*+]|\d+[.)])\s+(.*)$/.exec(raw);
  const read = kv
    ? readTrigger(ctx, kv.key, kv.value, kv.line, kv.column)
    : bullet
      ? readTrigger(ctx, "", cleanText(bullet[1] ?? ""), lineNumber, raw.indexOf(bullet[1] ?? "") + 1)
      : false;
  if (!read) {
    if (kv) ctx.record.note(kv.line, "unreadable", `rollback trigger "${kv.key}: ${kv.value}" not interpreted`);
    else section.unused.push(lineNumber);
  }
}

/** "Target State": the memory and CPU budget, and the "Services Running" count to check. */
function readTargetLine(ctx: ImportContext, section: Section, kv: KeyValue | undefined, lineNumber: number): void {
  const { found } = ctx;
  const key = kv?.key.toLowerCase() ?? "";
  if (kv && /^(memory|memory usage|memory budget|mem|ram)$/.test(key) && findPercent(kv.value)) {
    const budgetMemory = { text: findPercent(kv.value) ?? "", line: kv.line, column: kv.column };
    found.budgetMemory = budgetMemory;
    found.budgetLine ??= kv.line;
    // "<50% (target: 45%)": the budget is the bound a deploy must not cross, not the goal.
    const soft = /target:?\s*(\d+(?:\.\d+)?\s*%)/i.exec(kv.value);
    if (soft && findPercent(soft[1] ?? "") !== budgetMemory.text) {
      ctx.record.note(kv.line, "assumed", `${kv.key}: the budget is the hard bound ${budgetMemory.text}; the softer goal "target: ${soft[1]}" is not a limit`);
    }
  } else if (kv && /^(cpu|cpu usage|cpu budget)$/.test(key) && findPercent(kv.value)) {
    found.budgetCpu = { text: findPercent(kv.value) ?? "", line: kv.line, column: kv.column };
    found.budgetLine ??= kv.line;
  } else if (kv && /^(services running|services|running)$/.test(key) && /^(\d+)\s*\/\s*(\d+)/.test(kv.value)) {
    found.servicesRunning = kv;
  } else if (kv) noteIgnored(ctx.record, kv);
  else section.unused.push(lineNumber);
}

/** "Total Resource Requirements": the plan-wide total is the checker's to compute, not to copy. */
function readTotalsLine(ctx: ImportContext, section: Section, kv: KeyValue | undefined, lineNumber: number): void {
  if (kv && /^(total resources|total|grand total|overall)$/i.test(kv.key)) {
    ctx.record.note(kv.line, "ignored", `${kv.key}: ${kv.value} — plan-wide total not carried over (the checker sums the services itself)`);
  } else if (kv) noteIgnored(ctx.record, kv);
  else section.unused.push(lineNumber);
}

/** Reads one content line of the document (1-based `lineNumber`) in its section's context. */
export function readContentLine(ctx: WalkContext, raw: string, lineNumber: number): void {
  const section = ctx.sections.context();
  const kv = readKeyValue(raw, lineNumber);
  // The capacity line counts wherever it is: documents put it in the overview or in "Targets".
  if (kv && GLOBAL_CAPACITY_KEY.test(kv.key)) readCapacity(ctx, kv);
  else if (section.kind === "phase" || section.kind === "batch") readPhaseLine(ctx, section, kv, lineNumber);
  else if (section.kind === "execution") readExecutionLine(ctx, section, kv, lineNumber);
  else if (section.kind === "criteria") readCriteriaLine(ctx, section, kv, lineNumber);
  else if (section.kind === "rollback") readRollbackLine(ctx, section, kv, raw, lineNumber);
  else if (section.kind === "target") readTargetLine(ctx, section, kv, lineNumber);
  else if (section.kind === "totals") readTotalsLine(ctx, section, kv, lineNumber);
  else section.unused.push(lineNumber);
}
