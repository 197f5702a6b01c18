/**
 * A throw-away kind cluster in Docker via testcontainers. kind has no testcontainers module, so
 * this does what `kind create cluster` does for one control-plane node (kind
 * pkg/cluster/internal/create/actions: kubeadminit, installcni, installstorage): run the
 * `kindest/node` image privileged (systemd + containerd inside), `kubeadm init` with a minimal
 * config, install kind's bundled CNI (kindnet) and local-path storage manifests, untaint the
 * node, and read admin.conf with the server rewritten to the mapped port. We chose this over
 * k3s so that the simulator's "kind" overhead model and the real cluster are the same thing.
 *
 * testcontainers is a dev dependency: it is loaded lazily, and a missing Docker engine is
 * reported as KindUnavailableError (the CLI maps it to exit 2).
 */
export const KIND_NODE_IMAGE = "kindest/node:v1.31.2";

export class KindUnavailableError extends Error {
  constructor(reason: string) {
    super(`kind: no Docker engine available (${reason}); kind clusters need Docker`);
    this.name = "KindUnavailableError";
  }
}

export interface KindCluster {
  kubeconfig: string;
  stop(): Promise<void>;
}

/** Whether a container runtime answers; the reason when not. */
export async function dockerAvailable(): Promise<{ ok: true } | { ok: false; reason: string }> {
  try {
    const { getContainerRuntimeClient } = await import("testcontainers");
    await getContainerRuntimeClient();
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? (error.message.split("\n")[0] ?? error.message) : String(error) };
  }
}

const KUBEADM_CONFIG = `apiVersion: kubeadm.k8s.io/v1beta3
kind: ClusterConfiguration
clusterName: opdeploy
controlPlaneEndpoint: "opdeploy-control-plane:6443"
apiServer:
  certSANs: ["localhost", "127.0.0.1"]
networking:
  podSubnet: "10.244.0.0/16"
  serviceSubnet: "10.96.0.0/16"
---
apiVersion: kubeadm.k8s.io/v1beta3
kind: InitConfiguration
nodeRegistration:
  criSocket: unix:///run/containerd/containerd.sock
  kubeletExtraArgs:
    node-ip: "{{NODE_IP}}"
    provider-id: "kind://docker/opdeploy/opdeploy-control-plane"
---
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
cgroupDriver: systemd
cgroupRoot: /kubelet
failSwapOn: false
# As kind: no hard eviction on memory, so allocatable = capacity (see kubernetes-semantics.md).
evictionHard:
  nodefs.available: "0%"
  nodefs.inodesFree: "0%"
  imagefs.available: "0%"
---
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
conntrack:
  maxPerCore: 0
`;

export async function createKindCluster(options: { image?: string; log?: (line: string) => void } = {}): Promise<KindCluster> {
  const available = await dockerAvailable();
  if (!available.ok) throw new KindUnavailableError(available.reason);
  const { GenericContainer, Wait } = await import("testcontainers");
  const log = options.log ?? (() => {});
  log(`kind: starting ${options.image ?? KIND_NODE_IMAGE}`);
  const container = await new GenericContainer(options.image ?? KIND_NODE_IMAGE)
    .withPrivilegedMode()
    .withHostname("opdeploy-control-plane")
    .withExposedPorts(6443)
    .withTmpFs({ "/tmp": "", "/run": "" })
    .withBindMounts([{ source: "/lib/modules", target: "/lib/modules", mode: "ro" }])
    .withEnvironment({ container: "docker" })
    .withWaitStrategy(Wait.forLogMessage(/Reached target .*Multi-User System|multi-user\.target/, 1))
    .withStartupTimeout(120_000)
    .start();
  const exec = async (command: string[]): Promise<string> => {
    const result = await container.exec(command);
    if (result.exitCode !== 0) throw new Error(`kind: ${command.join(" ")} failed (${result.exitCode}): ${result.output.slice(-2000)}`);
    return result.output;
  };
  try {
    const ip = (await exec(["hostname", "-i"])).trim().split(/\s+/)[0] ?? "";
    await exec(["sh", "-c", `mkdir -p /kind && cat > /kind/kubeadm.conf <<'EOF'\n${KUBEADM_CONFIG.replace("{{NODE_IP}}", ip)}EOF`]);
    log("kind: kubeadm init");
    await exec(["kubeadm", "init", "--skip-phases=preflight", "--config=/kind/kubeadm.conf", "--skip-token-print", "--v=1"]);
    const kubectl = ["kubectl", "--kubeconfig=/etc/kubernetes/admin.conf"];
    await exec([...kubectl, "apply", "-f", "/kind/manifests/default-cni.yaml"]);
    await exec([...kubectl, "apply", "-f", "/kind/manifests/default-storage.yaml"]);
    await exec([...kubectl, "taint", "nodes", "--all", "node-role.kubernetes.io/control-plane-"]).catch(() => "");
    await exec([...kubectl, "wait", "--for=condition=Ready", "nodes", "--all", "--timeout=180s"]);
    const admin = await exec(["cat", "/etc/kubernetes/admin.conf"]);
    const kubeconfig = admin.replace(/server: https:\/\/[^\s]+/, `server: https://${container.getHost()}:${container.getMappedPort(6443)}`);
    return { kubeconfig, stop: async () => void (await container.stop({ timeout: 10_000 })) };
  } catch (error) {
    await container.stop().catch(() => undefined);
    throw error;
  }
}
