/**
 * `check` at scale, each run in a process of its own so its peak RSS is its own.
 *
 *   check-scale.ts write <kind> <services> <file>   writes a generated plan to <file>
 *   check-scale.ts check <file>                      reads and checks it as `opdeploy check` does;
 *                                                    prints {readMs, checkMs, findings, readRssMiB (peak after reading), maxRssMiB}
 *
 * kinds: plain (generate-plan.ts); rich and rich-json (the same with an image, a pull policy,
 * four environment variables and a strategy per service; JSON indented by four); unknown (every service also depends on one name that is not a
 * service, on the one before it in the same batch, and has no validation: every service has
 * findings); star (every service depends on "*", all in one batch). The plan is written by a
 * separate process so that generating it does not count towards check's memory.
 */
import { writeFileSync } from "node:fs";
import { checkPlanDocument, readPlanDocument } from "@openpolicy/core";
import { generatePlan, generatePlanYaml } from "./generate-plan.js";

export function scalePlanYaml(kind: string, services: number): string {
  if (kind === "plain") return generatePlanYaml({ services, nodes: Math.max(1, services / 100) });
  if (kind === "rich") return generatePlanYaml({ services, nodes: Math.max(1, services / 100), rich: true });
  if (kind === "rich-json") return JSON.stringify(generatePlan({ services, nodes: Math.max(1, services / 100), rich: true }), null, 4);
  const lines = ["name: scale", "cluster:", "  nodes:", `    - { count: ${Math.max(1, services / 100)}, memory: 64Gi, cpu: "64", pods: 250 }`, "phases:"];
  lines.push("  - name: all", "    services:");
  for (let i = 0; i < services; i++) lines.push(`      - s${i}`);
  lines.push("services:");
  for (let i = 0; i < services; i++) {
    const dependsOn = kind === "star" ? '"*"' : i === 0 ? "[postgress]" : `[postgress, s${i - 1}]`;
    lines.push(`  s${i}: { resources: { requests: { memory: 16Mi, cpu: 10m } }, port: ${10000 + (i % 50000)}, dependsOn: ${dependsOn}, validate: none }`);
  }
  return `${lines.join("\n")}\n`;
}

if (process.argv[1]?.endsWith("check-scale.ts")) {
  const [mode, ...args] = process.argv.slice(2);
  if (mode === "write") {
    const [kind = "plain", count = "1000", file = "scale.yaml"] = args;
    writeFileSync(file, scalePlanYaml(kind, Number(count)));
  } else {
    const file = args[0] ?? "scale.yaml";
    let start = process.hrtime.bigint();
    const document = await readPlanDocument(file);
    const readMs = Number(process.hrtime.bigint() - start) / 1e6;
    const readRssMiB = process.resourceUsage().maxRSS / 1024;
    start = process.hrtime.bigint();
    const findings = checkPlanDocument(document);
    const checkMs = Number(process.hrtime.bigint() - start) / 1e6;
    const maxRssMiB = process.resourceUsage().maxRSS / 1024;
    process.stdout.write(JSON.stringify({ readMs, checkMs, findings: findings.length, readRssMiB, maxRssMiB }));
  }
}
