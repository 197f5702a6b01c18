/**
 * Issue 11 item 2: every name exported from @openpolicy/core's entry has a doc comment, so a
 * consumer's editor (and the API report) says what it is. Counted with the TypeScript compiler
 * API on the entry's resolved exports, so a re-export from any module is followed to its
 * declaration.
 */
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ENTRY = fileURLToPath(new URL("../../src/index.ts", import.meta.url));

function entryExports(): { name: string; documented: boolean; file: string }[] {
  const program = ts.createProgram([ENTRY], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const entry = checker.getSymbolAtLocation(program.getSourceFile(ENTRY)!)!;
  return checker.getExportsOfModule(entry).map((exported) => {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const declarations = symbol.declarations ?? [];
    const documented = symbol.getDocumentationComment(checker).length > 0 || declarations.some((d) => ts.getJSDocCommentsAndTags(d).length > 0);
    return { name: exported.name, documented, file: declarations[0]?.getSourceFile().fileName ?? "?" };
  });
}

describe("@openpolicy/core public API", () => {
  const exports = entryExports();

  it("exports something (the entry resolved)", () => {
    expect(exports.length).toBeGreaterThan(50);
  });

  it("has a doc comment on every export", () => {
    const undocumented = exports.filter((e) => !e.documented).map((e) => `${e.name} (${e.file.replace(/.*\/packages\/core\//, "")})`);
    expect(undocumented).toEqual([]);
  });

  it("does not export core's internals", () => {
    const names = new Set(exports.map((e) => e.name));
    const internals = ["damerauLevenshtein", "yamlLocator", "groupThousands", "normalizePlan", "PlanSchema", "checkBudget", "percent"];
    expect(internals.filter((name) => names.has(name))).toEqual([]);
  });
});
