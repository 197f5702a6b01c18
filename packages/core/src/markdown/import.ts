/**
 * Reads a Markdown deployment plan (headings, pipe tables, "**Key**: value" lines — the style of
 * the OpenPolicy "PLANNED DEPLOYMENT STRATEGY" document) into the raw plan object of the YAML
 * input format, plus a map from field paths back to source lines. The YAML decoder then validates
 * and normalizes it exactly as it does a YAML file, so both front ends report the same problems.
 *
 * The importer interprets, it does not judge: wrong sums, duplicate ports or dependency cycles are
 * carried over as written for the checker to find. What it cannot interpret becomes a note.
 */
import { isBlankOrRule, readHeading, readKeyValue, readTable, type Heading, type KeyValue, type Table, type TableRow } from "./blocks.js";
import { isServiceColumn } from "./detect.js";
import { formatNote, type ImportNote, type ImportNoteKind } from "./notes.js";
import { emitYaml } from "./emit.js";
import { cleanText, slugFromTitle, splitLines } from "./text.js";
import {
  findLatency,
  findPercent,
  inferValidationFromName,
  parseCpu,
  parseDependencies,
  parseExpectedDuration,
  parseMemory,
  parsePort,
  parseValidation,
  type RawValidation,
} from "./values.js";

/** A field path in the raw plan. */
export type PlanPath = (string | number)[];

/** A 1-based line and column in the Markdown document. */
export interface LineColumn {
  line: number;
  column: number;
}

/** The raw plan in the YAML input notation (what a YAML file would hold). */
export type RawPlan = Record<string, unknown>;

/**
 * The result of {@link importMarkdown}: the plan as raw data and YAML, where each field came from,
 * and notes.
 */
export interface MarkdownImport {
  raw: RawPlan;
  /** Source position of a field path of `raw`; falls back to the nearest located ancestor. */
  locate(path: PlanPath): LineColumn;
  notes: ImportNote[];
  /** `raw` as YAML, with "# from <file>:<line>" comments (what `opdeploy import` writes). */
  yaml: string;
}

interface RawService {
  memory?: string;
  cpu?: string;
  port?: number;
  dependsOn?: string[];
  validate?: RawValidation;
}

interface GateField {
  value: string;
  line: number;
  column: number;
}

/** One place in the document that states a phase's gate. */
interface GateSource {
  what: string;
  line: number;
  memory?: GateField;
  cpu?: GateField;
  healthy?: GateField;
  /** N in "all N services healthy". */
  count?: number;
}

interface Figure {
  text: string;
  line: number;
  column: number;
}

interface BatchAcc {
  label: string;
  title: string;
  heading: Heading;
  services: { name: string; row: TableRow }[];
}

interface PhaseAcc {
  number: number;
  title: string;
  heading: Heading;
  description?: string;
  order?: KeyValue;
  batchesDeclared?: number;
  countDeclared?: KeyValue & { count: number };
  loose: { name: string; row: TableRow }[];
  batches: BatchAcc[];
  declared?: { memory?: Figure; cpu?: Figure; line: number };
  expected?: Figure;
  gates: GateSource[];
}

type SectionKind = "phase" | "batch" | "execution" | "criteria" | "rollback" | "totals" | "target" | "other";

interface Section {
  level: number;
  kind: SectionKind;
  heading: Heading;
  phase?: PhaseAcc;
  batch?: BatchAcc;
  /** Phase number of an execution section. */
  executionOf?: number;
  /** Unused content lines, reported together when the section ends. */
  unused: number[];
}

function classifyHeading(text: string): { kind: SectionKind; number?: number; rest?: string } {
  const t = text.toLowerCase();
  const execution = /^phase\s+(\d+)\b.*\b(execution|steps|runbook|procedure|rollout)\b/.exec(t);
  if (execution) return { kind: "execution", number: Number(execution[1]) };
  const phase = /^phase\s+(\d+)\s*(?:[:.\-–—]\s*(.*))?$/i.exec(text);
  if (phase) return { kind: "phase", number: Number(phase[1]), rest: phase[2] ?? "" };
  const batch = /^batch\s+([\w.]+)\s*(?:[:.\-–—]\s*(.*))?$/i.exec(text);
  if (batch) return { kind: "batch", rest: batch[2] ?? batch[1] ?? "" };
  if (/success criteria|exit criteria|phase gates|^gates$/.test(t)) return { kind: "criteria" };
  if (/roll ?back (triggers?|conditions?|criteria|rules|thresholds)|when to roll ?back|abort (conditions|triggers)/.test(t)) return { kind: "rollback" };
  if (/total resource|resource (totals|summary|requirements)|resources? by phase/.test(t)) return { kind: "totals" };
  if (/target state|^targets?$|target usage|end state/.test(t)) return { kind: "target" };
  return { kind: "other" };
}

/** "Infrastructure Foundation (Priority 1)" -> "Infrastructure Foundation". */
function stripParenthetical(text: string): string {
  return text.replace(/\s*\([^)]*\)\s*$/, "").trim();
}

function uniqueName(base: string, taken: Set<string>): string {
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}-${i}`;
  taken.add(name);
  return name;
}

const GLOBAL_CAPACITY_KEY = /^(cluster capacity|cluster|capacity|node capacity|cluster size)$/i;

/**
 * Converts a Markdown plan into the raw YAML-format plan. Never throws on odd input: what it
 * cannot read is reported in `notes`.
 */
export function importMarkdown(text: string, file: string): MarkdownImport {
  const lines = splitLines(typeof text === "string" ? text : "");
  const notes: ImportNote[] = [];
  const where = new Map<string, LineColumn>();
  const note = (line: number, kind: ImportNoteKind, message: string, endLine?: number): void => {
    notes.push(endLine !== undefined && endLine !== line ? { line, endLine, kind, message } : { line, kind, message });
  };
  const at = (path: PlanPath, line: number, column = 1): void => {
    const key = pathKey(path);
    if (!where.has(key)) where.set(key, { line, column });
  };

  // Everything found, in document order.
  const phases: PhaseAcc[] = [];
  const services = new Map<string, { service: RawService; row: TableRow }>();
  const unplacedServices: string[] = [];
  const criteriaByPhase = new Map<number, GateSource>();
  const executionByPhase = new Map<number, GateSource>();
  const totalsByPhase = new Map<number, { memory?: Figure; cpu?: Figure; count?: number; line: number }>();
  let capacity: KeyValue | undefined;
  let budgetMemory: Figure | undefined;
  let budgetCpu: Figure | undefined;
  let budgetLine: number | undefined;
  let servicesRunning: KeyValue | undefined;
  const triggers: { memory?: Figure; unhealthy?: Figure; latency?: Figure; errorRate?: Figure } = {};
  let triggersLine: number | undefined;
  let resourceUsageAssumed = false;
  let title: Heading | undefined;
  let subtitle: Heading | undefined;
  let subtitleCandidate: Heading | undefined;

  const stack: Section[] = [];
  const root: Section = { level: 0, kind: "other", heading: { level: 0, text: "(before the first heading)", line: 1, column: 1 }, unused: [] };
  stack.push(root);
  const current = (): Section => stack[stack.length - 1] ?? root;

  /** The innermost section that means something: unknown sub-headings inherit their parent's role. */
  const context = (): Section => {
    for (let i = stack.length - 1; i >= 0; i--) {
      const s = stack[i];
      if (s && s.kind !== "other") return s;
    }
    return current();
  };
  const enclosingPhase = (): PhaseAcc | undefined => {
    for (let i = stack.length - 1; i >= 0; i--) if (stack[i]?.phase) return stack[i]?.phase;
    return undefined;
  };
  const enclosingBatch = (): BatchAcc | undefined => {
    for (let i = stack.length - 1; i >= 0; i--) {
      const s = stack[i];
      if (s?.kind === "phase") return undefined;
      if (s?.batch) return s.batch;
    }
    return undefined;
  };

  const closeSection = (section: Section): void => {
    if (section.unused.length === 0) return;
    // Report runs of unused lines (blank lines between them do not break a run).
    const runs: [number, number][] = [];
    for (const line of section.unused) {
      const last = runs[runs.length - 1];
      if (last && lines.slice(last[1], line - 1).every((l) => isBlankOrRule(l))) last[1] = line;
      else runs.push([line, line]);
    }
    const label = section === root ? "text before the first heading" : `section "${section.heading.text}"`;
    if (section.kind === "other") {
      const first = runs[0];
      const lastRun = runs[runs.length - 1];
      if (first && lastRun) note(first[0], "ignored", `${label}: ${section.unused.length} line(s) not interpreted`, lastRun[1]);
      return;
    }
    for (const [from, to] of runs) {
      const excerpt = cleanText(lines[from - 1] ?? "").slice(0, 60);
      note(from, "ignored", `${label}: "${excerpt}"${to > from ? " …" : ""} not interpreted`, to);
    }
  };

  const readServiceTable = (table: Table, target: { name: string; row: TableRow }[] | undefined): void => {
    const columns = table.header.map((c) => c.text.toLowerCase());
    const col = (test: (c: string) => boolean): number => columns.findIndex(test);
    const iName = col(isServiceColumn);
    const iMemory = col((c) => /^(memory|mem|ram)\b/.test(c));
    const iCpu = col((c) => /^(cpu|cpus|vcpu|cores?)\b/.test(c));
    const iPort = col((c) => /^(port|ports|container port)\b/.test(c));
    const iDeps = col((c) => /^(dependencies|depends on|dependson|deps|requires|needs)\b/.test(c));
    const iValidation = col((c) => /^(validation|validate|health ?check|check|readiness)\b/.test(c));
    const used = new Set([iName, iMemory, iCpu, iPort, iDeps, iValidation]);
    const extra = table.header.filter((_, i) => !used.has(i) && table.header[i]?.text !== "");
    if (extra.length > 0) {
      note(table.line, "ignored", `table column(s) ${extra.map((c) => `"${c.text}"`).join(", ")} not interpreted`, table.endLine);
    }
    for (const row of table.rows) {
      const cell = (i: number) => (i >= 0 ? row.cells[i] : undefined);
      const nameCell = cell(iName);
      const name = nameCell?.text ?? "";
      if (row.cells.length !== table.header.length && row.cells.length < Math.max(iName, iMemory) + 1) {
        note(row.line, "unreadable", `table row has ${row.cells.length} cell(s) where the header has ${table.header.length} — row not read`);
        continue;
      }
      // Kubernetes Service names are DNS-1035 labels: they start with a letter.
      if (!/^[A-Za-z][A-Za-z0-9._-]*$/.test(name)) {
        note(row.line, "unreadable", `table row: "${name}" is not a service name — row not read`);
        continue;
      }
      if (row.cells.length !== table.header.length) {
        note(row.line, "unreadable", `table row has ${row.cells.length} cell(s) where the header has ${table.header.length}; read by position`);
      }
      const service: RawService = {};
      const problems: string[] = [];
      const memCell = cell(iMemory);
      if (memCell) {
        const memory = parseMemory(memCell.text);
        if (memory !== undefined) service.memory = memory;
        else problems.push(`memory "${memCell.text}"`);
      }
      const cpuCell = cell(iCpu);
      if (cpuCell) {
        const cpu = parseCpu(cpuCell.text);
        if (cpu !== undefined) service.cpu = cpu;
        else problems.push(`CPU "${cpuCell.text}"`);
      }
      const portCell = cell(iPort);
      if (portCell) {
        const port = parsePort(portCell.text);
        if (typeof port === "number") service.port = port;
        else if (port === undefined) problems.push(`port "${portCell.text}"`);
      }
      const depsCell = cell(iDeps);
      if (depsCell) {
        const deps = parseDependencies(depsCell.text);
        if (deps.names.length > 0) service.dependsOn = deps.names;
        for (const bad of deps.unreadable) problems.push(`dependency "${bad}"`);
      }
      const validationCell = cell(iValidation);
      if (validationCell) {
        const validate = parseValidation(validationCell.text);
        if (validate !== undefined) service.validate = validate;
        // "Health check endpoints" names no path: the /healthz is ours, and the author should know.
        if (typeof validate === "object" && !validationCell.text.includes(validate.http)) {
          note(row.line, "assumed", `${name}: "${validationCell.text}" read as an HTTP check of ${validate.http} — the document names no path; write the one the service serves if it differs`);
        }
        else if (!/^(|-|none|n\/?a)$/i.test(validationCell.text)) problems.push(`validation "${validationCell.text}"`);
      } else if (iValidation < 0) {
        const inferred = inferValidationFromName(name);
        if (inferred !== undefined) service.validate = inferred;
      }
      if (problems.length > 0) note(row.line, "unreadable", `${name}: could not read ${problems.join(", ")} — left out`);

      const existing = services.get(name);
      if (existing) {
        note(row.line, "conflict", `${name} is listed again (first at line ${existing.row.line}); the figures of line ${existing.row.line} are kept`);
      } else {
        services.set(name, { service, row });
        const base: PlanPath = ["services", name];
        at(base, row.line, nameCell?.column ?? 1);
        const fields: [keyof RawService, number][] = [["memory", iMemory], ["cpu", iCpu], ["port", iPort], ["dependsOn", iDeps], ["validate", iValidation]];
        for (const [field, index] of fields) {
          const c = cell(index);
          if (c) at([...base, field], row.line, c.column);
        }
        const depsColumn = cell(iDeps)?.column;
        service.dependsOn?.forEach((_, k) => at([...base, "dependsOn", k], row.line, depsColumn ?? 1));
      }
      if (target) target.push({ name, row });
      else if (!unplacedServices.includes(name)) {
        unplacedServices.push(name);
        note(row.line, "assumed", `${name} is listed outside any phase section; it is defined but no phase deploys it`);
      }
    }
  };

  const readTotalsTable = (table: Table, section: Section): void => {
    const columns = table.header.map((c) => c.text.toLowerCase());
    const iPhase = columns.findIndex((c) => /^(phase|stage)\b/.test(c));
    const iMemory = columns.findIndex((c) => /^(memory|mem|ram)\b/.test(c));
    const iCpu = columns.findIndex((c) => /^(cpu|cpus|vcpu|cores?)\b/.test(c));
    const iCount = columns.findIndex((c) => /^(services|count|#)$/.test(c));
    const used = new Set([iPhase, iMemory, iCpu, iCount]);
    const extra = table.header.filter((_, i) => !used.has(i));
    if (extra.length > 0) note(table.line, "ignored", `table column(s) ${extra.map((c) => `"${c.text}"`).join(", ")} not interpreted`, table.endLine);
    for (const row of table.rows) {
      const phaseText = row.cells[iPhase]?.text ?? "";
      const m = /(\d+)/.exec(phaseText);
      if (!m) {
        note(row.line, "ignored", `${section.heading.text}: row "${phaseText}" names no phase — not interpreted`);
        continue;
      }
      const entry: { memory?: Figure; cpu?: Figure; count?: number; line: number } = { line: row.line };
      const memCell = row.cells[iMemory];
      const cpuCell = row.cells[iCpu];
      const memory = memCell ? parseMemory(memCell.text) : undefined;
      const cpu = cpuCell ? parseCpu(cpuCell.text) : undefined;
      if (memCell && memory !== undefined) entry.memory = { text: memory, line: row.line, column: memCell.column };
      if (cpuCell && cpu !== undefined) entry.cpu = { text: cpu, line: row.line, column: cpuCell.column };
      const countText = row.cells[iCount]?.text;
      if (countText !== undefined && /^\d+$/.test(countText)) entry.count = Number(countText);
      if ((memCell && memory === undefined) || (cpuCell && cpu === undefined)) {
        note(row.line, "unreadable", `${phaseText}: could not read the totals "${memCell?.text ?? ""}", "${cpuCell?.text ?? ""}"`);
      }
      totalsByPhase.set(Number(m[1]), entry);
    }
  };

  const readGateText = (what: string, kv: KeyValue): GateSource => {
    const source: GateSource = { what, line: kv.line };
    const unread: string[] = [];
    let offset = 0;
    for (const rawPart of kv.value.split(/\s*[,;]\s*|\s+and\s+(?=all\b|every\b|\d|<|>|memory|cpu)/i)) {
      const part = rawPart.trim();
      const index = kv.value.indexOf(part, offset);
      offset = index >= 0 ? index + part.length : offset;
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
        if (!resourceUsageAssumed) {
          resourceUsageAssumed = true;
          note(kv.line, "assumed", `"${part}" read as a memory threshold (the document's usage targets are memory percentages)`);
        }
      } else if (part !== "") {
        unread.push(part);
      }
    }
    if (unread.length > 0) note(kv.line, "unreadable", `${kv.key}: ${unread.map((u) => `"${u}"`).join(", ")} not interpreted`);
    return source;
  };

  const readDeclared = (kv: KeyValue): { memory?: Figure; cpu?: Figure; line: number } => {
    const declared: { memory?: Figure; cpu?: Figure; line: number } = { line: kv.line };
    const unread: string[] = [];
    let offset = 0;
    for (const rawPart of kv.value.split(/\s*[,;+]\s*|\s+and\s+/)) {
      const part = rawPart.trim();
      const index = kv.value.indexOf(part, offset);
      offset = index >= 0 ? index + part.length : offset;
      const column = kv.column + Math.max(index, 0);
      const withoutWord = part.replace(/\s*\b(memory|ram|mem)\b\s*/i, "").trim();
      const isCpu = /\b(cpu|cores?|vcpus?|millicores?)\b/i.test(part) || /^\d+(\.\d+)?m$/.test(part);
      const memory = !isCpu ? parseMemory(withoutWord) : undefined;
      const cpu = isCpu ? parseCpu(part.replace(/\s*\bcpu\b\s*$/i, "").trim()) ?? parseCpu(part) : undefined;
      if (memory !== undefined && !declared.memory) declared.memory = { text: memory, line: kv.line, column };
      else if (cpu !== undefined && !declared.cpu) declared.cpu = { text: cpu, line: kv.line, column };
      else if (part !== "") unread.push(part);
    }
    if (unread.length > 0) note(kv.line, "unreadable", `${kv.key}: ${unread.map((u) => `"${u}"`).join(", ")} not interpreted`);
    return declared;
  };

  const readTrigger = (key: string, value: string, line: number, column: number): boolean => {
    const text = `${key} ${value}`.toLowerCase();
    const percent = findPercent(value);
    const figure = (t: string): Figure => ({ text: t, line, column });
    let field: keyof typeof triggers | undefined;
    let figureText: string | undefined;
    if (percent && /unhealthy|fail|not ready|down|crash/.test(text)) [field, figureText] = ["unhealthy", percent];
    else if (percent && /error/.test(text)) [field, figureText] = ["errorRate", percent];
    else if (percent && /memory|mem\b|ram|resource/.test(text)) [field, figureText] = ["memory", percent];
    else if (/latency|response|performance|p9\d/.test(text) && findLatency(value)) [field, figureText] = ["latency", findLatency(value)];
    if (!field || figureText === undefined) return false;
    if (triggers[field] && triggers[field]?.text !== figureText) {
      note(line, "conflict", `rollback trigger ${field} ${figureText} differs from ${triggers[field]?.text} (line ${triggers[field]?.line}); the first is kept`);
      return true;
    }
    triggers[field] ??= figure(figureText);
    triggersLine ??= line;
    return true;
  };

  const readCapacity = (kv: KeyValue): void => {
    if (capacity) {
      note(kv.line, "conflict", `${kv.key}: ${kv.value} — capacity already read at line ${capacity.line}; this one is not used`);
      return;
    }
    capacity = kv;
  };

  // ------------------------------------------------------------------------------------------
  // walk the document

  let i = 0;
  while (i < lines.length) {
    const raw = lines[i] ?? "";
    const lineNumber = i + 1;

    const heading = readHeading(raw, lineNumber);
    if (heading) {
      while (stack.length > 1 && (current().level >= heading.level)) {
        const closed = stack.pop();
        if (closed) closeSection(closed);
      }
      // A subtitle is an H2 right under the title with nothing of its own before the next
      // heading of the same or a higher level (the seed's "Comprehensive Service Deployment Plan").
      if (subtitleCandidate) {
        const emptySection = heading.level <= 2 && lines.slice(subtitleCandidate.line, lineNumber - 1).every(isBlankOrRule);
        if (emptySection) subtitle = subtitleCandidate;
        subtitleCandidate = undefined;
      }
      if (heading.level === 1 && !title) title = heading;
      else if (title && !subtitle && heading.level === 2 && phases.length === 0 && lines.slice(title.line, lineNumber - 1).every(isBlankOrRule)) subtitleCandidate = heading;
      const cls = classifyHeading(heading.text);
      const section: Section = { level: heading.level, kind: cls.kind, heading, unused: [] };
      if (cls.kind === "phase" && cls.number !== undefined) {
        const phaseTitle = `Phase ${cls.number}: ${stripParenthetical(cls.rest ?? "")}`.replace(/:\s*$/, "");
        const phase: PhaseAcc = { number: cls.number, title: phaseTitle, heading, loose: [], batches: [], gates: [] };
        phases.push(phase);
        section.phase = phase;
      } else if (cls.kind === "batch") {
        const phase = enclosingPhase();
        if (phase) {
          const batchTitle = stripParenthetical(cls.rest ?? "");
          const batch: BatchAcc = { label: heading.text, title: batchTitle, heading, services: [] };
          phase.batches.push(batch);
          section.batch = batch;
        } else {
          section.kind = "other";
          note(lineNumber, "ignored", `batch heading "${heading.text}" is outside any phase section`);
        }
      } else if (cls.kind === "execution") {
        section.executionOf = cls.number;
      }
      stack.push(section);
      i++;
      continue;
    }

    const table = readTable(lines, i);
    if (table) {
      const t = table.table;
      const ctx = context();
      // A table with a Phase column is a totals table even when it has a "Services" (count) column.
      const hasMemory = t.header.some((c) => /^(memory|mem|ram)\b/i.test(c.text));
      const isTotals = hasMemory && t.header.some((c) => /^(phase|stage)\b/i.test(c.text));
      const isServices = !isTotals && hasMemory && t.header.some((c) => isServiceColumn(c.text));
      if (isServices) {
        const phase = ctx.kind === "phase" || ctx.kind === "batch" ? enclosingPhase() : undefined;
        const batch = phase ? enclosingBatch() : undefined;
        readServiceTable(t, phase ? (batch ? batch.services : phase.loose) : undefined);
      } else if (isTotals && (ctx.kind === "totals" || ctx.kind === "other")) {
        readTotalsTable(t, ctx);
      } else if (ctx.kind === "other") {
        for (let k = t.line; k <= t.endLine; k++) ctx.unused.push(k);
      } else {
        note(t.line, "ignored", `table "${t.header.map((c) => c.text).join(" | ")}" (${t.rows.length} row(s)) not interpreted`, t.endLine);
      }
      i = table.next;
      continue;
    }

    if (isBlankOrRule(raw)) {
      i++;
      continue;
    }

    const ctx = context();
    const kv = readKeyValue(raw, lineNumber);
    const ignoredKv = (k: KeyValue): void => note(k.line, "ignored", `${k.key}: ${k.value} — not interpreted`);

    if (kv && GLOBAL_CAPACITY_KEY.test(kv.key)) {
      readCapacity(kv);
    } else if (ctx.kind === "phase" || ctx.kind === "batch") {
      const phase = enclosingPhase();
      const key = kv?.key.toLowerCase() ?? "";
      if (!kv || !phase) {
        ctx.unused.push(lineNumber);
      } else if (/^(purpose|description|goal|summary)$/.test(key)) {
        if (phase.description === undefined && ctx.kind === "phase") {
          phase.description = kv.value;
          at(["phases", phases.indexOf(phase), "description"], kv.line, kv.column);
        } else ignoredKv(kv);
      } else if (/^(services|service count|number of services)$/.test(key) && /\d+/.test(kv.value)) {
        phase.countDeclared = { ...kv, count: Number(/\d+/.exec(kv.value)?.[0]) };
      } else if (/^(deployment order|order|deployment mode|mode|execution|strategy)$/.test(key)) {
        phase.order = kv;
        const batches = /(\d+)\s+batch/i.exec(kv.value);
        if (batches) phase.batchesDeclared = Number(batches[1]);
      } else if (/^(total phase \d+ resources|total phase resources|phase total|total resources|totals?|resources total)$/.test(key)) {
        if (phase.declared) note(kv.line, "conflict", `${kv.key}: ${kv.value} — the phase's totals were already read at line ${phase.declared.line}`);
        else phase.declared = readDeclared(kv);
      } else if (/^(expected duration|duration|expected time|eta|estimated duration)$/.test(key)) {
        const expected = parseExpectedDuration(kv.value);
        if (expected !== undefined) phase.expected = { text: expected, line: kv.line, column: kv.column };
        else note(kv.line, "unreadable", `${kv.key}: ${kv.value} — not a duration`);
      } else if (/^(success criteria|validation|gate|exit criteria)$/.test(key)) {
        phase.gates.push(readGateText(`${kv.key} of phase ${phase.number}`, kv));
      } else {
        ignoredKv(kv);
      }
    } else if (ctx.kind === "execution") {
      if (kv && /^(validation|success criteria|gate|exit criteria)$/i.test(kv.key) && ctx.executionOf !== undefined) {
        if (executionByPhase.has(ctx.executionOf)) ignoredKv(kv);
        else executionByPhase.set(ctx.executionOf, readGateText(`${kv.key} of "${ctx.heading.text}"`, kv));
      } else if (kv) ignoredKv(kv);
      else ctx.unused.push(lineNumber);
    } else if (ctx.kind === "criteria") {
      const phaseKey = kv ? /^(?:phase|stage)\s+(\d+)$/i.exec(kv.key) : null;
      if (kv && phaseKey) {
        const n = Number(phaseKey[1]);
        if (criteriaByPhase.has(n)) note(kv.line, "conflict", `${kv.key}: ${kv.value} — phase ${n}'s criteria were already read at line ${criteriaByPhase.get(n)?.line}`);
        else criteriaByPhase.set(n, readGateText(`success criteria of phase ${n}`, kv));
      } else if (kv) ignoredKv(kv);
      else ctx.unused.push(lineNumber);
    } else if (ctx.kind === "rollback") {
      const bullet = /^\s*(?:[-*+]|\d+[.)])\s+(.*)$/.exec(raw);
      const read = kv
        ? readTrigger(kv.key, kv.value, kv.line, kv.column)
        : bullet
          ? readTrigger("", cleanText(bullet[1] ?? ""), lineNumber, raw.indexOf(bullet[1] ?? "") + 1)
          : false;
      if (!read) {
        if (kv) note(kv.line, "unreadable", `rollback trigger "${kv.key}: ${kv.value}" not interpreted`);
        else ctx.unused.push(lineNumber);
      }
    } else if (ctx.kind === "target") {
      const key = kv?.key.toLowerCase() ?? "";
      if (kv && /^(memory|memory usage|memory budget|mem|ram)$/.test(key) && findPercent(kv.value)) {
        budgetMemory = { text: findPercent(kv.value) ?? "", line: kv.line, column: kv.column };
        budgetLine ??= kv.line;
        const soft = /target:?\s*(\d+(?:\.\d+)?\s*%)/i.exec(kv.value);
        if (soft && findPercent(soft[1] ?? "") !== budgetMemory.text) {
          note(kv.line, "assumed", `${kv.key}: the budget is the hard bound ${budgetMemory.text}; the softer goal "target: ${soft[1]}" is not a limit`);
        }
      } else if (kv && /^(cpu|cpu usage|cpu budget)$/.test(key) && findPercent(kv.value)) {
        budgetCpu = { text: findPercent(kv.value) ?? "", line: kv.line, column: kv.column };
        budgetLine ??= kv.line;
      } else if (kv && /^(services running|services|running)$/.test(key) && /^(\d+)\s*\/\s*(\d+)/.test(kv.value)) {
        servicesRunning = kv;
      } else if (kv) ignoredKv(kv);
      else ctx.unused.push(lineNumber);
    } else if (ctx.kind === "totals") {
      if (kv && /^(total resources|total|grand total|overall)$/i.test(kv.key)) {
        note(kv.line, "ignored", `${kv.key}: ${kv.value} — plan-wide total not carried over (the checker sums the services itself)`);
      } else if (kv) ignoredKv(kv);
      else ctx.unused.push(lineNumber);
    } else {
      ctx.unused.push(lineNumber);
    }
    i++;
  }
  while (stack.length > 0) {
    const closed = stack.pop();
    if (closed) closeSection(closed);
  }

  // ------------------------------------------------------------------------------------------
  // assemble the raw plan

  const raw: RawPlan = {};
  at([], 1, 1);

  const fileBase = (file.split(/[\\/]/).pop() ?? "").replace(/\.[^.]*$/, "");
  const nameFromTitle = title ? pickPlanName(title.text) : "";
  const planName = nameFromTitle || slugFromTitle(fileBase) || "plan";
  raw.name = planName;
  if (title) at(["name"], title.line, title.column);
  if (!nameFromTitle) note(title?.line ?? 1, "assumed", `no plan name in the title; named "${planName}" after the file`);
  if (subtitle) {
    raw.description = subtitle.text;
    at(["description"], subtitle.line, subtitle.column);
  }

  // cluster
  if (capacity) {
    const cap = capacity;
    const node: Record<string, unknown> = { count: 1 };
    const countMatch = /(\d+)\s*(?:x\s*)?nodes?\b/i.exec(cap.value);
    const perNode = /\b(each|per node|apiece)\b/i.test(cap.value);
    let rest = cap.value;
    if (countMatch) {
      rest = rest.replace(countMatch[0], "");
      if (perNode) node.count = Number(countMatch[1]);
      else note(cap.line, "assumed", `${cap.key}: "${countMatch[0]}" without "each" — figures read as one node's capacity`);
    }
    const figures = readDeclared({ ...cap, value: rest.replace(/\b(each|per node|apiece)\b/gi, "").trim() });
    if (figures.memory) node.memory = figures.memory.text;
    if (figures.cpu) node.cpu = figures.cpu.text;
    raw.cluster = { nodes: [node], reserved: { memory: 0, cpu: 0 } };
    at(["cluster"], cap.line, cap.column);
    at(["cluster", "nodes", 0], cap.line, cap.column);
    if (figures.memory) at(["cluster", "nodes", 0, "memory"], cap.line, figures.memory.column);
    if (figures.cpu) at(["cluster", "nodes", 0, "cpu"], cap.line, figures.cpu.column);
    note(cap.line, "assumed", `${cap.key}: the document names no reserved resources; reserved set to 0 (allocatable = capacity)`);
  } else {
    note(1, "unreadable", "no \"Cluster Capacity\" line found; the plan has no cluster section");
  }

  // budget
  if (budgetMemory || budgetCpu) {
    const budget: Record<string, string> = {};
    if (budgetMemory) {
      budget.memory = budgetMemory.text;
      at(["budget", "memory"], budgetMemory.line, budgetMemory.column);
    }
    if (budgetCpu) {
      budget.cpu = budgetCpu.text;
      at(["budget", "cpu"], budgetCpu.line, budgetCpu.column);
    }
    raw.budget = budget;
    at(["budget"], budgetLine ?? 1);
  }

  // rollback
  const triggerFields = ["memory", "unhealthy", "latency", "errorRate"] as const;
  if (triggerFields.some((f) => triggers[f])) {
    const rollback: Record<string, string> = {};
    for (const f of triggerFields) {
      const t = triggers[f];
      if (t) {
        rollback[f] = t.text;
        at(["rollback", f], t.line, t.column);
      }
    }
    raw.rollback = rollback;
    at(["rollback"], triggersLine ?? 1);
  } else {
    note(1, "unreadable", "no rollback triggers found; the plan has no rollback section");
  }

  // phases
  const phaseNames = new Set<string>();
  const rawPhases: Record<string, unknown>[] = [];
  let deployedSoFar = 0;
  let previousNumber = 0;
  phases.forEach((phase, index) => {
    const p: PlanPath = ["phases", index];
    if (phase.number <= previousNumber) note(phase.heading.line, "conflict", `"${phase.heading.text}" is numbered ${phase.number} after phase ${previousNumber}; document order is kept`);
    previousNumber = phase.number;
    const name = uniqueName(slugFromTitle(phase.title.replace(/^phase\s+\d+:?\s*/i, "")) || `phase-${phase.number}`, phaseNames);
    const out: Record<string, unknown> = { name, title: phase.title };
    at(p, phase.heading.line, phase.heading.column);
    at([...p, "name"], phase.heading.line, phase.heading.column);
    at([...p, "title"], phase.heading.line, phase.heading.column);
    if (phase.description !== undefined) out.description = phase.description;

    const batches = phase.batches;
    if (phase.loose.length > 0 && batches.length > 0) {
      note(phase.loose[0]?.row.line ?? phase.heading.line, "assumed", `${phase.title}: a service table outside the batch sections is deployed as a first batch`);
    }
    const allServices = [...phase.loose, ...batches.flatMap((b) => b.services)];
    const orderText = phase.order?.value.toLowerCase() ?? "";
    let sequential: boolean;
    if (/sequential|one (at a time|by one|after another)|serial|in order/.test(orderText)) sequential = true;
    else if (/parallel|concurrent|simultaneous|together|at once/.test(orderText)) sequential = false;
    else {
      sequential = batches.length === 0;
      note(phase.order?.line ?? phase.heading.line, "assumed", `${phase.title}: no readable deployment order; deployed ${sequential ? "one service at a time" : "batch by batch"}`);
    }
    if (phase.order) at([...p, sequential ? "sequential" : "batches"], phase.order.line, phase.order.column);

    if (sequential) {
      if (batches.length > 0) note(phase.order?.line ?? phase.heading.line, "assumed", `${phase.title}: sequential order given, so its ${batches.length} batch(es) are flattened into one service at a time`);
      out.sequential = true;
      out.services = allServices.map((s) => s.name);
      allServices.forEach((s, k) => at([...p, "services", k], s.row.line, s.row.cells[0]?.column ?? 1));
    } else if (batches.length === 0) {
      out.services = allServices.map((s) => s.name);
      allServices.forEach((s, k) => at([...p, "services", k], s.row.line, s.row.cells[0]?.column ?? 1));
    } else {
      const groups: { name: string; line: number; column: number; services: { name: string; row: TableRow }[] }[] = [];
      const batchNames = new Set<string>();
      if (phase.loose.length > 0) groups.push({ name: uniqueName(`${name}-0`, batchNames), line: phase.loose[0]?.row.line ?? 1, column: 1, services: phase.loose });
      batches.forEach((b, k) => {
        groups.push({ name: uniqueName(slugFromTitle(b.title) || `${name}-${k + 1}`, batchNames), line: b.heading.line, column: b.heading.column, services: b.services });
        if (b.services.length === 0) note(b.heading.line, "unreadable", `${b.label}: no service table under this batch`);
      });
      out.batches = groups.map((g) => ({ name: g.name, services: g.services.map((s) => s.name) }));
      groups.forEach((g, k) => {
        at([...p, "batches", k], g.line, g.column);
        at([...p, "batches", k, "name"], g.line, g.column);
        g.services.forEach((s, j) => at([...p, "batches", k, "services", j], s.row.line, s.row.cells[0]?.column ?? 1));
      });
      if (phase.batchesDeclared !== undefined && phase.batchesDeclared !== batches.length) {
        note(phase.order?.line ?? phase.heading.line, "conflict", `${phase.title}: "${phase.order?.value}" but ${batches.length} batch section(s) follow`);
      }
    }
    if (allServices.length === 0) note(phase.heading.line, "unreadable", `${phase.title}: no service table found in this phase`);
    if (phase.countDeclared && phase.countDeclared.count !== allServices.length) {
      note(phase.countDeclared.line, "conflict", `${phase.title}: "${phase.countDeclared.value}" but its tables list ${allServices.length} service(s)`);
    }
    deployedSoFar += allServices.length;

    // gate: the Success Criteria section, then the execution "Validation:" line, then the
    // phase's own "Success Criteria:" line; the first source of each figure wins, and
    // disagreements are reported.
    const sources = [criteriaByPhase.get(phase.number), executionByPhase.get(phase.number), ...phase.gates].filter(
      (s): s is GateSource => s !== undefined,
    );
    criteriaByPhase.delete(phase.number);
    executionByPhase.delete(phase.number);
    if (sources.length > 0) {
      const gate: Record<string, string> = {};
      for (const field of ["memory", "cpu", "healthy"] as const) {
        const first = sources.find((s) => s[field]);
        const chosen = first?.[field];
        if (!first || !chosen) continue;
        gate[field] = chosen.value;
        at([...p, "gate", field], chosen.line, chosen.column);
        for (const other of sources) {
          const v = other[field];
          if (v && v.value !== chosen.value) {
            note(other.line, "conflict", `${other.what}: ${field} ${v.value} differs from ${chosen.value} (${first.what}, line ${first.line}); ${chosen.value} is used`);
          }
        }
      }
      for (const s of sources) {
        if (s.count !== undefined && s.count !== allServices.length && s.count !== deployedSoFar) {
          note(s.line, "conflict", `${s.what}: "all ${s.count} services" but phase ${phase.number} has ${allServices.length} and ${deployedSoFar} are deployed by its end`);
        }
      }
      if (Object.keys(gate).length > 0) {
        out.gate = gate;
        const firstSource = sources[0];
        if (firstSource) at([...p, "gate"], firstSource.line);
      }
    }

    // declared totals: the phase's own "Total Phase N Resources" line, else the totals table.
    const fromTable = totalsByPhase.get(phase.number);
    totalsByPhase.delete(phase.number);
    const declared: Record<string, string> = {};
    for (const field of ["memory", "cpu"] as const) {
      const own = phase.declared?.[field];
      const table = fromTable?.[field];
      const chosen = own ?? table;
      if (!chosen) continue;
      declared[field] = chosen.text;
      at([...p, "declared", field], chosen.line, chosen.column);
      if (own && table && own.text !== table.text) {
        note(table.line, "conflict", `${phase.title}: the totals table gives ${field} ${table.text}, the phase section ${own.text} (line ${own.line}); ${own.text} is used`);
      }
    }
    if (fromTable?.count !== undefined && fromTable.count !== allServices.length) {
      note(fromTable.line, "conflict", `${phase.title}: the totals table counts ${fromTable.count} service(s), the phase lists ${allServices.length}`);
    }
    if (Object.keys(declared).length > 0) {
      out.declared = declared;
      at([...p, "declared"], phase.declared?.line ?? fromTable?.line ?? phase.heading.line);
    }
    if (phase.expected) {
      out.expected = phase.expected.text;
      at([...p, "expected"], phase.expected.line, phase.expected.column);
    }
    rawPhases.push(out);
  });
  for (const [n, s] of [...criteriaByPhase, ...executionByPhase]) note(s.line, "unreadable", `${s.what}: there is no phase ${n}`);
  for (const [n, t] of totalsByPhase) note(t.line, "unreadable", `totals table: there is no phase ${n}`);
  if (phases.length === 0) note(1, "unreadable", "no \"Phase N: ...\" sections found");
  raw.phases = rawPhases;
  if (phases[0]) at(["phases"], phases[0].heading.line, phases[0].heading.column);

  // services, in the order of the document
  // fromEntries defines own properties: assigning rawServices["__proto__"] would set the prototype.
  raw.services = Object.fromEntries([...services].map(([name, { service }]) => [name, service]));
  const firstService = services.values().next().value;
  if (firstService) at(["services"], firstService.row.line);
  if (servicesRunning) {
    const m = /^(\d+)\s*\/\s*(\d+)/.exec(servicesRunning.value);
    const total = Number(m?.[2]);
    if (total !== services.size) note(servicesRunning.line, "conflict", `${servicesRunning.key}: ${servicesRunning.value} but the tables list ${services.size} service(s)`);
  }

  notes.sort((a, b) => a.line - b.line);
  const locate = (path: PlanPath): LineColumn => {
    for (let n = path.length; n >= 0; n--) {
      const hit = where.get(pathKey(path.slice(0, n)));
      if (hit) return { ...hit };
    }
    return { line: 1, column: 1 };
  };
  const yaml = emitYaml(raw, { file, locate, notes: notes.map(formatNote) });
  return { raw, locate, notes, yaml };
}

/** Keys of the location map: numbers and numeric strings address the same array element. */
function pathKey(path: PlanPath): string {
  return path.map((s) => String(s)).join("\u0000");
}

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
