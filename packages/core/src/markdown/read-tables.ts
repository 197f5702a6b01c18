/**
 * Reading the two kinds of table a plan document has: service tables (one row per service, with
 * memory, CPU, port, dependencies, validation) and the per-phase totals table. Columns are found
 * by their header words, in any order; columns and rows that cannot be read become notes.
 */
import type { Table, TableRow } from "./blocks.js";
import { isServiceColumn } from "./detect.js";
import type { ImportContext, ListedService, RawService, TableTotals } from "./import-model.js";
import type { ImportRecord, PlanPath } from "./import-record.js";
import type { Section } from "./sections.js";
import { inferValidationFromName, parseCpu, parseDependencies, parseMemory, parsePort, parseValidation } from "./values.js";

/** Column indexes of a service table; -1 where the table has no such column. */
interface ServiceColumns {
  name: number;
  memory: number;
  cpu: number;
  port: number;
  deps: number;
  validation: number;
}

/**
 * Notes the header cells no reader uses. A service table's empty header cells ("| | ...") are
 * layout and pass unnoted; the totals table notes every unused cell.
 */
function noteExtraColumns(record: ImportRecord, table: Table, used: Set<number>, skipEmpty: boolean): void {
  const extra = table.header.filter((_, i) => !used.has(i) && !(skipEmpty && table.header[i]?.text === ""));
  if (extra.length > 0) {
    record.note(table.line, "ignored", `table column(s) ${extra.map((c) => `"${c.text}"`).join(", ")} not interpreted`, table.endLine);
  }
}

function findServiceColumns(record: ImportRecord, table: Table): ServiceColumns {
  const columns = table.header.map((c) => c.text.toLowerCase());
  const col = (test: (c: string) => boolean): number => columns.findIndex(test);
  const found: ServiceColumns = {
    name: col(isServiceColumn),
    memory: col((c) => /^(memory|mem|ram)\b/.test(c)),
    cpu: col((c) => /^(cpu|cpus|vcpu|cores?)\b/.test(c)),
    port: col((c) => /^(port|ports|container port)\b/.test(c)),
    deps: col((c) => /^(dependencies|depends on|dependson|deps|requires|needs)\b/.test(c)),
    validation: col((c) => /^(validation|validate|health ?check|check|readiness)\b/.test(c)),
  };
  noteExtraColumns(record, table, new Set(Object.values(found)), true);
  return found;
}

/**
 * The service of one row, and the cells it could not read. A row with an odd figure is kept
 * without that figure (and noted): the checker then reports the missing field at the row.
 */
function readServiceCells(record: ImportRecord, row: TableRow, name: string, at: ServiceColumns): { service: RawService; problems: string[] } {
  const cell = (i: number) => (i >= 0 ? row.cells[i] : undefined);
  const service: RawService = {};
  const problems: string[] = [];
  const memCell = cell(at.memory);
  if (memCell) {
    const memory = parseMemory(memCell.text);
    if (memory !== undefined) service.memory = memory;
    else problems.push(`memory "${memCell.text}"`);
  }
  const cpuCell = cell(at.cpu);
  if (cpuCell) {
    const cpu = parseCpu(cpuCell.text);
    if (cpu !== undefined) service.cpu = cpu;
    else problems.push(`CPU "${cpuCell.text}"`);
  }
  const portCell = cell(at.port);
  if (portCell) {
    const port = parsePort(portCell.text);
    if (typeof port === "number") service.port = port;
    else if (port === undefined) problems.push(`port "${portCell.text}"`);
  }
  const depsCell = cell(at.deps);
  if (depsCell) {
    const deps = parseDependencies(depsCell.text);
    if (deps.names.length > 0) service.dependsOn = deps.names;
    for (const bad of deps.unreadable) problems.push(`dependency "${bad}"`);
  }
  const validationCell = cell(at.validation);
  if (validationCell) {
    const validate = parseValidation(validationCell.text);
    if (validate !== undefined) {
      service.validate = validate;
      // "Health check endpoints" names no path: the /healthz is ours, and the author should know.
      if (typeof validate === "object" && !validationCell.text.includes(validate.http)) {
        record.note(row.line, "assumed", `${name}: "${validationCell.text}" read as an HTTP check of ${validate.http} — the document names no path; write the one the service serves if it differs`);
      }
    } else if (!/^(|-|none|n\/?a)$/i.test(validationCell.text)) problems.push(`validation "${validationCell.text}"`);
  } else if (at.validation < 0) {
    const inferred = inferValidationFromName(name);
    if (inferred !== undefined) service.validate = inferred;
  }
  return { service, problems };
}

/** The row's name when the row can be read as a service, else undefined (and a note says why). */
function serviceRowName(record: ImportRecord, table: Table, row: TableRow, at: ServiceColumns): string | undefined {
  const name = (at.name >= 0 ? row.cells[at.name] : undefined)?.text ?? "";
  const shape = `table row has ${row.cells.length} cell(s) where the header has ${table.header.length}`;
  if (row.cells.length !== table.header.length && row.cells.length < Math.max(at.name, at.memory) + 1) {
    record.note(row.line, "unreadable", `${shape} — row not read`);
    return undefined;
  }
  // Kubernetes Service names are DNS-1035 labels: they start with a letter.
  if (!/^[A-Za-z][A-Za-z0-9._-]*$/.test(name)) {
    record.note(row.line, "unreadable", `table row: "${name}" is not a service name — row not read`);
    return undefined;
  }
  if (row.cells.length !== table.header.length) record.note(row.line, "unreadable", `${shape}; read by position`);
  return name;
}

/** Keeps the first listing of a service; a second one is a conflict, and its figures are not used. */
function defineService(ctx: ImportContext, name: string, service: RawService, row: TableRow, at: ServiceColumns): void {
  const existing = ctx.found.services.get(name);
  if (existing) {
    ctx.record.note(row.line, "conflict", `${name} is listed again (first at line ${existing.row.line}); the figures of line ${existing.row.line} are kept`);
    return;
  }
  ctx.found.services.set(name, { service, row });
  const cell = (i: number) => (i >= 0 ? row.cells[i] : undefined);
  const base: PlanPath = ["services", name];
  ctx.record.at(base, row.line, cell(at.name)?.column ?? 1);
  const fields: [keyof RawService, number][] = [["memory", at.memory], ["cpu", at.cpu], ["port", at.port], ["dependsOn", at.deps], ["validate", at.validation]];
  for (const [field, index] of fields) {
    const c = cell(index);
    if (c) ctx.record.at([...base, field], row.line, c.column);
  }
  const depsColumn = cell(at.deps)?.column;
  service.dependsOn?.forEach((_, k) => ctx.record.at([...base, "dependsOn", k], row.line, depsColumn ?? 1));
}

/**
 * Reads a service table into the plan's services, and lists each service in `target` (the phase
 * or batch the table is in); a table outside any phase defines services no phase deploys.
 */
export function readServiceTable(ctx: ImportContext, table: Table, target: ListedService[] | undefined): void {
  const columns = findServiceColumns(ctx.record, table);
  for (const row of table.rows) {
    const name = serviceRowName(ctx.record, table, row, columns);
    if (name === undefined) continue;
    const { service, problems } = readServiceCells(ctx.record, row, name, columns);
    if (problems.length > 0) ctx.record.note(row.line, "unreadable", `${name}: could not read ${problems.join(", ")} — left out`);
    defineService(ctx, name, service, row, columns);
    if (target) target.push({ name, row });
    else if (!ctx.found.unplacedServices.includes(name)) {
      ctx.found.unplacedServices.push(name);
      ctx.record.note(row.line, "assumed", `${name} is listed outside any phase section; it is defined but no phase deploys it`);
    }
  }
}

/** Reads the "Total Resource Requirements" table: one row of declared totals per phase. */
export function readTotalsTable(ctx: ImportContext, table: Table, section: Section): void {
  const columns = table.header.map((c) => c.text.toLowerCase());
  const iPhase = columns.findIndex((c) => /^(phase|stage)\b/.test(c));
  const iMemory = columns.findIndex((c) => /^(memory|mem|ram)\b/.test(c));
  const iCpu = columns.findIndex((c) => /^(cpu|cpus|vcpu|cores?)\b/.test(c));
  const iCount = columns.findIndex((c) => /^(services|count|#)$/.test(c));
  noteExtraColumns(ctx.record, table, new Set([iPhase, iMemory, iCpu, iCount]), false);
  for (const row of table.rows) {
    const phaseText = row.cells[iPhase]?.text ?? "";
    const m = /(\d+)/.exec(phaseText);
    if (!m) {
      ctx.record.note(row.line, "ignored", `${section.heading.text}: row "${phaseText}" names no phase — not interpreted`);
      continue;
    }
    const entry: TableTotals = { line: row.line };
    const memCell = row.cells[iMemory];
    const cpuCell = row.cells[iCpu];
    const memory = memCell ? parseMemory(memCell.text) : undefined;
    const cpu = cpuCell ? parseCpu(cpuCell.text) : undefined;
    if (memCell && memory !== undefined) entry.memory = { text: memory, line: row.line, column: memCell.column };
    if (cpuCell && cpu !== undefined) entry.cpu = { text: cpu, line: row.line, column: cpuCell.column };
    const countText = row.cells[iCount]?.text;
    if (countText !== undefined && /^\d+$/.test(countText)) entry.count = Number(countText);
    if ((memCell && memory === undefined) || (cpuCell && cpu === undefined)) {
      ctx.record.note(row.line, "unreadable", `${phaseText}: could not read the totals "${memCell?.text ?? ""}", "${cpuCell?.text ?? ""}"`);
    }
    ctx.found.totalsByPhase.set(Number(m[1]), entry);
  }
}
