/**
 * The kind node and its kubeadm configuration, checked against what kind v0.25.0 does for the
 * same image. Expected values are kind's, cited per block:
 *   provision.go = pkg/cluster/internal/providers/docker/provision.go (commonArgs, runArgsForNode)
 *   config.go    = pkg/cluster/internal/kubeadm/config.go (ConfigTemplateBetaV3, Config, Derive)
 *   actions/config = pkg/cluster/internal/create/actions/config/config.go (ConfigData)
 *   kubeadminit  = pkg/cluster/internal/create/actions/kubeadminit/init.go
 *   default.go   = pkg/apis/config/v1alpha4/default.go
 * No Docker needed: these are the pure steps of the fixture.
 */
import { GenericContainer } from "testcontainers";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { kindNodeContainerClass } from "../../src/cluster/kubernetes/kind/fixture.js";
import { KIND_DEFAULTS, KUBEADM_INIT_COMMAND, kubeadmConfigDocuments, parseKubeVersion, renderKubeadmConfig, untaintCommand, waitReadyCommand } from "../../src/cluster/kubernetes/kind/kubeadm-config.js";
import { KIND_NODE_IMAGE, NODE_READY_LOG, nodeCreateBody } from "../../src/cluster/kubernetes/kind/node.js";

describe("the node container (provision.go)", () => {
  it("is kind v0.25.0's default node image, pinned by digest", () => {
    // kind v0.25.0 release notes / defaults/image.go at v0.25.0.
    expect(KIND_NODE_IMAGE).toBe("kindest/node:v1.31.2@sha256:18fbefc20a7113353c7b75b5c869d7145a6abd6269154825872dc59c1329912e");
  });

  it("turns each of kind's docker run flags into the Engine API field docker would send", () => {
    const body = nodeCreateBody("opdeploy");
    expect(body.Hostname).toBe("opdeploy-control-plane"); // --hostname <cluster>-control-plane
    expect(body.Tty).toBe(true); // --tty
    expect(body.Volumes).toEqual({ "/var": {} }); // --volume /var (anonymous)
    expect(body.Env).toContain("KUBECONFIG=/etc/kubernetes/admin.conf"); // -e KUBECONFIG (control plane)
    expect(body.Labels).toEqual({ "io.x-k8s.kind.cluster": "opdeploy", "io.x-k8s.kind.role": "control-plane" });
    expect(body.HostConfig).toEqual({
      Privileged: true, // --privileged
      SecurityOpt: ["seccomp=unconfined", "apparmor=unconfined"], // --security-opt ×2
      Tmpfs: { "/tmp": "", "/run": "" }, // --tmpfs /tmp --tmpfs /run
      Binds: ["/lib/modules:/lib/modules:ro"], // --volume /lib/modules:/lib/modules:ro
      CgroupnsMode: "private", // --cgroupns=private
      Init: false, // --init=false
    });
  });

  it("the GenericContainer subclass sends that body when it creates the container", () => {
    const Node = kindNodeContainerClass(GenericContainer);
    const body = new Node(KIND_NODE_IMAGE, "opdeploy").createBody() as Record<string, unknown> & { HostConfig: Record<string, unknown> };
    const expected = nodeCreateBody("opdeploy");
    expect(body.Image).toBe(KIND_NODE_IMAGE);
    expect(body.Tty).toBe(true);
    expect(body.Volumes).toEqual(expected.Volumes);
    expect(body.Hostname).toBe(expected.Hostname);
    expect(body.Env).toEqual(expected.Env);
    expect(body.HostConfig).toMatchObject(expected.HostConfig);
    // The API server port, published to a random host port by testcontainers.
    expect(Object.keys(body.ExposedPorts as object)).toEqual(["6443/tcp"]);
  });

  it("waits for the line kind waits for (common.NodeReachedCgroupsReadyRegexp)", () => {
    // systemd 252+ (the v1.31.2 image), with the colour codes a TTY gets; older systemd; cgroup v1.
    expect(NODE_READY_LOG.test("[  OK  ] Reached target \u001b[0;1;39mmulti-user.target\u001b[0m - Multi-User System.")).toBe(true);
    expect(NODE_READY_LOG.test("[  OK  ] Reached target Multi-User System.")).toBe(true);
    expect(NODE_READY_LOG.test("INFO: detected cgroup v1")).toBe(true);
    expect(NODE_READY_LOG.test("[  OK  ] Reached target \u001b[0;1;39mbasic.target\u001b[0m - Basic System.")).toBe(false);
  });
});

describe("the Kubernetes version (nodeutils.KubeVersion reads /kind/version)", () => {
  it("reads the one line of /kind/version", () => {
    expect(parseKubeVersion("v1.31.2\n")).toEqual({ text: "v1.31.2", major: 1, minor: 31 });
  });

  it("refuses a file that is not one version line, naming what it found", () => {
    expect(() => parseKubeVersion("v1.31.2\nv1.30.0\n")).toThrow("/kind/version should be one line, got 2");
    expect(() => parseKubeVersion("")).toThrow("got 0");
    expect(() => parseKubeVersion("latest")).toThrow('is not a Kubernetes version: "latest"');
    expect(() => parseKubeVersion("v1.23.17")).toThrow("older than v1.24");
  });
});

describe("the kubeadm config (ConfigTemplateBetaV3 with kind's ConfigData)", () => {
  const data = { clusterName: "opdeploy", kubernetesVersion: "v1.31.2", nodeAddress: "172.17.0.2" };
  const docs = () => {
    const parsed = parseAllDocuments(renderKubeadmConfig(data));
    if (!Array.isArray(parsed)) throw new Error("not a stream");
    for (const doc of parsed) expect(doc.errors).toEqual([]);
    return new Map(parsed.map((doc) => {
      const value = doc.toJSON() as Record<string, unknown> & { kind: string };
      return [value.kind, value] as const;
    }));
  };

  it("renders kind's five documents, in kind's API versions", () => {
    const parsed = parseAllDocuments(renderKubeadmConfig(data));
    expect(Array.isArray(parsed) && parsed.map((d) => [d.get("apiVersion"), d.get("kind")])).toEqual([
      ["kubeadm.k8s.io/v1beta3", "ClusterConfiguration"],
      ["kubeadm.k8s.io/v1beta3", "InitConfiguration"],
      ["kubeadm.k8s.io/v1beta3", "JoinConfiguration"],
      ["kubelet.config.k8s.io/v1beta1", "KubeletConfiguration"],
      ["kubeproxy.config.k8s.io/v1alpha1", "KubeProxyConfiguration"],
    ]);
  });

  it("ClusterConfiguration: the image's version, kind's endpoint, SANs and subnets", () => {
    const cluster = docs().get("ClusterConfiguration")!;
    // actions/config: KubernetesVersion from the node, so kubeadm uses the preloaded images.
    expect(cluster.kubernetesVersion).toBe("v1.31.2");
    expect(cluster.clusterName).toBe("opdeploy");
    // GetAPIServerInternalEndpoint: <node>:6443.
    expect(cluster.controlPlaneEndpoint).toBe("opdeploy-control-plane:6443");
    // certSANs: [localhost, APIServerAddress] with APIServerAddress defaulting to 127.0.0.1.
    expect(cluster.apiServer).toEqual({ certSANs: ["localhost", "127.0.0.1"], extraArgs: { "runtime-config": "" } });
    expect(cluster.controllerManager).toEqual({ extraArgs: { "enable-hostpath-provisioner": "true" } });
    // default.go: 10.244.0.0/16 and 10.96.0.0/16.
    expect(cluster.networking).toEqual({ podSubnet: "10.244.0.0/16", serviceSubnet: "10.96.0.0/16" });
  });

  it("Init/JoinConfiguration: kind's token, the node address, containerd and the provider id", () => {
    const init = docs().get("InitConfiguration")!;
    expect(init.bootstrapTokens).toEqual([{ token: "abcdef.0123456789abcdef" }]);
    expect(init.localAPIEndpoint).toEqual({ advertiseAddress: "172.17.0.2", bindPort: 6443 });
    expect(init.nodeRegistration).toEqual({
      criSocket: "unix:///run/containerd/containerd.sock",
      kubeletExtraArgs: { "node-ip": "172.17.0.2", "provider-id": "kind://docker/opdeploy/opdeploy-control-plane", "node-labels": "" },
    });
    const join = docs().get("JoinConfiguration")!;
    expect(join.discovery).toEqual({ bootstrapToken: { apiServerEndpoint: "opdeploy-control-plane:6443", token: "abcdef.0123456789abcdef", unsafeSkipCAVerification: true } });
  });

  it("KubeletConfiguration: kind's kubelet settings (systemd cgroups, no image GC, no disk eviction)", () => {
    expect(docs().get("KubeletConfiguration")).toEqual({
      apiVersion: "kubelet.config.k8s.io/v1beta1",
      kind: "KubeletConfiguration",
      cgroupDriver: "systemd", // Derive(); cgroupfs only before 1.24
      cgroupRoot: "/kubelet",
      failSwapOn: false,
      imageGCHighThresholdPercent: 100,
      evictionHard: { "nodefs.available": "0%", "nodefs.inodesFree": "0%", "imagefs.available": "0%" },
    });
  });

  it("KubeProxyConfiguration: iptables, 1 s min sync, conntrack left alone", () => {
    const proxy = docs().get("KubeProxyConfiguration")!;
    expect(proxy.mode).toBe(KIND_DEFAULTS.kubeProxyMode);
    expect(proxy.mode).toBe("iptables");
    expect(proxy.iptables).toEqual({ minSyncPeriod: "1s" });
    expect(proxy.conntrack).toEqual({ maxPerCore: 0 });
  });

  it("adds a remote Docker host to the certificate names, once", () => {
    const [cluster] = kubeadmConfigDocuments({ ...data, extraCertSANs: ["10.1.2.3", "127.0.0.1"] });
    expect((cluster as { apiServer: { certSANs: string[] } }).apiServer.certSANs).toEqual(["localhost", "127.0.0.1", "10.1.2.3"]);
  });
});

describe("the bootstrap commands (kubeadminit, waitforready)", () => {
  it("runs kubeadm init as kind does", () => {
    expect(KUBEADM_INIT_COMMAND).toEqual(["kubeadm", "init", "--skip-phases=preflight", "--config=/kind/kubeadm.conf", "--skip-token-print", "--v=6"]);
  });

  it("removes only the taints kubeadm set for that version", () => {
    const kubectl = ["kubectl", "--kubeconfig=/etc/kubernetes/admin.conf", "taint", "nodes", "--all"];
    expect(untaintCommand(parseKubeVersion("v1.31.2"))).toEqual([...kubectl, "node-role.kubernetes.io/control-plane-"]);
    expect(untaintCommand(parseKubeVersion("v1.24.17"))).toEqual([...kubectl, "node-role.kubernetes.io/control-plane-", "node-role.kubernetes.io/master-"]);
  });

  it("waits for the node's Ready condition with the given timeout", () => {
    expect(waitReadyCommand(180)).toEqual(["kubectl", "--kubeconfig=/etc/kubernetes/admin.conf", "wait", "--for=condition=Ready", "nodes", "--all", "--timeout=180s"]);
  });
});
