/**
 * The first stage of the import: one pass over the document, line by line, collecting headings
 * (title, phases, batches), tables and key/value lines into a {@link Collected}. Nothing is
 * decided here that needs a later part of the document; the assembly does that.
 */
import { isBlankOrRule, readHeading, readTable, type Heading, type Table } from "./blocks.js";
import { isServiceColumn } from "./detect.js";
import { emptyCollection, type Collected, type CollectedBatch, type CollectedPhase } from "./import-model.js";
import type { ImportRecord } from "./import-record.js";
import { readContentLine } from "./read-lines.js";
import { readServiceTable, readTotalsTable } from "./read-tables.js";
import { classifyHeading, noteUnusedLines, SectionStack, stripParenthetical, type Section, type WalkContext } from "./sections.js";

/** The walk's context plus the H2 that may turn out to be the document's subtitle. */
interface Walk extends WalkContext {
  subtitleCandidate?: Heading;
}

/**
 * Tracks the title (the first H1) and the subtitle. A subtitle is an H2 right under the title
 * with nothing of its own before the next heading of the same or a higher level (the seed's
 * "Comprehensive Service Deployment Plan"); an H2 with content is a section, not a subtitle.
 */
function trackTitle(walk: Walk, heading: Heading): void {
  const { found, lines } = walk;
  const candidate = walk.subtitleCandidate;
  if (candidate) {
    const emptySection = heading.level <= 2 && lines.slice(candidate.line, heading.line - 1).every(isBlankOrRule);
    if (emptySection) found.subtitle = candidate;
    delete walk.subtitleCandidate;
  }
  if (heading.level === 1 && !found.title) found.title = heading;
  else if (found.title && !found.subtitle && heading.level === 2 && found.phases.length === 0 && lines.slice(found.title.line, heading.line - 1).every(isBlankOrRule)) {
    walk.subtitleCandidate = heading;
  }
}

/** The section a heading opens; phase and batch headings also start a phase or batch of the plan. */
function openSection(walk: Walk, heading: Heading): Section {
  const cls = classifyHeading(heading.text);
  const section: Section = { level: heading.level, kind: cls.kind, heading, unused: [] };
  if (cls.kind === "phase" && cls.number !== undefined) {
    const phaseTitle = `Phase ${cls.number}: ${stripParenthetical(cls.rest ?? "")}`.replace(/:\s*$/, "");
    const phase: CollectedPhase = { number: cls.number, title: phaseTitle, heading, loose: [], batches: [], gates: [] };
    walk.found.phases.push(phase);
    section.phase = phase;
  } else if (cls.kind === "batch") {
    const phase = walk.sections.enclosingPhase();
    if (phase) {
      const batch: CollectedBatch = { label: heading.text, title: stripParenthetical(cls.rest ?? ""), heading, services: [] };
      phase.batches.push(batch);
      section.batch = batch;
    } else {
      // A batch means nothing without its phase: its lines are read as plain text.
      section.kind = "other";
      walk.record.note(heading.line, "ignored", `batch heading "${heading.text}" is outside any phase section`);
    }
  } else if (cls.kind === "execution" && cls.number !== undefined) {
    section.executionOf = cls.number;
  }
  return section;
}

function enterHeading(walk: Walk, heading: Heading): void {
  walk.sections.closeForHeading(heading.level);
  trackTitle(walk, heading);
  walk.sections.push(openSection(walk, heading));
}

/** Reads a table by what its header holds and the section it is in. */
function readTableInSection(walk: Walk, table: Table): void {
  const section = walk.sections.context();
  // A table with a Phase column is a totals table even when it has a "Services" (count) column.
  const hasMemory = table.header.some((c) => /^(memory|mem|ram)\b/i.test(c.text));
  const isTotals = hasMemory && table.header.some((c) => /^(phase|stage)\b/i.test(c.text));
  const isServices = !isTotals && hasMemory && table.header.some((c) => isServiceColumn(c.text));
  if (isServices) {
    const phase = section.kind === "phase" || section.kind === "batch" ? walk.sections.enclosingPhase() : undefined;
    const batch = phase ? walk.sections.enclosingBatch() : undefined;
    readServiceTable(walk, table, phase ? (batch ? batch.services : phase.loose) : undefined);
  } else if (isTotals && (section.kind === "totals" || section.kind === "other")) {
    readTotalsTable(walk, table, section);
  } else if (section.kind === "other") {
    for (let k = table.line; k <= table.endLine; k++) section.unused.push(k);
  } else {
    walk.record.note(table.line, "ignored", `table "${table.header.map((c) => c.text).join(" | ")}" (${table.rows.length} row(s)) not interpreted`, table.endLine);
  }
}

/** Walks the document's lines and returns what they hold; notes and locations go to `record`. */
export function walkDocument(lines: string[], record: ImportRecord): Collected {
  const sections: SectionStack = new SectionStack((section) => noteUnusedLines(section, section === sections.root, lines, record));
  const walk: Walk = { lines, record, found: emptyCollection(), sections };
  let i = 0;
  while (i < lines.length) {
    const raw = lines[i] ?? "";
    const heading = readHeading(raw, i + 1);
    if (heading) {
      enterHeading(walk, heading);
      i++;
      continue;
    }
    const table = readTable(lines, i);
    if (table) {
      readTableInSection(walk, table.table);
      i = table.next;
      continue;
    }
    if (!isBlankOrRule(raw)) readContentLine(walk, raw, i + 1);
    i++;
  }
  sections.closeAll();
  return walk.found;
}
