/**
 * `"*"` is every other service. The expanded `dependsOn` of a service on `"*"` is built only when
 * read: checking or rendering a plan where n services are on `"*"` must not build n² names
 * (issue 9: 2,000 such services took 120 s and 3.1 GB; 40,000 ran out of memory).
 */
import { describe, expect, it } from "vitest";
import { checkPlan } from "../checks/index.js";
import { renderManifests } from "../render/render-manifests.js";
import { dependsOnService } from "./depends-on.js";
import { parsePlanText } from "./parse-text.js";
import type { Plan } from "./model.js";

function starPlan(count: number, extra = ""): Plan {
  const names = Array.from({ length: count }, (_, i) => `s${i}`);
  const lines = ["name: star", "cluster:", "  nodes: [{ count: 4, memory: 64Gi, cpu: '64' }]", "phases:", "  - name: infra", "    services: [db]", "  - name: apps", `    services: [${names.join(", ")}]`, "services:", "  db: { memory: 256Mi, cpu: 100m, kind: StatefulSet, validate: postgres }"];
  for (const name of names) lines.push(`  ${name}: { memory: 64Mi, cpu: 10m, port: 8080, dependsOn: ${name === "s0" ? `[ghost, "*", ${extra || "db"}]` : '"*"'} }`);
  return parsePlanText(`${lines.join("\n")}\n`, "star.yaml");
}

const expanded = (plan: Plan, name: string) => Object.getOwnPropertyDescriptor(plan.services.get(name)!, "dependsOn")?.get === undefined;

describe('dependencies on "*"', () => {
  it("expand, when read, to the names written and every other service in declaration order", () => {
    const plan = starPlan(3);
    const s0 = plan.services.get("s0")!;
    expect(s0.dependsOnAll).toBe(true);
    expect(s0.dependsOnNamed).toEqual(["ghost", "db"]);
    expect(expanded(plan, "s0")).toBe(false);
    expect(s0.dependsOn).toEqual(["ghost", "db", "s1", "s2"]);
    expect(expanded(plan, "s0")).toBe(true);
    expect(plan.services.get("s1")!.dependsOn).toEqual(["db", "s0", "s2"]);
    // The list is an ordinary array once read: it can be replaced, and a copy carries it.
    expect({ ...plan.services.get("s2")! }.dependsOn).toEqual(["db", "s0", "s1"]);
    plan.services.get("s2")!.dependsOn = ["db"];
    expect(plan.services.get("s2")!.dependsOn).toEqual(["db"]);
  });

  it("expand on a service frozen before they were read", () => {
    const plan = starPlan(3);
    const s1 = Object.freeze(plan.services.get("s1")!);
    expect(s1.dependsOn).toEqual(["db", "s0", "s2"]);
    expect(s1.dependsOn).toEqual(["db", "s0", "s2"]);
  });

  it("are answered by dependsOnService without expanding", () => {
    const plan = starPlan(3);
    const s0 = plan.services.get("s0")!;
    expect(dependsOnService(plan, s0, "s1")).toBe(true);
    expect(dependsOnService(plan, s0, "db")).toBe(true);
    expect(dependsOnService(plan, s0, "ghost")).toBe(true);
    expect(dependsOnService(plan, s0, "s0")).toBe(false);
    expect(dependsOnService(plan, s0, "nobody")).toBe(false);
    expect(dependsOnService(plan, plan.services.get("db")!, "s0")).toBe(false);
    expect(expanded(plan, "s0")).toBe(false);
  });

  it("are not expanded by check or render, which still see them", () => {
    const plan = starPlan(200);
    const findings = checkPlan(plan);
    // The unknown name written beside "*" is still found, and the "*" services are one cycle.
    expect(findings.filter((f) => f.rule === "unknown-dependency").map((f) => f.services)).toEqual([["s0"]]);
    expect(findings.some((f) => f.rule === "dependency-cycle" && f.message.includes('"*"'))).toBe(true);
    const manifests = renderManifests(plan);
    // Every app on "*" depends on the database, so it is given the database password.
    const s5 = manifests.flatMap((m) => m.objects).find((o) => (o as { kind?: string; metadata?: { name?: string } }).kind === "Deployment" && (o as { metadata: { name: string } }).metadata.name === "s5");
    expect(JSON.stringify(s5)).toMatch(/password/i);
    // Only the two services on the reported cycle's path had their lists read.
    const read = Array.from({ length: 200 }, (_, i) => `s${i}`).filter((name) => expanded(plan, name));
    expect(read.length).toBeLessThanOrEqual(2);
  });
});
