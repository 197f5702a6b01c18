/**
 * The second stage of the import: building the raw plan, in the YAML format's field order, from
 * what the walk collected. Each field records where it came from; a section the plan needs but
 * the document lacks is noted rather than invented.
 */
import { assemblePhases } from "./assemble-phases.js";
import type { ImportContext } from "./import-model.js";
import { readDeclared } from "./read-statements.js";
import { slugFromTitle } from "./text.js";

/**
 * The plan name from the document title: the first dash- or colon-separated part that has a
 * non-generic word. "PLANNED DEPLOYMENT STRATEGY - OPENPOLICY PLATFORM" -> "openpolicy".
 */
function pickPlanName(title: string): string {
  for (const part of title.split(/\s+[-–—]\s+|:\s*/)) {
    const slug = slugFromTitle(part);
    if (slug) return slug;
  }
  return "";
}

/** `name` from the title, else from the file name; `description` from the subtitle. */
function writeNameAndDescription(ctx: ImportContext, raw: Record<string, unknown>, file: string): void {
  const { title, subtitle } = ctx.found;
  const fileBase = (file.split(/[\\/]/).pop() ?? "").replace(/\.[^.]*$/, "");
  const nameFromTitle = title ? pickPlanName(title.text) : "";
  const planName = nameFromTitle || slugFromTitle(fileBase) || "plan";
  raw.name = planName;
  if (title) ctx.record.at(["name"], title.line, title.column);
  if (!nameFromTitle) ctx.record.note(title?.line ?? 1, "assumed", `no plan name in the title; named "${planName}" after the file`);
  if (subtitle) {
    raw.description = subtitle.text;
    ctx.record.at(["description"], subtitle.line, subtitle.column);
  }
}

/**
 * `cluster` from the capacity line. "3 nodes, 4Gi, 2 CPU each" is three nodes of that size;
 * without "each" the figures are read as one node's (the common "8Gi Memory, 16 CPU cores").
 */
function writeCluster(ctx: ImportContext, raw: Record<string, unknown>): void {
  const cap = ctx.found.capacity;
  if (!cap) {
    ctx.record.note(1, "unreadable", "no \"Cluster Capacity\" line found; the plan has no cluster section");
    return;
  }
  const node: Record<string, unknown> = { count: 1 };
  const countMatch = /(\d+)\s*(?:x\s*)?nodes?\b/i.exec(cap.value);
  const perNode = /\b(each|per node|apiece)\b/i.test(cap.value);
  let rest = cap.value;
  if (countMatch) {
    rest = rest.replace(countMatch[0], "");
    if (perNode) node.count = Number(countMatch[1]);
    else ctx.record.note(cap.line, "assumed", `${cap.key}: "${countMatch[0]}" without "each" — figures read as one node's capacity`);
  }
  const figures = readDeclared(ctx.record, { ...cap, value: rest.replace(/\b(each|per node|apiece)\b/gi, "").trim() });
  if (figures.memory) node.memory = figures.memory.text;
  if (figures.cpu) node.cpu = figures.cpu.text;
  raw.cluster = { nodes: [node], reserved: { memory: 0, cpu: 0 } };
  ctx.record.at(["cluster"], cap.line, cap.column);
  ctx.record.at(["cluster", "nodes", 0], cap.line, cap.column);
  if (figures.memory) ctx.record.at(["cluster", "nodes", 0, "memory"], cap.line, figures.memory.column);
  if (figures.cpu) ctx.record.at(["cluster", "nodes", 0, "cpu"], cap.line, figures.cpu.column);
  ctx.record.note(cap.line, "assumed", `${cap.key}: the document names no reserved resources; reserved set to 0 (allocatable = capacity)`);
}

function writeBudget(ctx: ImportContext, raw: Record<string, unknown>): void {
  const { budgetMemory, budgetCpu, budgetLine } = ctx.found;
  if (!budgetMemory && !budgetCpu) return;
  const budget: Record<string, string> = {};
  if (budgetMemory) {
    budget.memory = budgetMemory.text;
    ctx.record.at(["budget", "memory"], budgetMemory.line, budgetMemory.column);
  }
  if (budgetCpu) {
    budget.cpu = budgetCpu.text;
    ctx.record.at(["budget", "cpu"], budgetCpu.line, budgetCpu.column);
  }
  raw.budget = budget;
  ctx.record.at(["budget"], budgetLine ?? 1);
}

function writeRollback(ctx: ImportContext, raw: Record<string, unknown>): void {
  const { triggers, triggersLine } = ctx.found;
  const triggerFields = ["memory", "unhealthy", "latency", "errorRate"] as const;
  if (!triggerFields.some((f) => triggers[f])) {
    ctx.record.note(1, "unreadable", "no rollback triggers found; the plan has no rollback section");
    return;
  }
  const rollback: Record<string, string> = {};
  for (const f of triggerFields) {
    const t = triggers[f];
    if (t) {
      rollback[f] = t.text;
      ctx.record.at(["rollback", f], t.line, t.column);
    }
  }
  raw.rollback = rollback;
  ctx.record.at(["rollback"], triggersLine ?? 1);
}

/** `services`, in the order of the document, checked against a "Services Running: N/M" line. */
function writeServiceDefinitions(ctx: ImportContext, raw: Record<string, unknown>): void {
  const { services, servicesRunning } = ctx.found;
  // fromEntries defines own properties: assigning rawServices["__proto__"] would set the prototype.
  raw.services = Object.fromEntries([...services].map(([name, { service }]) => [name, service]));
  const firstService = services.values().next().value;
  if (firstService) ctx.record.at(["services"], firstService.row.line);
  if (servicesRunning) {
    const m = /^(\d+)\s*\/\s*(\d+)/.exec(servicesRunning.value);
    const total = Number(m?.[2]);
    if (total !== services.size) ctx.record.note(servicesRunning.line, "conflict", `${servicesRunning.key}: ${servicesRunning.value} but the tables list ${services.size} service(s)`);
  }
}

/** The raw plan (what a YAML file would hold) from the collected document. */
export function assemblePlan(ctx: ImportContext, file: string): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  ctx.record.at([], 1, 1);
  writeNameAndDescription(ctx, raw, file);
  writeCluster(ctx, raw);
  writeBudget(ctx, raw);
  writeRollback(ctx, raw);
  raw.phases = assemblePhases(ctx);
  const firstPhase = ctx.found.phases[0];
  if (firstPhase) ctx.record.at(["phases"], firstPhase.heading.line, firstPhase.heading.column);
  writeServiceDefinitions(ctx, raw);
  return raw;
}
