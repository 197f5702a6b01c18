/**
 * What the Markdown importer collects while it walks a document, before it builds the raw plan.
 * Walking and assembling are separate stages because a phase's gate, totals and services can be
 * stated in several places, some of them after the phase's own section: nothing is decided until
 * the whole document has been read.
 */
import type { Heading, KeyValue, TableRow } from "./blocks.js";
import type { ImportRecord } from "./import-record.js";
import type { RawValidation } from "./values.js";

/** One service as the YAML input format spells it. */
export interface RawService {
  memory?: string;
  cpu?: string;
  port?: number;
  dependsOn?: string[];
  validate?: RawValidation;
}

/** A figure kept as written, with the place it was written. */
export interface Figure {
  text: string;
  line: number;
  column: number;
}

/** One threshold of a gate, with the place it was written. */
export interface GateField {
  value: string;
  line: number;
  column: number;
}

/** One place in the document that states a phase's gate. */
export interface GateSource {
  what: string;
  line: number;
  memory?: GateField;
  cpu?: GateField;
  healthy?: GateField;
  /** N in "all N services healthy". */
  count?: number;
}

/** A service named in a table row; the row gives the locations and the lines of notes. */
export interface ListedService {
  name: string;
  row: TableRow;
}

/** Totals a document declares for a phase ("Total Phase 1 Resources: 1.15Gi memory, 1.45 CPU"). */
export interface DeclaredTotals {
  memory?: Figure;
  cpu?: Figure;
  line: number;
}

/** A row of the "Total Resource Requirements" table, which may also count the services. */
export interface TableTotals extends DeclaredTotals {
  count?: number;
}

/** A "#### Batch N.M: Name" section inside a phase. */
export interface CollectedBatch {
  label: string;
  title: string;
  heading: Heading;
  services: ListedService[];
}

/** A "### Phase N: Title" section and everything its own lines state. */
export interface CollectedPhase {
  number: number;
  title: string;
  heading: Heading;
  description?: string;
  order?: KeyValue;
  /** N in a "Parallel (N batches)" order line, checked against the batch sections found. */
  batchesDeclared?: number;
  countDeclared?: KeyValue & { count: number };
  /** Services listed in the phase but outside any of its batch sections. */
  loose: ListedService[];
  batches: CollectedBatch[];
  declared?: DeclaredTotals;
  expected?: Figure;
  gates: GateSource[];
}

/** The rollback triggers found, by field of the plan's `rollback` section. */
export interface RollbackTriggers {
  memory?: Figure;
  unhealthy?: Figure;
  latency?: Figure;
  errorRate?: Figure;
}

/** Everything the walk found, in document order. */
export interface Collected {
  title?: Heading;
  subtitle?: Heading;
  phases: CollectedPhase[];
  services: Map<string, { service: RawService; row: TableRow }>;
  /** Services listed outside any phase (noted once each). */
  unplacedServices: string[];
  /** Gates from the "Success Criteria" section, by phase number. */
  criteriaByPhase: Map<number, GateSource>;
  /** Gates from the "Validation:" lines of "Phase N Execution" sections, by phase number. */
  executionByPhase: Map<number, GateSource>;
  totalsByPhase: Map<number, TableTotals>;
  capacity?: KeyValue;
  budgetMemory?: Figure;
  budgetCpu?: Figure;
  budgetLine?: number;
  /** "Services Running: 22/22", checked against the services found. */
  servicesRunning?: KeyValue;
  triggers: RollbackTriggers;
  triggersLine?: number;
  /** "resource usage" read as memory is noted once, not at every gate that says it. */
  resourceUsageAssumed: boolean;
}

/** What every stage of the import reads from and writes to. */
export interface ImportContext {
  lines: string[];
  record: ImportRecord;
  found: Collected;
}

export function emptyCollection(): Collected {
  return {
    phases: [],
    services: new Map(),
    unplacedServices: [],
    criteriaByPhase: new Map(),
    executionByPhase: new Map(),
    totalsByPhase: new Map(),
    triggers: {},
    resourceUsageAssumed: false,
  };
}
