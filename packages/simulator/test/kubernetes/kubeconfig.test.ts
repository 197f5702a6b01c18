/**
 * Finding and reading the kubeconfig: a clear "no kubeconfig found" when there is none, and no
 * part of a broken kubeconfig — token, password, client key — in any error message.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ClusterError } from "../../src/cluster/cluster.js";
import { loadKubeConfig } from "../../src/cluster/kubernetes/kubeconfig.js";

const TOKEN = "tok-3c1f-yaml-error-never-print";
const PASSWORD = "pw-88aa-never-print";
const KEY = "LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tnever-print";

/** A kubeconfig whose `users` entry is indented wrongly: js-yaml quotes the lines around it. */
const BROKEN = [
  "apiVersion: v1",
  "kind: Config",
  "clusters:",
  "- name: c",
  "  cluster: {server: https://10.0.0.1:6443}",
  "users:",
  "- name: u",
  "  user:",
  `    token: ${TOKEN}`,
  `   password: ${PASSWORD}`,
  `    client-key-data: ${KEY}`,
  "contexts: []",
  "",
].join("\n");

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "opdeploy-kubeconfig-"));
});

function failure(load: () => unknown): Error {
  try {
    load();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the load to fail");
}

describe("loadKubeConfig", () => {
  it("a YAML syntax error is reported by file, line and column — never with the file's content", async () => {
    const file = join(dir, "broken");
    await writeFile(file, BROKEN);
    for (const error of [failure(() => loadKubeConfig({ kubeconfig: file })), failure(() => loadKubeConfig({ kubeconfigYaml: BROKEN })), failure(() => loadKubeConfig({}, { KUBECONFIG: file }))]) {
      expect(error).toBeInstanceOf(ClusterError);
      expect(error.message).toMatch(/not valid YAML at line 10, column \d+/);
      for (const secret of [TOKEN, PASSWORD, KEY, "token:", "password"]) expect(error.message).not.toContain(secret);
      expect(error.stack ?? "").not.toContain(TOKEN);
    }
    expect(failure(() => loadKubeConfig({ kubeconfig: file })).message).toContain(`kubeconfig ${file}: not valid YAML`);
  });

  it("a file that is YAML but not a kubeconfig says so without quoting it", async () => {
    const scalar = join(dir, "scalar");
    await writeFile(scalar, `${TOKEN}\n`);
    expect(failure(() => loadKubeConfig({ kubeconfig: scalar })).message).toBe("cluster: kubeconfig: no current cluster (set --context or current-context)");
    const empty = join(dir, "empty");
    await writeFile(empty, "");
    expect(failure(() => loadKubeConfig({ kubeconfig: empty })).message).toBe(`cluster: kubeconfig ${empty}: not a kubeconfig (expected a mapping with clusters, users and contexts)`);
  });

  it("no kubeconfig anywhere: names where it looked", async () => {
    const home = await mkdtemp(join(tmpdir(), "opdeploy-home-"));
    const error = failure(() => loadKubeConfig({}, { HOME: home }));
    expect(error).toBeInstanceOf(ClusterError);
    expect(error.message).toBe("cluster: no kubeconfig found (looked in: $KUBECONFIG, ~/.kube/config); pass --kubeconfig FILE or set KUBECONFIG");
  });

  it("KUBECONFIG naming only missing files, and a missing --kubeconfig file, are named", async () => {
    const missing = join(dir, "nope");
    expect(failure(() => loadKubeConfig({}, { KUBECONFIG: missing, HOME: dir })).message).toBe(`cluster: no kubeconfig found (looked in: $KUBECONFIG=${missing}); pass --kubeconfig FILE or fix KUBECONFIG`);
    expect(failure(() => loadKubeConfig({ kubeconfig: missing })).message).toBe(`cluster: kubeconfig ${missing} (--kubeconfig) does not exist`);
  });

  it("KUBECONFIG lists files as kubectl does: missing ones skipped, the first one's context wins", async () => {
    const a = join(dir, "a");
    const b = join(dir, "b");
    const config = (name: string, server: string) =>
      `apiVersion: v1\nkind: Config\nclusters:\n- name: ${name}\n  cluster: {server: "${server}"}\nusers:\n- name: ${name}\n  user: {token: t-${name}}\ncontexts:\n- name: ${name}\n  context: {cluster: ${name}, user: ${name}}\ncurrent-context: ${name}\n`;
    await writeFile(a, config("a", "https://a.example:6443"));
    await writeFile(b, config("b", "https://b.example:6443"));
    const kc = loadKubeConfig({}, { KUBECONFIG: [join(dir, "missing"), a, b].join(":"), HOME: dir });
    expect(kc.getCurrentContext()).toBe("a");
    expect(kc.getContexts().map((c) => c.name).sort()).toEqual(["a", "b"]);
    expect(kc.getCurrentCluster()?.server).toBe("https://a.example:6443");
  });
});
