/**
 * The fixture's setup after the node container started (fixture.ts `setUpNode`), driven through
 * a stand-in node: there is no Docker here, so the stand-in answers the commands a kind node
 * answers. What is checked is the fixture's own logic: the order of kind's steps, the files it
 * writes into the node, the kubeconfig it hands back, and what a failure leaves behind.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { KubeConfig } from "@kubernetes/client-node";
import { setUpNode } from "../../src/cluster/kubernetes/kind/fixture.js";
import type { NodeContainer } from "../../src/cluster/kubernetes/kind/fixture.js";
import { KUBEADM_INIT_COMMAND } from "../../src/cluster/kubernetes/kind/kubeadm-config.js";
import { KindSetupError, SetupLog } from "../../src/cluster/kubernetes/kind/setup-log.js";
import { ADMIN_CONF, CNI_TEMPLATE } from "./kind-test-data.js";

function standInNode(options: { host?: string; failing?: { command: string; exitCode: number; output: string } } = {}) {
  const commands: string[][] = [];
  const files = new Map<string, string>();
  let stopped = 0;
  const answers: Record<string, string> = {
    "cat /kind/version": "v1.31.2\n",
    "cat /kind/manifests/default-cni.yaml": CNI_TEMPLATE,
    "cat /etc/kubernetes/admin.conf": ADMIN_CONF,
    "journalctl --no-pager -n 3000": "systemd[1]: Started kubelet.service\n",
  };
  const node: NodeContainer = {
    exec: (async (command: string | string[]) => {
      const argv = typeof command === "string" ? [command] : command;
      commands.push(argv);
      const line = argv.join(" ");
      if (options.failing && line === options.failing.command) return { output: options.failing.output, stdout: options.failing.output, stderr: "", exitCode: options.failing.exitCode };
      const output = answers[line] ?? "";
      return { output, stdout: output, stderr: "", exitCode: 0 };
    }) as NodeContainer["exec"],
    copyContentToContainer: async (contents) => {
      for (const c of contents) files.set(c.target, String(c.content));
    },
    getNetworkNames: () => ["bridge"],
    getIpAddress: (network) => (network === "bridge" ? "172.17.0.2" : "?"),
    getHost: () => options.host ?? "localhost",
    getMappedPort: ((port: number) => (port === 6443 ? 32771 : 0)) as NodeContainer["getMappedPort"],
    stop: (async () => {
      stopped++;
      return {} as Awaited<ReturnType<NodeContainer["stop"]>>;
    }) as NodeContainer["stop"],
  };
  return { node, commands, files, stopped: () => stopped };
}

const KUBECTL = ["kubectl", "--kubeconfig=/etc/kubernetes/admin.conf"];

describe("the fixture's node setup", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("runs kind's steps in kind's order", async () => {
    const standIn = standInNode();
    await setUpNode(standIn.node, "opdeploy", new SetupLog());
    expect(standIn.commands).toEqual([
      ["cat", "/kind/version"],
      KUBEADM_INIT_COMMAND,
      ["cat", "/kind/manifests/default-cni.yaml"],
      [...KUBECTL, "create", "-f", "/kind/opdeploy-cni.yaml"],
      [...KUBECTL, "apply", "-f", "/kind/manifests/default-storage.yaml"],
      [...KUBECTL, "taint", "nodes", "--all", "node-role.kubernetes.io/control-plane-"],
      [...KUBECTL, "wait", "--for=condition=Ready", "nodes", "--all", "--timeout=180s"],
      ["cat", "/etc/kubernetes/admin.conf"],
    ]);
  });

  it("writes kubeadm.conf with the image's version and the node's address, and the CNI rendered", async () => {
    const standIn = standInNode();
    await setUpNode(standIn.node, "opdeploy", new SetupLog());
    const kubeadm = standIn.files.get("/kind/kubeadm.conf") ?? "";
    expect(kubeadm).toContain("kubernetesVersion: v1.31.2");
    expect(kubeadm).toContain("node-ip: 172.17.0.2");
    expect(kubeadm).toContain("advertiseAddress: 172.17.0.2");
    const cni = standIn.files.get("/kind/opdeploy-cni.yaml") ?? "";
    expect(cni).not.toContain("{{");
    expect(cni).toContain("value: 10.244.0.0/16");
    expect(cni).toContain("value: opdeploy-control-plane:6443");
  });

  it("hands back admin.conf pointed at the mapped port, and stop() removes the node", async () => {
    const standIn = standInNode();
    const cluster = await setUpNode(standIn.node, "opdeploy", new SetupLog());
    const kc = new KubeConfig();
    kc.loadFromString(cluster.kubeconfig);
    expect(kc.getCurrentCluster()?.server).toBe("https://localhost:32771");
    expect(standIn.stopped()).toBe(0);
    await cluster.stop();
    expect(standIn.stopped()).toBe(1);
  });

  it("puts a remote Docker host into the API server certificate", async () => {
    const standIn = standInNode({ host: "10.0.0.5" });
    const cluster = await setUpNode(standIn.node, "opdeploy", new SetupLog());
    expect(standIn.files.get("/kind/kubeadm.conf")).toContain("- 10.0.0.5");
    expect(cluster.kubeconfig).toContain("server: https://10.0.0.5:32771");
  });

  it("on a failed step: keeps the transcript and the journal, removes the node, names the step and the logs", async () => {
    const logs = mkdtempSync(join(tmpdir(), "opdeploy-kind-fixture-"));
    vi.stubEnv("OPDEPLOY_KIND_LOGS", logs);
    try {
      const standIn = standInNode({ failing: { command: KUBEADM_INIT_COMMAND.join(" "), exitCode: 1, output: "[wait-control-plane] Waiting for the kubelet\nerror execution phase wait-control-plane: timed out\n" } });
      const failure = await setUpNode(standIn.node, "opdeploy", new SetupLog()).then(() => undefined, (error: unknown) => error);
      expect(failure).toBeInstanceOf(KindSetupError);
      expect((failure as KindSetupError).message).toBe(
        `kind: kubeadm init failed: kubeadm init --skip-phases=preflight exited 1: [wait-control-plane] Waiting for the kubelet\nerror execution phase wait-control-plane: timed out; setup logs kept in ${logs}`,
      );
      expect(standIn.stopped()).toBe(1);
      expect(standIn.commands.some((c) => c.join(" ") === "cat /etc/kubernetes/admin.conf")).toBe(false);
      expect(readFileSync(join(logs, "setup.log"), "utf8")).toContain("## kubeadm init\n$ kubeadm init --skip-phases=preflight --config=/kind/kubeadm.conf --skip-token-print --v=6\n(exit 1)\n[wait-control-plane] Waiting for the kubelet");
      expect(readFileSync(join(logs, "journal.log"), "utf8")).toBe("systemd[1]: Started kubelet.service\n");
    } finally {
      rmSync(logs, { recursive: true, force: true });
    }
  });
});
