/**
 * Resume recognises "the same plan" by content: planDigest ignores how the path was spelled,
 * comments and blank lines (which only move line numbers) and key order, and changes with
 * anything that changes the deploy. Plans are read from real files with core's loader.
 */
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadPlanFile } from "@openpolicy/core";
import { beforeAll, describe, expect, it } from "vitest";
import { planDigest } from "../../src/deploy/plan-digest.js";

const EXAMPLE = new URL("../../../../examples/openpolicy/plan.fixed.yaml", import.meta.url);
let dir: string;
let text: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "opdeploy-digest-"));
  await mkdir(join(dir, "sub"));
  text = await readFile(EXAMPLE, "utf8");
});

async function digestOf(name: string, content: string, readAs = join(dir, name)): Promise<string> {
  await writeFile(join(dir, name), content);
  return planDigest(await loadPlanFile(readAs));
}

describe("planDigest", () => {
  it("is the same for ./plan.yaml, sub/../plan.yaml and the absolute path", async () => {
    const plain = await digestOf("plan.yaml", text);
    expect(plain).toMatch(/^[0-9a-f]{16}$/);
    expect((await loadPlanFile(`${dir}/./plan.yaml`)).file).not.toBe((await loadPlanFile(join(dir, "plan.yaml"))).file);
    expect(await digestOf("plan.yaml", text, `${dir}/./plan.yaml`)).toBe(plain);
    expect(await digestOf("plan.yaml", text, `${dir}/sub/../plan.yaml`)).toBe(plain);
    // A copy under another name is the same plan too.
    expect(await digestOf("copy.yaml", text)).toBe(plain);
  });

  it("ignores comments and blank lines, which move every line number", async () => {
    const plain = await digestOf("plan.yaml", text);
    const commented = `# deployed by the platform team\n\n${text.replace(/\n/g, "\n\n")}# end\n`;
    await writeFile(join(dir, "commented.yaml"), commented);
    const moved = await loadPlanFile(join(dir, "commented.yaml"));
    const original = await loadPlanFile(join(dir, "plan.yaml"));
    const firstLine = (plan: typeof original) => [...plan.services.values()][0]!.location.line;
    expect(firstLine(moved)).toBeGreaterThan(firstLine(original) + 10);
    expect(planDigest(moved)).toBe(plain);
  });

  it("changes when the deploy changes: a replica count, a memory request, the phase order", async () => {
    const plain = await digestOf("plan.yaml", text);
    const plan = await loadPlanFile(join(dir, "plan.yaml"));
    const [first] = [...plan.services.values()];
    const more = { ...plan, services: new Map([...plan.services].map(([k, s]) => [k, s === first ? { ...s, replicas: s.replicas + 1 } : s])) };
    expect(planDigest(more)).not.toBe(plain);
    const bigger = { ...plan, services: new Map([...plan.services].map(([k, s]) => [k, s === first ? { ...s, requests: { ...s.requests, memory: s.requests.memory + 1 } } : s])) };
    expect(planDigest(bigger)).not.toBe(plain);
    const reordered = { ...plan, phases: [...plan.phases].reverse() };
    expect(planDigest(reordered)).not.toBe(plain);
  });
});
