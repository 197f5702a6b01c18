/**
 * Human formatting for reports. These are not Kubernetes quantity strings (they carry thousands
 * separators); use Quantity.toString() where Kubernetes must read the text back.
 *
 * formatBytes picks the largest binary unit that shows the amount exactly, but never goes above
 * Gi so that sizes in one report line up and compare at a glance:
 *   8 GiB → "8Gi", 5888 MiB → "5,888Mi", 1.5 GiB → "1,536Mi", 1500 KiB → "1,500Ki", 1000 → "1,000B".
 * Terabyte-scale amounts stay in Gi ("2,048Gi"). A fractional byte count (not produced by the plan
 * model, which is integral) is first rounded up away from zero, as Kubernetes' Value() rounds.
 */

const GI = 1024 ** 3;
const MI = 1024 ** 2;
const KI = 1024;

/** 1234567 → "1,234,567"; works on integers of any sign. */
export function groupThousands(n: number | bigint): string {
  const text = (typeof n === "bigint" ? (n < 0n ? -n : n) : Math.abs(n)).toString();
  const negative = typeof n === "bigint" ? n < 0n : n < 0;
  const grouped = text.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return negative ? `-${grouped}` : grouped;
}

function roundAwayFromZero(n: number): number {
  return n < 0 ? -Math.ceil(-n) : Math.ceil(n);
}

/** Bytes for people: "8Gi", "5,888Mi", "1,500Ki", "1,000B", "0". */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return String(bytes);
  const whole = roundAwayFromZero(bytes);
  if (whole === 0) return "0";
  for (const [unit, size] of [
    ["Gi", GI],
    ["Mi", MI],
    ["Ki", KI],
  ] as const) {
    if (whole % size === 0) return `${groupThousands(whole / size)}${unit}`;
  }
  return `${groupThousands(whole)}B`;
}

/** Millicores for people: whole cores as cores ("16", "1,000"), anything else in m ("2,750m", "500m"). */
export function formatMillicores(millicores: number): string {
  if (!Number.isFinite(millicores)) return String(millicores);
  const whole = roundAwayFromZero(millicores);
  if (whole === 0) return "0";
  if (whole % 1000 === 0) return groupThousands(whole / 1000);
  return `${groupThousands(whole)}m`;
}

/**
 * `part` as a percentage of `whole` with `digits` decimals: percent(2300, 3200) → "71.9%".
 * A zero (or non-finite) whole has no meaningful share and gives "n/a".
 */
export function percent(part: number, whole: number, digits = 1): string {
  if (whole === 0 || !Number.isFinite(whole) || !Number.isFinite(part)) return "n/a";
  return `${((part / whole) * 100).toFixed(digits)}%`;
}
