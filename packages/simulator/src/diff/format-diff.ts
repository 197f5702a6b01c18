/**
 * `opdeploy diff` output: one line per object (as `kubectl apply --dry-run=server` lists them)
 * with the unified diff under every changed one, then the counts; JSON as PlanDiff is.
 */
import type { ObjectChange, PlanDiff } from "./diff-plan.js";

const ORDER: readonly ObjectChange[] = ["created", "changed", "pruned", "refused", "rejected", "unchanged"];

export function formatPlanDiffText(diff: PlanDiff): string {
  const lines: string[] = [];
  const width = Math.max(...diff.objects.map((o) => o.change.length), 9);
  for (const o of diff.objects) {
    const services = o.services.length > 0 ? `  (${o.services.join(", ")})` : "";
    lines.push(`${o.change.padEnd(width)}  ${o.kind}/${o.name}${services}`);
    if (o.message) lines.push(`${" ".repeat(width)}  ${o.message}`);
    if (o.change === "changed" && o.diff) lines.push(...diffBody(o.diff));
  }
  for (const w of diff.warnings) lines.push(`warning: ${w}`);
  const counts = ORDER.filter((c) => diff.summary[c] > 0).map((c) => `${diff.summary[c]} ${c}`);
  lines.push(diff.changed ? counts.join(", ") : `no changes: ${counts.join(", ") || "nothing to apply"}`);
  return lines.join("\n");
}

/** The patch without createTwoFilesPatch's "===" separator line. */
function diffBody(patch: string): string[] {
  return patch.split("\n").filter((line, i) => !(i === 0 && line.startsWith("===")) && line !== "");
}

export function formatPlanDiffJson(diff: PlanDiff): string {
  return JSON.stringify(diff, null, 2);
}
