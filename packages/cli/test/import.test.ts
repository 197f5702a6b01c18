/**
 * `opdeploy import` on manifests, folders, Compose files and standard input, in process through
 * main() (the stdin case through the bundled CLI), and `check` on what it wrote.
 */
import { spawnSync } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Io } from "../src/cli-io.js";
import { main } from "../src/main.js";
import { buildCli, CLI } from "./run-cli.js";

const TESTDATA = fileURLToPath(new URL("../../core/testdata/import/", import.meta.url));
const STACK = /\n\s+at .+:\d+:\d+\)?/;

async function run(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (t) => out.push(t), err: (t) => err.push(t), color: false, errColor: false, env: {}, cwd };
  const code = await main(args, io);
  return { code, stdout: out.join("\n"), stderr: err.join("\n") };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "opdeploy-cli-import-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("opdeploy import", () => {
  it("imports a folder of manifests; the plan names them relative to itself, and check cross-checks them", async () => {
    const plan = join(dir, "boutique.yaml");
    const imported = await run(["import", join(TESTDATA, "online-boutique"), "-o", plan], dir);
    expect(imported.code).toBe(0);
    expect(imported.stderr).toMatch(/kubernetes-manifests\.yaml:\d+: inferred: checkoutservice depends on productcatalogservice/);
    expect(imported.stderr).toContain(`wrote ${plan}: 12 service(s) in 5 phase(s)`);
    const yaml = await readFile(plan, "utf8");
    expect(yaml).toMatch(/manifests:\n\s+- \.\.\/.*online-boutique\/kubernetes-manifests\.yaml/);
    const checked = await run(["check", plan, "-f", "json"], dir);
    expect(checked.code).toBe(0);
    const findings = (JSON.parse(checked.stdout) as { findings: { rule: string; severity: string }[] }).findings;
    expect(findings.some((f) => f.rule === "manifest-mismatch")).toBe(true); // the manifests were found and read
  });

  it("walks folders recursively, follows a symlinked file, and skips what is not manifests with a note", async () => {
    const tree = join(dir, "tree");
    await mkdir(join(tree, "base", "apps"), { recursive: true });
    await copyFile(join(TESTDATA, "sock-shop/complete-demo.yaml"), join(tree, "base", "apps", "shop.yaml"));
    await writeFile(join(tree, "base", "kustomization.yaml"), "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [apps/shop.yaml]\n");
    await writeFile(join(tree, "values.yaml"), "replicaCount: 2\n");
    await symlink(join(TESTDATA, "online-boutique/kubernetes-manifests.yaml"), join(tree, "linked.yaml"));
    const result = await run(["import", "tree"], dir);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("26 service(s)"); // 14 from the nested file, 12 through the link
    expect(result.stderr).toMatch(/kustomization\.yaml:1: skipped: not imported: a kustomization/);
    expect(result.stderr).toMatch(/values\.yaml:1: skipped: not imported: neither Kubernetes YAML/);
  });

  it("imports a Compose file with a profile and the user's nodes", async () => {
    const result = await run(["import", join(TESTDATA, "compose/compose.yaml"), "--profile", "debug", "--node", "8Gi,4,2"], dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^name: shop$/m);
    expect(result.stdout).toMatch(/^ {2}adminer:$/m);
    expect(result.stdout).toMatch(/- count: 2\n\s+memory: 8Gi\n\s+cpu: "4"/);
    expect(result.stderr).not.toContain("assumed: cluster:");
    expect(result.stderr).toContain("8 service(s) in 4 phase(s)");
  });

  it("refuses bad input with exit 2, every problem named, no stack trace", async () => {
    await writeFile(join(dir, "broken.yaml"), "apiVersion: v1\nkind: [x\n");
    const cases: [string[], RegExp][] = [
      [["import"], /missing input/],
      [["import", join(dir, "nope.yaml")], /cannot read .*nope\.yaml: no such file or directory/],
      [["import", join(dir, "broken.yaml")], /broken\.yaml:\d+: not valid YAML/],
      [["import", join(TESTDATA, "compose/compose.yaml"), "--node", "lots"], /--node must be MEMORY,CPU\[,COUNT\]/],
      [["import", "-", "-"], /standard input \(-\) can be named once/],
    ];
    for (const [args, message] of cases) {
      const result = await run(args, dir);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(STACK);
    }
  });

  it("still imports a Markdown plan document", async () => {
    const result = await run(["import", fileURLToPath(new URL("../../../examples/openpolicy/PLAN.md", import.meta.url))], dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("(Markdown plan)");
  });

  it("reads standard input (kustomize build … | opdeploy import -)", async () => {
    await buildCli();
    const text = await readFile(join(TESTDATA, "sock-shop/complete-demo.yaml"), "utf8");
    const result = spawnSync(process.execPath, [CLI, "import", "-"], { input: text, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^name: sock-shop$/m);
    expect(result.stdout).not.toContain("manifests:");
    expect(result.stderr).toContain("-: note: manifests read from standard input have no file");
    expect(result.stderr).toMatch(/^-:\d+: inferred: user depends on user-db/m);
  }, 120_000);
});
