/**
 * `opdeploy diff` in a pull-request report: what `deploy` of the head plan would change on the
 * live cluster (created / changed / pruned / refused / rejected), each changed object's unified
 * diff in a collapsed block. Secret values are already masked by diffPlan.
 */
import type { PlanDiff } from "../diff/diff-plan.js";
import { escapeMarkdown } from "./escape.js";

const SHOWN: readonly string[] = ["created", "changed", "pruned", "refused", "rejected"];

export function planDiffMarkdown(diff: PlanDiff): string {
  const lines = [`### What deploy would change (namespace \`${escapeMarkdown(diff.namespace)}\`, server-side dry run)`, ""];
  const counts = Object.entries(diff.summary).filter(([, n]) => n > 0).map(([change, n]) => `${n} ${change}`);
  if (!diff.changed) {
    lines.push(`No changes: ${counts.join(", ") || "nothing to apply"}.`);
    return lines.join("\n");
  }
  lines.push(counts.join(" · "), "", "| Change | Object | Services |", "| --- | --- | --- |");
  for (const o of diff.objects.filter((x) => SHOWN.includes(x.change))) {
    lines.push(`| ${o.change} | \`${escapeMarkdown(`${o.kind}/${o.name}`)}\` | ${escapeMarkdown(o.services.join(", ")) || "—"} |`);
  }
  for (const o of diff.objects.filter((x) => x.change === "changed" && x.diff)) {
    const body = o.diff!.split("\n").filter((l, i) => !(i === 0 && l.startsWith("===")) && l !== "").map((l) => l.replace(/```/g, "ʼʼʼ"));
    lines.push("", `<details><summary>${escapeMarkdown(`${o.kind}/${o.name}`)}</summary>`, "", "```diff", ...body, "```", "", "</details>");
  }
  for (const w of diff.warnings) lines.push("", `> [!WARNING]\n> ${escapeMarkdown(w)}`);
  return lines.join("\n");
}
