/**
 * `simulate --on kind` honours `cluster.nodes` (issue 9): the kind CLI gets a cluster config with
 * one control plane and a worker per further node (kind.x-k8s.io/v1alpha4, kind's documented
 * multi-node config). Checked through a stand-in for the `kind` binary.
 */
import { readFile, writeFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { createKindClusterWithCli, kindClusterConfig, kindCreateArgs } from "../../src/cluster/kubernetes/kind/kind-cli.js";
import type { CommandRunner } from "../../src/cluster/kubernetes/kind/kind-cli.js";

describe("kind nodes from cluster.nodes", () => {
  it("writes one control plane and the workers", () => {
    expect(kindClusterConfig(2)).toBe(["kind: Cluster", "apiVersion: kind.x-k8s.io/v1alpha4", "nodes:", "- role: control-plane", "- role: worker", "- role: worker", ""].join("\n"));
  });

  it("passes --config only when there are workers", () => {
    expect(kindCreateArgs("c", "img", "/k")).not.toContain("--config");
    expect(kindCreateArgs("c", "img", "/k", 300, "/tmp/kind.yaml").slice(-2)).toEqual(["--config", "/tmp/kind.yaml"]);
  });

  it("creates a 3-node cluster with the kind CLI: the config it reads names two workers", async () => {
    let config: string | undefined;
    const run: CommandRunner = async (_file, args) => {
      if (args[0] === "get") return { stdout: "", stderr: "" };
      if (args[0] === "create") {
        const at = args.indexOf("--config");
        config = await readFile(args[at + 1]!, "utf8");
        await writeFile(args[args.indexOf("--kubeconfig") + 1]!, "apiVersion: v1\nkind: Config\n");
      }
      return { stdout: "", stderr: "" };
    };
    const cluster = await createKindClusterWithCli({ name: "three", workers: 2 }, run);
    expect(config).toBe(kindClusterConfig(2));
    expect(cluster.kubeconfig).toContain("kind: Config");
    await cluster.stop();
  });
});
