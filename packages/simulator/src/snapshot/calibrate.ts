/**
 * `opdeploy calibrate <plan> --from state.yaml`: the measured `usage` and observed `startup` of a
 * snapshot (snapshot-namespace.ts) written into the plan, every change listed as old → new.
 *
 * - Only what the state file states is copied: a snapshot writes `usage` only when
 *   metrics.k8s.io measured it and `startup` only when pods showed it, so nothing is invented.
 * - Services are matched by the name the deploy gives their workload (kubeName), so a plan's
 *   `Auth_Service` matches the live `auth-service`.
 * - The plan is edited through the yaml package's Document API: comments, order, flow or block
 *   style and every other field stay as the author wrote them; only the changed scalars (or a
 *   new `usage`/`startup` entry) differ. The result is read back with the plan reader before
 *   it is returned, so calibrate never writes a plan `check` cannot load.
 */
import type { Plan, Service } from "@openpolicy/core";
import { detectPlanFormat, parsePlanText, quantityFromBytes, quantityFromMillis } from "@openpolicy/core";
import { isMap, parseDocument, type Document } from "yaml";
import { kubeName } from "../cluster/kubernetes/render-workload.js";

export interface CalibrationChange {
  service: string;
  field: "usage.memory" | "usage.cpu" | "startup";
  /** As the plan had it ("90Mi"), or how the default reads ("10s (default)", "unset"). */
  old: string;
  new: string;
}

export interface Calibration {
  /** The plan's new text (the input's when nothing changed). */
  text: string;
  plan: Plan;
  changes: CalibrationChange[];
  /** Services of the plan the state says nothing about (not running, or not measured). */
  unmeasured: string[];
  /** Workloads of the state the plan has no service for. */
  unknown: string[];
}

type Measured = { memory?: number; cpu?: number; startup?: number };

/** What the state file states per workload name: only the fields written in it. */
function statedMeasurements(stateText: string, stateFile: string): Map<string, Measured> {
  const state = parsePlanText(stateText, stateFile);
  const raw = parseDocument(stateText);
  const out = new Map<string, Measured>();
  for (const service of state.services.values()) {
    const has = (...path: string[]) => raw.hasIn(["services", service.name, ...path]);
    const m: Measured = {};
    if (has("usage", "memory")) m.memory = service.usage.memory;
    if (has("usage", "cpu")) m.cpu = service.usage.cpu;
    if (has("startup")) m.startup = service.startupSeconds;
    out.set(kubeName(service.name), m);
  }
  return out;
}

const memoryText = (bytes: number) => quantityFromBytes(bytes).toString();
const cpuText = (millis: number) => quantityFromMillis(millis).toString();

export function calibratePlan(planText: string, planFile: string, stateText: string, stateFile: string): Calibration {
  if (detectPlanFormat(planText) !== "yaml") throw new Error(`${planFile}: calibrate edits YAML plans; this one is JSON`);
  const plan = parsePlanText(planText, planFile);
  const measured = statedMeasurements(stateText, stateFile);
  const doc = parseDocument(planText);
  const changes: CalibrationChange[] = [];
  const unmeasured: string[] = [];
  const matched = new Set<string>();
  for (const service of plan.services.values()) {
    const m = measured.get(kubeName(service.name));
    if (!m || Object.keys(m).length === 0) {
      unmeasured.push(service.name);
      if (m) matched.add(kubeName(service.name));
      continue;
    }
    matched.add(kubeName(service.name));
    changes.push(...calibrateService(doc, service, m));
  }
  const unknown = [...measured.keys()].filter((name) => !matched.has(name));
  const text = changes.length === 0 ? planText : doc.toString({ lineWidth: 0, flowCollectionPadding: false });
  return { text, plan: parsePlanText(text, planFile), changes, unmeasured, unknown };
}

function calibrateService(doc: Document, service: Service, m: Measured): CalibrationChange[] {
  const changes: CalibrationChange[] = [];
  const path = ["services", service.name];
  const written = (...field: string[]) => {
    const value = doc.getIn([...path, ...field]);
    return value === undefined || value === null ? undefined : String(value);
  };
  const usage: Record<string, string> = {};
  if (m.memory !== undefined && !(service.usageGiven && written("usage", "memory") !== undefined && service.usage.memory === m.memory)) {
    usage.memory = memoryText(m.memory);
    changes.push({ service: service.name, field: "usage.memory", old: written("usage", "memory") ?? "unset", new: usage.memory });
  }
  if (m.cpu !== undefined && !(service.usageGiven && written("usage", "cpu") !== undefined && service.usage.cpu === m.cpu)) {
    usage.cpu = cpuText(m.cpu);
    changes.push({ service: service.name, field: "usage.cpu", old: written("usage", "cpu") ?? "unset", new: usage.cpu });
  }
  if (Object.keys(usage).length > 0) {
    // An existing usage map keeps its style and comments; a new one is written in flow style.
    if (isMap(doc.getIn([...path, "usage"], true))) for (const [k, v] of Object.entries(usage)) doc.setIn([...path, "usage", k], v);
    else doc.setIn([...path, "usage"], doc.createNode(usage, { flow: true }));
  }
  if (m.startup !== undefined && m.startup !== service.startupSeconds) {
    const value = `${m.startup}s`;
    changes.push({ service: service.name, field: "startup", old: written("startup") ?? `${service.startupSeconds}s (default)`, new: value });
    doc.setIn([...path, "startup"], value);
  } else if (m.startup !== undefined && written("startup") === undefined) {
    // Same as the default: say it explicitly, it is now a measurement, not a guess.
    changes.push({ service: service.name, field: "startup", old: `${service.startupSeconds}s (default)`, new: `${m.startup}s` });
    doc.setIn([...path, "startup"], `${m.startup}s`);
  }
  return changes;
}
