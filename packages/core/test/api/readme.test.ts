/**
 * Issue 11 item 2: the packages' READMEs stay true. Every ```ts block of a package README is
 * type-checked as a consumer's module (strict, NodeNext, importing the packages by name) and
 * then run; a block that asserts (node:assert) fails this test when the library stops doing
 * what the README says (the CLI README's commands are run by packages/cli/test/readme.test.ts).
 * The Action README's workflow may use only inputs action.yml declares.
 */
import { execFile } from "node:child_process";
import { copyFile, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import ts from "typescript";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
// Inside the repository (under a git-ignored folder) so "@openpolicy/core" and
// "@openpolicy/simulator" resolve as a consumer's would, through node_modules; one folder per
// run, so two test runs at once do not delete each other's files.
const WORK = join(ROOT, `packages/core/temp/readme-${process.pid}`);
const PACKAGES = ["core", "simulator", "cli", "action"];

interface Example {
  readme: string;
  index: number;
  code: string;
  file: string;
}

async function examples(pkg: string): Promise<Example[]> {
  const readme = `packages/${pkg}/README.md`;
  const text = await readFile(join(ROOT, readme), "utf8");
  return [...text.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((match, index) => ({
    readme,
    index,
    code: match[1]!,
    file: join(WORK, `${pkg}-${index + 1}.mts`),
  }));
}

let all: Example[] = [];
beforeAll(async () => {
  await rm(WORK, { recursive: true, force: true });
  await mkdir(WORK, { recursive: true });
  // The files the examples read, as a user would have them in their project.
  await copyFile(join(ROOT, "examples/openpolicy/plan.fixed.yaml"), join(WORK, "plan.yaml"));
  await copyFile(join(ROOT, "examples/openpolicy/plan.previous.yaml"), join(WORK, "plan.previous.yaml"));
  all = (await Promise.all(PACKAGES.map(examples))).flat();
  for (const example of all) await writeFile(example.file, example.code);
});
afterAll(async () => {
  await rm(WORK, { recursive: true, force: true });
});

describe("README examples", () => {
  it("every package has a README, and the libraries' READMEs have TypeScript examples", async () => {
    for (const pkg of PACKAGES) await expect(readFile(join(ROOT, `packages/${pkg}/README.md`), "utf8")).resolves.toMatch(/^# @openpolicy\//);
    expect(all.filter((e) => e.readme.includes("/core/")).length).toBeGreaterThanOrEqual(3);
    expect(all.filter((e) => e.readme.includes("/simulator/")).length).toBeGreaterThanOrEqual(1);
  });

  it.each([
    ["NodeNext", ts.ModuleKind.NodeNext, ts.ModuleResolutionKind.NodeNext],
    ["bundler", ts.ModuleKind.ESNext, ts.ModuleResolutionKind.Bundler],
  ] as const)("type-check as a consumer's code (strict, %s resolution)", (_name, module, moduleResolution) => {
    const program = ts.createProgram(
      all.map((e) => e.file),
      {
        module,
        moduleResolution,
        target: ts.ScriptTarget.ES2022,
        lib: ["lib.es2023.d.ts"],
        types: ["node"],
        strict: true,
        noUncheckedIndexedAccess: true,
        noEmit: true,
        skipLibCheck: true,
        // The workspace packages' TypeScript sources, as the repository's own tooling reads them.
        customConditions: ["source"],
      },
    );
    const diagnostics = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file && all.some((e) => e.file === d.file!.fileName))
      .map((d) => {
        const example = all.find((e) => e.file === d.file!.fileName)!;
        const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
        return `${example.readme} example ${example.index + 1}, line ${line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
      });
    expect(diagnostics).toEqual([]);
  });

  it("run without throwing", { timeout: 180_000 }, async () => {
    const failures: string[] = [];
    for (const example of all) {
      try {
        await run(process.execPath, ["--conditions=source", "--import", "tsx", example.file], { cwd: WORK, env: { ...process.env, NO_COLOR: "1" } });
      } catch (error) {
        const e = error as { stderr?: string; message: string };
        failures.push(`${example.readme} example ${example.index + 1}: ${(e.stderr || e.message).slice(0, 2000)}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it("the Action README's workflow uses only inputs action.yml declares", async () => {
    const action = parse(await readFile(join(ROOT, "action.yml"), "utf8")) as { inputs: Record<string, unknown> };
    const readme = await readFile(join(ROOT, "packages/action/README.md"), "utf8");
    const steps = [...readme.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].flatMap((m) => {
      const doc = parse(m[1]!) as unknown;
      const jobs = (doc as { jobs?: Record<string, { steps?: unknown[] }> }).jobs ?? {};
      return Object.values(jobs).flatMap((job) => job.steps ?? []) as { uses?: string; with?: Record<string, unknown> }[];
    });
    const ours = steps.filter((s) => s.uses?.startsWith("openpolicy/deploy-action@"));
    expect(ours.length).toBeGreaterThan(0);
    const unknown = ours.flatMap((s) => Object.keys(s.with ?? {}).filter((input) => !(input in action.inputs)));
    expect(unknown).toEqual([]);
  });
});
