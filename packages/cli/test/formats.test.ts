/**
 * Issue 11 item 5: every command honours --format or refuses it — none ignores it. An unknown
 * format is unusable input (exit 2) and the message lists the formats the command accepts.
 * Runs `main` in-process against the sources, for every command the CLI lists.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Io } from "../src/cli-io.js";
import { COMMANDS } from "../src/commands/index.js";
import { EXIT } from "../src/exit-codes.js";
import { main } from "../src/main.js";

const PLAN = fileURLToPath(new URL("../../../examples/openpolicy/plan.fixed.yaml", import.meta.url));
const MARKDOWN_PLAN = fileURLToPath(new URL("../../../examples/openpolicy/PLAN.md", import.meta.url));

let home: string;
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), "opdeploy-formats-"));
});
afterAll(async () => {
  await rm(home, { recursive: true, force: true });
});

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  // No kubeconfig anywhere: a command that reached for the cluster before reading --format
  // would fail with a cluster error instead of the format error asserted below.
  const env = { HOME: home, KUBECONFIG: join(home, "missing-kubeconfig") };
  const io: Io = { out: (t) => out.push(t), err: (t) => err.push(t), color: false, errColor: false, env, cwd: home };
  const code = await main(args, io);
  return { code, stdout: out.join("\n"), stderr: err.join("\n") };
}

/** The formats a command's error says it accepts. */
function acceptedIn(stderr: string): string[] {
  const match = /--format must be one of ([a-z, ]+) \(got "bogus"\)/.exec(stderr);
  return match ? match[1]!.split(", ") : [];
}

describe("--format on every command", () => {
  it.each(COMMANDS.map((c) => c.name))("%s refuses an unknown format with exit 2, listing the accepted ones", async (name) => {
    const result = await run([name, "-f", "bogus", PLAN]);
    expect(result.stderr).toContain(`opdeploy ${name}: --format must be one of`);
    expect(result.code).toBe(EXIT.usage);
    expect(acceptedIn(result.stderr).length).toBeGreaterThan(0);
    expect(result.stdout).toBe("");
  });

  it("import and schema accept the one format they print and refuse the others", async () => {
    const imported = await run(["import", "--format", "yaml", MARKDOWN_PLAN]);
    expect(imported.code).toBe(EXIT.ok);
    expect(imported.stdout).toMatch(/^name: /m);
    expect(acceptedIn((await run(["import", "-f", "bogus", PLAN])).stderr)).toEqual(["yaml"]);
    expect((await run(["import", "-f", "json", PLAN])).code).toBe(EXIT.usage);

    const schema = await run(["schema", "-f", "json"]);
    expect(schema.code).toBe(EXIT.ok);
    expect(JSON.parse(schema.stdout)).toHaveProperty("$schema");
    const yaml = await run(["schema", "-f", "yaml"]);
    expect(yaml.code).toBe(EXIT.usage);
    expect(yaml.stderr).toBe('opdeploy schema: --format must be one of json (got "yaml")');
  });
});
