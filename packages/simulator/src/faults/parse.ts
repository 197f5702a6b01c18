import { LineCounter, parseDocument, isSeq, isMap, isScalar } from "yaml";
import type { Node as YamlNode } from "yaml";
import type { Fault } from "./fault.js";
import { FAULT_KINDS } from "./fault.js";

// Checking targets against a plan lives beside parsing; exported from here so the package's
// index needs no new line.
export { faultTargetProblems, validateFaultTargets } from "./validate.js";

/** Thrown for an unusable fault; the message starts with `faults: ` and, for files, `file:line:`. */
export class FaultParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FaultParseError";
  }
}

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
const DECIMAL: Record<string, number> = { "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };

function parseDuration(text: string, what: string): number {
  const m = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(text.trim());
  if (!m) throw new FaultParseError(`${what}: invalid duration ${JSON.stringify(text)} (expected e.g. 120s, 5m)`);
  const n = Number(m[1]);
  const unit = m[2] === "h" ? 3600 : m[2] === "m" ? 60 : 1;
  return n * unit;
}

function parseSize(text: string, what: string): number {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(text.trim());
  if (!m) throw new FaultParseError(`${what}: invalid size ${JSON.stringify(text)} (expected e.g. 10Mi)`);
  const suffix = m[2] ?? "";
  return Math.ceil(Number(m[1]) * (BINARY[suffix] ?? DECIMAL[suffix] ?? 1));
}

function parseRate(text: string, what: string): number {
  const m = /^([^/]+)\/(s|sec|min|m|h)$/.exec(text.trim());
  if (!m) throw new FaultParseError(`${what}: invalid rate ${JSON.stringify(text)} (expected e.g. 10Mi/min)`);
  const per = m[2] === "h" ? 3600 : m[2] === "min" || m[2] === "m" ? 60 : 1;
  return parseSize(m[1]!, what) / per;
}

/** Parses one `--fault` value, e.g. `crash:rabbitmq@300s`. */
export function parseFault(text: string): Fault {
  const what = `faults: ${JSON.stringify(text)}`;
  const first = text.indexOf(":");
  if (first < 0) throw new FaultParseError(`${what}: expected <kind>:<target>, e.g. oom:auth-service`);
  const kind = text.slice(0, first);
  let rest = text.slice(first + 1);
  let at: number | undefined;
  const atIndex = rest.indexOf("@");
  let afterAt = "";
  if (atIndex >= 0) {
    const timeAndMore = rest.slice(atIndex + 1);
    rest = rest.slice(0, atIndex);
    const colon = timeAndMore.indexOf(":");
    at = parseDuration(colon >= 0 ? timeAndMore.slice(0, colon) : timeAndMore, what);
    afterAt = colon >= 0 ? timeAndMore.slice(colon + 1) : "";
  }
  const colon = rest.indexOf(":");
  const target = colon >= 0 ? rest.slice(0, colon) : rest;
  const arg = colon >= 0 ? rest.slice(colon + 1) : afterAt;
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(target)) {
    throw new FaultParseError(`${what}: invalid target ${JSON.stringify(target)} (a service or node name)`);
  }
  const noArg = (): void => {
    if (arg !== "") throw new FaultParseError(`${what}: ${kind} takes no argument`);
  };
  const noTime = (): void => {
    if (at !== undefined) throw new FaultParseError(`${what}: ${kind} takes no @time`);
  };
  switch (kind) {
    case "slow-start":
      noTime();
      if (arg === "") throw new FaultParseError(`${what}: slow-start needs a duration, e.g. slow-start:${target}:120s`);
      return { kind, service: target, seconds: parseDuration(arg, what) };
    case "crash":
      noArg();
      return at === undefined ? { kind, service: target } : { kind, service: target, at };
    case "oom":
    case "unready":
    case "validation-fail":
    case "image-pull":
    case "missing-secret":
      noArg();
      noTime();
      return { kind, service: target };
    case "memory-growth":
      noTime();
      if (arg === "") throw new FaultParseError(`${what}: memory-growth needs a rate, e.g. memory-growth:${target}:10Mi/min`);
      return { kind, service: target, bytesPerSecond: parseRate(arg, what) };
    case "node-restart":
      if (at === undefined) throw new FaultParseError(`${what}: node-restart needs a time, e.g. node-restart:${target}@600s`);
      return { kind, node: target, at, downSeconds: arg === "" ? 30 : parseDuration(arg, what) };
    default:
      throw new FaultParseError(`${what}: unknown fault kind ${JSON.stringify(kind)} (known: ${FAULT_KINDS.join(", ")})`);
  }
}

/**
 * Parses a faults file (YAML or JSON): either a list, or `{ faults: [...] }`. Each entry is a
 * `--fault` string or an object `{ fault: "crash", service: "rabbitmq", at: "300s" }`
 * (keys: fault/kind, service, node, at, duration, rate). Errors name `file:line:column`.
 */
export function parseFaults(text: string, file: string): Fault[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const where = (node: YamlNode | null | undefined): string => {
    const offset = node?.range?.[0] ?? 0;
    const pos = lineCounter.linePos(offset);
    return `${file}:${pos.line}:${pos.col}`;
  };
  if (doc.errors.length > 0) {
    const err = doc.errors[0]!;
    const pos = lineCounter.linePos(err.pos[0]);
    throw new FaultParseError(`faults: ${file}:${pos.line}:${pos.col}: ${err.message.split("\n")[0]}`);
  }
  let list: YamlNode | null = doc.contents as YamlNode | null;
  if (list === null) return [];
  if (isMap(list)) {
    const inner = list.get("faults", true) as YamlNode | undefined;
    if (inner === undefined) throw new FaultParseError(`faults: ${where(list)}: expected a "faults" list`);
    list = inner;
  }
  if (!isSeq(list)) throw new FaultParseError(`faults: ${where(list)}: expected a list of faults`);
  const faults: Fault[] = [];
  for (const item of list.items as YamlNode[]) {
    try {
      if (isScalar(item) && typeof item.value === "string") {
        faults.push(parseFault(item.value));
      } else if (isMap(item)) {
        faults.push(parseFault(faultStringFromObject(item.toJSON() as Record<string, unknown>)));
      } else {
        throw new FaultParseError("faults: expected a fault string or an object with a \"fault\" key");
      }
    } catch (error) {
      if (!(error instanceof FaultParseError)) throw error;
      throw new FaultParseError(`faults: ${where(item)}: ${error.message.replace(/^faults: /, "")}`);
    }
  }
  return faults;
}

function faultStringFromObject(o: Record<string, unknown>): string {
  const kind = o.fault ?? o.kind;
  if (typeof kind !== "string") throw new FaultParseError(`faults: missing "fault" (one of ${FAULT_KINDS.join(", ")})`);
  const target = o.service ?? o.node;
  if (typeof target !== "string") throw new FaultParseError(`faults: ${kind}: missing "service" or "node"`);
  const str = (v: unknown): string => (typeof v === "number" ? `${v}s` : String(v));
  let text = `${kind}:${target}`;
  if (o.at !== undefined) text += `@${str(o.at)}`;
  const arg = o.duration ?? o.rate ?? o.seconds;
  if (arg !== undefined) text += `:${str(arg)}`;
  return text;
}
