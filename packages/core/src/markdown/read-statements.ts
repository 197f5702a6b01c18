/**
 * Reading the figures inside "**Key**: value" lines and bullets: gate thresholds, declared
 * totals, rollback triggers and the cluster capacity. Each reader notes the parts of the value
 * it could not read, so a half-understood line is never taken as fully read.
 */
import type { KeyValue } from "./blocks.js";
import type { DeclaredTotals, Figure, GateField, GateSource, ImportContext, RollbackTriggers } from "./import-model.js";
import type { ImportRecord } from "./import-record.js";
import { findLatency, findPercent, parseCpu, parseMemory } from "./values.js";

/**
 * Splits a value into its parts and the offset of each in the value, so each figure can be
 * located at its own column ("<40% memory, all 4 services healthy").
 */
function partsWithOffsets(value: string, separator: RegExp): { part: string; index: number }[] {
  const parts: { part: string; index: number }[] = [];
  let offset = 0;
  for (const rawPart of value.split(separator)) {
    const part = rawPart.trim();
    const index = value.indexOf(part, offset);
    offset = index >= 0 ? index + part.length : offset;
    parts.push({ part, index });
  }
  return parts;
}

function noteUnread(record: ImportRecord, kv: KeyValue, unread: string[]): void {
  if (unread.length > 0) record.note(kv.line, "unreadable", `${kv.key}: ${unread.map((u) => `"${u}"`).join(", ")} not interpreted`);
}

/** A gate line: "<40% memory usage, all 4 services healthy" -> memory 40%, healthy 100%, count 4. */
export function readGateText(ctx: ImportContext, what: string, kv: KeyValue): GateSource {
  const source: GateSource = { what, line: kv.line };
  const unread: string[] = [];
  for (const { part, index } of partsWithOffsets(kv.value, /\s*[,;]\s*|\s+and\s+(?=all\b|every\b|\d|<|>|memory|cpu)/i)) {
    const field = (value: string): GateField => ({ value, line: kv.line, column: kv.column + Math.max(index, 0) });
    const p = part.toLowerCase();
    const percent = findPercent(part);
    const all = /^(?:all|every)\s+(?:(\d+)\s+)?(?:of\s+the\s+)?services?\s+(?:are\s+|is\s+)?(?:healthy|ready|running|up)\b/.exec(p);
    const some = /(\d+(?:\.\d+)?)\s*%\s+(?:of\s+)?(?:the\s+)?services?\s+(?:are\s+)?(?:healthy|ready|running|up)\b/.exec(p);
    if (all) {
      source.healthy = field("100%");
      if (all[1] !== undefined) source.count = Number(all[1]);
    } else if (some) {
      source.healthy = field(`${some[1]}%`);
    } else if (percent && /\b(memory|mem|ram)\b/.test(p)) {
      source.memory = field(percent);
    } else if (percent && /\bcpu\b/.test(p)) {
      source.cpu = field(percent);
    } else if (percent && /\bresources?\b/.test(p)) {
      source.memory = field(percent);
      // The document's usage targets are memory percentages, so "resource usage" means memory;
      // said once, since a document that says it says it at every gate.
      if (!ctx.found.resourceUsageAssumed) {
        ctx.found.resourceUsageAssumed = true;
        ctx.record.note(kv.line, "assumed", `"${part}" read as a memory threshold (the document's usage targets are memory percentages)`);
      }
    } else if (part !== "") {
      unread.push(part);
    }
  }
  noteUnread(ctx.record, kv, unread);
  return source;
}

/** Declared totals: "1.15Gi memory, 1.45 CPU cores" -> memory "1.15Gi", cpu "1.45", kept as written. */
export function readDeclared(record: ImportRecord, kv: KeyValue): DeclaredTotals {
  const declared: DeclaredTotals = { line: kv.line };
  const unread: string[] = [];
  for (const { part, index } of partsWithOffsets(kv.value, /\s*[,;+]\s*|\s+and\s+/)) {
    const column = kv.column + Math.max(index, 0);
    const withoutWord = part.replace(/\s*\b(memory|ram|mem)\b\s*/i, "").trim();
    const isCpu = /\b(cpu|cores?|vcpus?|millicores?)\b/i.test(part) || /^\d+(\.\d+)?m$/.test(part);
    const memory = !isCpu ? parseMemory(withoutWord) : undefined;
    const cpu = isCpu ? parseCpu(part.replace(/\s*\bcpu\b\s*$/i, "").trim()) ?? parseCpu(part) : undefined;
    if (memory !== undefined && !declared.memory) declared.memory = { text: memory, line: kv.line, column };
    else if (cpu !== undefined && !declared.cpu) declared.cpu = { text: cpu, line: kv.line, column };
    else if (part !== "") unread.push(part);
  }
  noteUnread(record, kv, unread);
  return declared;
}

/**
 * A rollback trigger ("Memory usage exceeds 85%", "p95 latency > 2s"); false when the text is
 * none. The first figure for a field is kept: a later, different one is a conflict to report.
 */
export function readTrigger(ctx: ImportContext, key: string, value: string, line: number, column: number): boolean {
  const text = `${key} ${value}`.toLowerCase();
  const percent = findPercent(value);
  let field: keyof RollbackTriggers | undefined;
  let figureText: string | undefined;
  if (percent && /unhealthy|fail|not ready|down|crash/.test(text)) [field, figureText] = ["unhealthy", percent];
  else if (percent && /error/.test(text)) [field, figureText] = ["errorRate", percent];
  else if (percent && /memory|mem\b|ram|resource/.test(text)) [field, figureText] = ["memory", percent];
  else if (/latency|response|performance|p9\d/.test(text) && findLatency(value)) [field, figureText] = ["latency", findLatency(value)];
  if (!field || figureText === undefined) return false;
  const { triggers } = ctx.found;
  if (triggers[field] && triggers[field]?.text !== figureText) {
    ctx.record.note(line, "conflict", `rollback trigger ${field} ${figureText} differs from ${triggers[field]?.text} (line ${triggers[field]?.line}); the first is kept`);
    return true;
  }
  const figure: Figure = { text: figureText, line, column };
  triggers[field] ??= figure;
  ctx.found.triggersLine ??= line;
  return true;
}

/** The cluster capacity line; it is read in the assembly, and only the first one counts. */
export function readCapacity(ctx: ImportContext, kv: KeyValue): void {
  const { capacity } = ctx.found;
  if (capacity) {
    ctx.record.note(kv.line, "conflict", `${kv.key}: ${kv.value} — capacity already read at line ${capacity.line}; this one is not used`);
    return;
  }
  ctx.found.capacity = kv;
}
