/**
 * The kind node container, as kind v0.25.0 runs it (kind
 * pkg/cluster/internal/providers/docker/provision.go: commonArgs + runArgsForNode), expressed as
 * the Docker Engine API create body that `docker run` would send for those flags. Pure: the
 * testcontainers fixture (fixture.ts) copies this body into its container, and the unit tests
 * compare it with kind's flags one by one.
 */

/** The kind release whose node image, config and manifests this code follows. */
export const KIND_VERSION = "v0.25.0";

/**
 * kind v0.25.0's default node image (release notes of v0.25.0; kind
 * pkg/apis/config/defaults/image.go at that tag), pinned by digest so that CI and the fixture
 * run the bits kind's release was tested with, never a re-pushed tag.
 */
export const KIND_NODE_IMAGE = "kindest/node:v1.31.2@sha256:18fbefc20a7113353c7b75b5c869d7145a6abd6269154825872dc59c1329912e";

/** kind: common.APIServerInternalPort. */
export const API_SERVER_PORT = 6443;

/**
 * kind pkg/cluster/internal/providers/common (NodeReachedCgroupsReadyRegexp): systemd prints
 * "Reached target … Multi-User System" (cgroup v2) or the entrypoint "detected cgroup v1". Only
 * then is `docker exec` safe. systemd writes it to /dev/console, which exists only with a TTY.
 */
export const NODE_READY_LOG = /Reached target .*Multi-User System.*|detected cgroup v1/;

/** kind: common.MakeNodeNamer — the single control-plane node of cluster `name`. */
export function controlPlaneNodeName(clusterName: string): string {
  return `${clusterName}-control-plane`;
}

export interface NodeCreateBody {
  Hostname: string;
  Tty: boolean;
  Env: string[];
  /** Anonymous volumes (`--volume /var`). */
  Volumes: Record<string, Record<string, never>>;
  Labels: Record<string, string>;
  HostConfig: {
    Privileged: boolean;
    SecurityOpt: string[];
    Tmpfs: Record<string, string>;
    Binds: string[];
    CgroupnsMode: "private";
    Init: boolean;
  };
}

/**
 * What kind's `docker run` flags for a control-plane node become in the Engine API (the docker
 * CLI's mapping: `--tty` → Config.Tty, `--volume /var` → Config.Volumes, `--tmpfs` →
 * HostConfig.Tmpfs, `--volume a:b:ro` → HostConfig.Binds, `--cgroupns` → HostConfig.CgroupnsMode,
 * `--init=false` → HostConfig.Init). Left out on purpose: `--restart=on-failure:1` (a throw-away
 * node must not come back after a daemon restart), `--net kind` (the default bridge resolves the
 * node's own hostname through /etc/hosts, which is all one node needs) and the published port
 * (testcontainers maps 6443 to a random host port itself).
 */
export function nodeCreateBody(clusterName: string): NodeCreateBody {
  return {
    // --hostname: kubeadm names the node after it; the kubeadm config's endpoint resolves to it.
    Hostname: controlPlaneNodeName(clusterName),
    // --tty: without it systemd has no /dev/console and never prints NODE_READY_LOG.
    Tty: true,
    // -e KUBECONFIG for control-plane nodes. (kind also passes KIND_EXPERIMENTAL_CONTAINERD_
    // SNAPSHOTTER through from the host; unset, the entrypoint picks the snapshotter itself.)
    Env: ["KUBECONFIG=/etc/kubernetes/admin.conf"],
    // --volume /var: containerd's overlayfs snapshots need a real filesystem below them; on the
    // container's own overlay root the kernel refuses the upper dir and kubeadm init times out.
    Volumes: { "/var": {} },
    Labels: { "io.x-k8s.kind.cluster": clusterName, "io.x-k8s.kind.role": "control-plane" },
    HostConfig: {
      Privileged: true,
      SecurityOpt: ["seccomp=unconfined", "apparmor=unconfined"],
      Tmpfs: { "/tmp": "", "/run": "" },
      Binds: ["/lib/modules:/lib/modules:ro"],
      CgroupnsMode: "private",
      // The image's entrypoint must be PID 1, not docker-init.
      Init: false,
    },
  };
}
