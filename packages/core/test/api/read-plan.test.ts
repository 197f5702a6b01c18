/**
 * Issue 11 item 2: one entry for reading a plan, whatever its kind. loadPlanFile reads a
 * Markdown plan as readPlanDocument does (it used to throw YAML errors on PLAN.md), and the two
 * agree on the plan for each example.
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { checkPlanDocument, loadPlanFile, PlanLoadError, readPlanDocument } from "../../src/index.js";

const example = (name: string) => fileURLToPath(new URL(`../../../../examples/openpolicy/${name}`, import.meta.url));

describe("reading a plan", () => {
  it.each(["PLAN.md", "plan.yaml", "plan.fixed.yaml"])("loadPlanFile(%s) gives the plan readPlanDocument reads", async (name) => {
    const path = example(name);
    const document = await readPlanDocument(path);
    const plan = await loadPlanFile(path);
    expect(plan.format).toBe(name.endsWith(".md") ? "markdown" : "yaml");
    expect(plan).toEqual(document.plan);
  });

  it("a Markdown plan read by readPlanDocument is checked with its notes as findings", async () => {
    const document = await readPlanDocument(example("PLAN.md"));
    const findings = checkPlanDocument(document);
    expect(document.notes.length).toBeGreaterThan(0);
    const unread = findings.filter((f) => f.rule === "unread-content");
    expect(unread.map((f) => f.location.line).sort((a, b) => a - b)).toEqual(document.notes.map((n) => n.line).sort((a, b) => a - b));
    expect(findings.some((f) => f.severity === "error")).toBe(true);
  });

  it("a missing file is a PlanLoadError naming it", async () => {
    const error = await loadPlanFile(example("no-such-plan.md")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlanLoadError);
    expect((error as PlanLoadError).message).toContain("no-such-plan.md");
  });
});
