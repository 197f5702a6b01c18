/**
 * A total the author wrote next to a phase ("Total Phase 2 Resources: 1.15Gi Memory, 600m CPU")
 * against the sum of the phase's rows (requests × replicas). The written figure is trusted only
 * to the precision it was written with: "1.15Gi" has two decimals of Gi, so anything within
 * ±0.005Gi matches; "3Gi" allows ±0.5Gi; "1.45" cores allows ±5m. Compared exactly in BigInt.
 */
import type { Plan } from "../plan/model.js";
import { totalsOf } from "./shared-analysis.js";
import type { Finding } from "./finding.js";
import { cpu, cpuQuantity, makeFinding, memory, memoryQuantity, setField } from "./describe.js";

interface WrittenFigure {
  /** Digits without the decimal point. */
  mantissa: bigint;
  decimals: number;
  /** Size of one written unit in base units (bytes or millicores), as a fraction. */
  unitNumerator: bigint;
  unitDenominator: bigint;
  unitText: string;
}

const BINARY: Record<string, bigint> = { Ki: 1n << 10n, Mi: 1n << 20n, Gi: 1n << 30n, Ti: 1n << 40n, Pi: 1n << 50n, Ei: 1n << 60n };
const DECIMAL_EXPONENT: Record<string, number> = { n: -9, u: -6, m: -3, "": 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

/**
 * Reads how a figure was written: "1.15Gi", "3Gi", "768Mi", "1.45", "1.45 cores", "600m", "1e3".
 * `base` is the exponent of the base unit: 0 for bytes, −3 for millicores. Returns undefined for
 * anything else (then only an exact comparison is possible).
 */
export function readWrittenPrecision(text: string, kind: "memory" | "cpu"): WrittenFigure | undefined {
  const match = /^\s*\+?(\d[\d,]*|)(?:\.(\d*))?\s*([A-Za-z]*(?:[+-]?\d+)?)\s*(?:memory|cpus?|cores?|cpu cores?)?\s*$/i.exec(text);
  if (!match) return undefined;
  const integer = (match[1] ?? "").replace(/,/g, "");
  const fraction = match[2] ?? "";
  if (integer === "" && fraction === "") return undefined;
  let suffix = match[3] ?? "";
  if (kind === "cpu" && /^(cores?|cpus?)$/i.test(suffix)) suffix = "";
  const mantissa = BigInt(`${integer}${fraction}` || "0");
  const decimals = fraction.length;
  const base = kind === "memory" ? 0 : -3;
  if (suffix in BINARY) {
    // Base unit exponent for binary suffixes: bytes only (a "Gi" of CPU is not a thing people write).
    if (kind !== "memory") return undefined;
    return { mantissa, decimals, unitNumerator: BINARY[suffix]!, unitDenominator: 1n, unitText: suffix };
  }
  let exponent: number | undefined = DECIMAL_EXPONENT[suffix];
  const scientific = /^[eE]([+-]?\d+)$/.exec(suffix);
  if (scientific) exponent = Number(scientific[1]);
  if (exponent === undefined || Math.abs(exponent) > 30) return undefined;
  const shift = exponent - base;
  return shift >= 0
    ? { mantissa, decimals, unitNumerator: 10n ** BigInt(shift), unitDenominator: 1n, unitText: suffix }
    : { mantissa, decimals, unitNumerator: 1n, unitDenominator: 10n ** BigInt(-shift), unitText: suffix };
}

/** Whether `sum` (base units) is within half a unit of the last written digit of the figure. */
export function matchesWrittenFigure(figure: WrittenFigure, sum: number): boolean {
  const scale = 10n ** BigInt(figure.decimals);
  // written = mantissa·num / (scale·den); allowed |written − sum| ≤ num / (2·scale·den)
  const difference = figure.mantissa * figure.unitNumerator - BigInt(sum) * scale * figure.unitDenominator;
  const absolute = difference < 0n ? -difference : difference;
  return 2n * absolute <= figure.unitNumerator;
}

function inWrittenUnit(figure: WrittenFigure, sum: number): string {
  const value = (sum * Number(figure.unitDenominator)) / Number(figure.unitNumerator);
  return `${Number(value.toFixed(Math.max(3, figure.decimals + 1)))}${figure.unitText}`;
}

function tolerance(figure: WrittenFigure): string {
  return figure.decimals === 0 ? `±0.5${figure.unitText}` : `±0.${"0".repeat(figure.decimals)}5${figure.unitText}`;
}

export function checkDeclaredTotals(plan: Plan): Finding[] {
  const totals = totalsOf(plan);
  const findings: Finding[] = [];
  plan.phases.forEach((phase, i) => {
    const declared = phase.declared;
    if (!declared) return;
    const phaseTotals = totals.phases[i]!;
    const services = phaseTotals.batches.flatMap((b) => b.services.map((s) => s.name));
    const checks = [
      { key: "memory" as const, value: declared.memory, text: declared.memoryText, sum: phaseTotals.memoryBytes, show: memory, quantity: memoryQuantity },
      { key: "cpu" as const, value: declared.cpu, text: declared.cpuText, sum: phaseTotals.cpuMillis, show: cpu, quantity: cpuQuantity },
    ];
    for (const c of checks) {
      if (c.value === undefined && c.text === undefined) continue;
      const figure = c.text !== undefined ? readWrittenPrecision(c.text, c.key) : undefined;
      const matches = figure ? matchesWrittenFigure(figure, c.sum) : c.value === c.sum;
      if (matches) continue;
      const written = c.text ?? c.show(c.value ?? 0);
      const rounding = figure ? ` (as written, it allows ${tolerance(figure)} for rounding)` : "";
      const alsoAs = figure && figure.unitText !== "" && c.show(c.sum) !== inWrittenUnit(figure, c.sum) ? ` = ${inWrittenUnit(figure, c.sum)}` : "";
      // The advice is a quantity the plan reads back (1152Mi, not the report's "1,152Mi").
      const exact = c.quantity(c.sum);
      const edit = setField(["phases", i, "declared", c.key], exact);
      findings.push(
        makeFinding("declared-total-mismatch", {
          message:
            `${phase.name} declares ${written} ${c.key === "cpu" ? "CPU" : "memory"}${rounding}, but its services request ${c.show(c.sum)}${alsoAs}; ` +
            `write ${edit.text}, or correct the rows that are wrong.`,
          services,
          location: declared.location,
          phase: phase.name,
          fix: { description: `declare the phase's ${c.key === "cpu" ? "CPU" : "memory"} as its services' sum, ${exact}`, edits: [edit], safe: true },
        }),
      );
    }
  });
  return findings;
}
