/**
 * The kind suite's opt-in gate (gate.ts), the kind CLI's arguments and the setup log a failed
 * cluster leaves behind.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeFileSync } from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createKindClusterWithCli, kindCliVersion, kindCreateArgs, kindDeleteArgs, kindExportLogsArgs } from "../../src/cluster/kubernetes/kind/kind-cli.js";
import type { CommandRunner } from "../../src/cluster/kubernetes/kind/kind-cli.js";
import { KIND_NODE_IMAGE } from "../../src/cluster/kubernetes/kind/node.js";
import { KindSetupError, SetupLog, setupLogDir } from "../../src/cluster/kubernetes/kind/setup-log.js";
import { kindSuiteGate } from "./gate.js";
import type { DockerProbe } from "./gate.js";

/** A Docker probe that records whether it was asked. */
function probe(answer: Awaited<ReturnType<DockerProbe>>): DockerProbe & { asked: number } {
  const fn = Object.assign(async () => {
    fn.asked++;
    return answer;
  }, { asked: 0 });
  return fn;
}

describe("the kind suite's gate", () => {
  it("skips a plain run even where Docker answers, without asking Docker, and says how to opt in", async () => {
    const docker = probe({ ok: true });
    const gate = await kindSuiteGate({}, docker);
    expect(gate).toEqual({ run: false, reason: "opt-in: set OPDEPLOY_E2E_KIND=1 (needs Docker) or OPDEPLOY_E2E_KUBECONFIG=<kubeconfig of a kind cluster>" });
    expect(docker.asked).toBe(0);
    expect((await kindSuiteGate({ OPDEPLOY_E2E_KIND: "0" }, docker)).run).toBe(false);
    expect(docker.asked).toBe(0);
  });

  it("runs with OPDEPLOY_E2E_KIND=1 when Docker answers", async () => {
    const docker = probe({ ok: true });
    expect(await kindSuiteGate({ OPDEPLOY_E2E_KIND: "1" }, docker)).toEqual({
      run: true,
      reason: "OPDEPLOY_E2E_KIND=1 and Docker answers: a new kind cluster (auto)",
      source: { kind: "new-cluster", via: "auto" },
    });
    expect(docker.asked).toBe(1);
  });

  it("skips with Docker's reason when OPDEPLOY_E2E_KIND=1 but no engine answers", async () => {
    const gate = await kindSuiteGate({ OPDEPLOY_E2E_KIND: "1" }, probe({ ok: false, reason: "connect ENOENT /var/run/docker.sock" }));
    expect(gate).toEqual({ run: false, reason: "OPDEPLOY_E2E_KIND=1 but no Docker engine answers (connect ENOENT /var/run/docker.sock)" });
  });

  it("uses the cluster of OPDEPLOY_E2E_KUBECONFIG without probing Docker", async () => {
    const docker = probe({ ok: false, reason: "none" });
    const gate = await kindSuiteGate({ OPDEPLOY_E2E_KUBECONFIG: "/tmp/kind.kubeconfig" }, docker);
    expect(gate).toMatchObject({ run: true, source: { kind: "kubeconfig", path: "/tmp/kind.kubeconfig" } });
    expect(docker.asked).toBe(0);
  });

  it("picks the way to make the cluster from OPDEPLOY_E2E_VIA", async () => {
    const gate = await kindSuiteGate({ OPDEPLOY_E2E_KIND: "1", OPDEPLOY_E2E_VIA: "testcontainers" }, probe({ ok: true }));
    expect(gate).toMatchObject({ run: true, source: { kind: "new-cluster", via: "testcontainers" } });
  });

  it("refuses values that cannot mean anything, so a typo cannot silently skip CI", async () => {
    await expect(kindSuiteGate({ OPDEPLOY_E2E_KIND: "yes" }, probe({ ok: true }))).rejects.toThrow('OPDEPLOY_E2E_KIND="yes": expected 1 (or unset)');
    await expect(kindSuiteGate({ OPDEPLOY_E2E_KIND: "1", OPDEPLOY_E2E_VIA: "k3s" }, probe({ ok: true }))).rejects.toThrow('OPDEPLOY_E2E_VIA="k3s": expected one of auto, kind-cli, testcontainers');
  });
});

describe("the kind CLI path", () => {
  it("creates with the pinned image, kind's --wait, a private kubeconfig and --retain for the logs", () => {
    expect(kindCreateArgs("opdeploy-e2e", KIND_NODE_IMAGE, "/tmp/x/kubeconfig")).toEqual([
      "create", "cluster", "--name", "opdeploy-e2e", "--image", KIND_NODE_IMAGE, "--wait=300s", "--kubeconfig", "/tmp/x/kubeconfig", "--retain",
    ]);
    expect(kindDeleteArgs("opdeploy-e2e", "/tmp/x/kubeconfig")).toEqual(["delete", "cluster", "--name", "opdeploy-e2e", "--kubeconfig", "/tmp/x/kubeconfig"]);
    expect(kindExportLogsArgs("opdeploy-e2e", "/tmp/logs")).toEqual(["export", "logs", "/tmp/logs", "--name", "opdeploy-e2e"]);
  });

  it("finds kind by running `kind version`, and treats a missing binary as not installed", async () => {
    const installed: CommandRunner = async (file, args) => ({ stdout: file === "kind" && args[0] === "version" ? "kind v0.25.0 go1.22.9 linux/amd64\n" : "", stderr: "" });
    expect(await kindCliVersion(installed)).toBe("kind v0.25.0 go1.22.9 linux/amd64");
    const missing: CommandRunner = async () => {
      throw Object.assign(new Error("spawn kind ENOENT"), { code: "ENOENT" });
    };
    expect(await kindCliVersion(missing)).toBeUndefined();
  });
});

/**
 * A stand-in for the kind binary (no Docker here): answers `get clusters`, writes the kubeconfig
 * `create` was asked to write, fails `create` with kind's stderr when told to, and records calls.
 */
function fakeKind(options: { clusters?: string[]; createFails?: string } = {}) {
  const calls: string[][] = [];
  const run: CommandRunner = async (file, args) => {
    expect(file).toBe("kind");
    calls.push(args);
    if (args[0] === "get") return { stdout: (options.clusters ?? []).map((c) => `${c}\n`).join(""), stderr: "" };
    if (args[0] === "create") {
      if (options.createFails) throw Object.assign(new Error("exit status 1"), { stderr: options.createFails });
      writeFileSync(args[args.indexOf("--kubeconfig") + 1]!, "apiVersion: v1\nkind: Config\n");
    }
    return { stdout: "", stderr: "" };
  };
  return { run, calls };
}

describe("making a cluster with the kind CLI", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("creates it, hands back the kubeconfig kind wrote, and deletes it on stop", async () => {
    const kind = fakeKind();
    const cluster = await createKindClusterWithCli({ name: "opdeploy-t1" }, kind.run);
    expect(cluster.kubeconfig).toBe("apiVersion: v1\nkind: Config\n");
    const kubeconfigPath = kind.calls[1]![kind.calls[1]!.indexOf("--kubeconfig") + 1]!;
    expect(kind.calls.map((c) => c.slice(0, 2))).toEqual([["get", "clusters"], ["create", "cluster"]]);
    await cluster.stop();
    expect(kind.calls.at(-1)).toEqual(kindDeleteArgs("opdeploy-t1", kubeconfigPath));
    expect(existsSync(kubeconfigPath)).toBe(false);
  });

  it("refuses a name that already exists and deletes nothing", async () => {
    const kind = fakeKind({ clusters: ["kind", "opdeploy-t2"] });
    await expect(createKindClusterWithCli({ name: "opdeploy-t2" }, kind.run)).rejects.toThrow("a kind cluster named opdeploy-t2 already exists");
    expect(kind.calls).toEqual([["get", "clusters"]]);
  });

  it("on a failed create: exports kind's logs, deletes the retained node, and says where the logs are", async () => {
    const logs = mkdtempSync(join(tmpdir(), "opdeploy-kind-logs-"));
    vi.stubEnv("OPDEPLOY_KIND_LOGS", logs);
    try {
      const kind = fakeKind({ createFails: "Creating cluster ...\nERROR: failed to create cluster: could not find a log line that matches \"Reached target .*Multi-User System.*\"\n" });
      await expect(createKindClusterWithCli({ name: "opdeploy-t3" }, kind.run)).rejects.toThrow(
        `kind: kind create cluster failed: Creating cluster ...\nERROR: failed to create cluster: could not find a log line that matches "Reached target .*Multi-User System.*"; setup logs kept in ${logs}`,
      );
      expect(kind.calls.map((c) => c[0])).toEqual(["get", "create", "export", "delete"]);
      expect(kind.calls[2]).toEqual(kindExportLogsArgs("opdeploy-t3", logs));
    } finally {
      rmSync(logs, { recursive: true, force: true });
    }
  });
});

describe("the setup log of a failed cluster", () => {
  it("keeps every step with command and exit code, never a secret step's output", async () => {
    const dir = mkdtempSync(join(tmpdir(), "opdeploy-kind-test-"));
    try {
      const lines: string[] = [];
      const log = new SetupLog((line) => lines.push(line));
      log.step("kubeadm init");
      log.record("kubeadm init", { command: ["kubeadm", "init"], exitCode: 1, output: "[wait-control-plane] timed out\n" });
      log.record("read admin.conf", { command: ["cat", "/etc/kubernetes/admin.conf"], exitCode: 0, output: "client-key-data: S0VZ\n" }, { secret: true });
      const kept = await log.keep(join(dir, "logs"), { "journal.log": "kubelet: failed\n" });
      expect(kept).toBe(join(dir, "logs"));
      const text = readFileSync(join(dir, "logs", "setup.log"), "utf8");
      expect(text).toContain("## kubeadm init\n$ kubeadm init\n(exit 1)\n[wait-control-plane] timed out");
      expect(text).toContain("## read admin.conf");
      expect(text).not.toContain("S0VZ");
      expect(readFileSync(join(dir, "logs", "journal.log"), "utf8")).toBe("kubelet: failed\n");
      expect(lines).toEqual(["kind: kubeadm init"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("goes to $OPDEPLOY_KIND_LOGS, else a fresh temp directory, and the error says where", () => {
    expect(setupLogDir({ OPDEPLOY_KIND_LOGS: "/ci/kind-logs" })).toBe("/ci/kind-logs");
    const dir = setupLogDir({}, new Date("2026-12-01T03:04:05.678Z"));
    expect(dir).toBe(join(tmpdir(), "opdeploy-kind-2026-12-01T03-04-05-678Z"));
    expect(existsSync(dir)).toBe(false);
    expect(new KindSetupError("kubeadm init", "kubeadm init exited 1", "/ci/kind-logs").message).toBe("kind: kubeadm init failed: kubeadm init exited 1; setup logs kept in /ci/kind-logs");
  });
});
