/**
 * One `check` of a generated plan in a process of its own, so its peak RSS is its own.
 *   check-scale.ts <kind> <services>
 * kinds: plain (generate-plan.ts), unknown (every service also depends on one name that is not a
 * service, and has no validation: every service has findings), star (every service depends on "*",
 * all in one phase). Prints {parseMs, checkMs, findings, parseRssMiB (peak after loading), maxRssMiB}.
 */
import { checkPlan, parsePlanText } from "@openpolicy/core";
import { generatePlanYaml } from "./generate-plan.js";

export function scalePlanYaml(kind: string, services: number): string {
  if (kind === "plain") return generatePlanYaml({ services, nodes: Math.max(1, services / 100) });
  const lines = ["name: scale", "cluster:", "  nodes:", `    - { count: ${Math.max(1, services / 100)}, memory: 64Gi, cpu: "64", pods: 250 }`, "phases:"];
  lines.push("  - name: all", "    services:");
  for (let i = 0; i < services; i++) lines.push(`      - s${i}`);
  lines.push("services:");
  for (let i = 0; i < services; i++) {
    const dependsOn = kind === "star" ? '"*"' : i === 0 ? "[postgress]" : `[postgress, s${i - 1}]`;
    lines.push(`  s${i}: { resources: { requests: { memory: 16Mi, cpu: 10m } }, port: ${10000 + i}, dependsOn: ${dependsOn}, validate: none }`);
  }
  return `${lines.join("\n")}\n`;
}

if (process.argv[1]?.endsWith("check-scale.ts")) {
  const [kind = "plain", count = "1000"] = process.argv.slice(2);
  const text = scalePlanYaml(kind, Number(count));
  let start = process.hrtime.bigint();
  const plan = parsePlanText(text, "scale.yaml");
  const parseMs = Number(process.hrtime.bigint() - start) / 1e6;
  const parseRssMiB = process.resourceUsage().maxRSS / 1024;
  start = process.hrtime.bigint();
  const findings = checkPlan(plan);
  const checkMs = Number(process.hrtime.bigint() - start) / 1e6;
  const maxRssMiB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify({ parseMs, checkMs, findings: findings.length, parseRssMiB, maxRssMiB, textMiB: text.length / 2 ** 20 }));
}
