import fc from "fast-check";
import { stringify as toYaml } from "yaml";
import { describe, expect, it } from "vitest";
import { importMarkdown, isMarkdownPlan } from "./index.js";

const cellText = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom("128Mi", "0.5", "1.45 CPU cores", "500m", "None", "All services", "postgresql, redis", "9015", "-", "**x**", "🚀", "|"),
);
const table = fc
  .tuple(fc.array(fc.constantFrom("Service", "Memory", "CPU", "Port", "Dependencies", "Validation", "Phase", "Services", "Other"), { minLength: 1, maxLength: 7 }), fc.array(fc.array(cellText, { maxLength: 8 }), { maxLength: 6 }))
  .map(([header, rows]) => [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n"));
const line = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom("### Phase 1: A", "#### Batch 1.1: B", "### Success Criteria", "### Rollback Triggers", "### Target State", "### Total Resource Requirements", "### Phase 1 Execution", "---", ""),
  fc.tuple(fc.string({ maxLength: 12 }), fc.string({ maxLength: 30 })).map(([k, v]) => `- **${k}**: ${v}`),
  table,
);
const document = fc.array(line, { maxLength: 30 }).map((lines) => lines.join("\n"));

describe("importMarkdown on arbitrary input", () => {
  it("never throws on arbitrary strings", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => {
        const result = importMarkdown(text, "x.md");
        expect(typeof result.yaml).toBe("string");
      }),
      { numRuns: 300 },
    );
  });

  it("never throws on arbitrary plan-like documents, and every note has a line in the document", () => {
    fc.assert(
      fc.property(document, (text) => {
        const result = importMarkdown(text, "x.md");
        const lineCount = text.split(/\r\n|\r|\n/).length;
        for (const note of result.notes) {
          expect(note.line).toBeGreaterThanOrEqual(1);
          expect(note.endLine ?? note.line).toBeLessThanOrEqual(lineCount);
        }
        const where = result.locate(["services", "anything", "memory"]);
        expect(where.line).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: 300 },
    );
  });
});

describe("isMarkdownPlan", () => {
  it("is false for JSON and YAML text, even when strings inside hold a Markdown table", () => {
    const markdownish = fc.constantFrom("# Plan\n| Service | Memory |\n|---|---|\n| a | 1Gi |", "| Service | Memory |", "### Phase 1");
    const value = fc.oneof(fc.jsonValue(), fc.dictionary(fc.string(), fc.oneof(fc.jsonValue(), markdownish)));
    fc.assert(
      fc.property(value, (v) => {
        expect(isMarkdownPlan(JSON.stringify(v) ?? "null")).toBe(false);
        expect(isMarkdownPlan(JSON.stringify(v, null, 2) ?? "null")).toBe(false);
        expect(isMarkdownPlan(toYaml(v))).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it("is false for a YAML plan and text without a service table, true for a minimal Markdown plan", () => {
    expect(isMarkdownPlan("name: x\ncluster:\n  nodes: [{memory: 8Gi, cpu: 16}]\n# | Service | Memory |\n")).toBe(false);
    expect(isMarkdownPlan("# Notes\n\nNothing here.\n")).toBe(false);
    expect(isMarkdownPlan("# P\n| Service | Memory |\n|---|---|\n| a | 1Gi |\n")).toBe(true);
  });
});
