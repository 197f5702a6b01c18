/**
 * The kubeadm configuration and the bootstrap commands of a one-node kind cluster, as kind
 * v0.25.0 produces them (pkg/cluster/internal/create/actions/config/config.go fills
 * kubeadm.ConfigData; pkg/cluster/internal/kubeadm/config.go renders ConfigTemplateBetaV3 for
 * Kubernetes ≥ 1.23; pkg/cluster/internal/create/actions/kubeadminit/init.go runs kubeadm).
 * Built as objects and serialised with the `yaml` package instead of a text template, so a value
 * can never break the document. Pure: unit-tested against kind's values.
 */
import { stringify } from "yaml";
import { API_SERVER_PORT, controlPlaneNodeName } from "./node.js";

/** kind's defaults (pkg/apis/config/v1alpha4/default.go; kubeadm/const.go for the token). */
export const KIND_DEFAULTS = {
  podSubnet: "10.244.0.0/16",
  serviceSubnet: "10.96.0.0/16",
  apiServerAddress: "127.0.0.1",
  kubeProxyMode: "iptables",
  /** kind's well-known bootstrap token (public, in kind's source); only used for TLS bootstrap. */
  token: "abcdef.0123456789abcdef",
} as const;

export interface KubeVersion {
  /** As written in /kind/version, e.g. "v1.31.2". */
  text: string;
  major: number;
  minor: number;
}

/**
 * /kind/version of the node image (kind nodeutils.KubeVersion: exactly one line). kubeadm gets
 * it as `kubernetesVersion`, so it uses the images preloaded in the node instead of pulling the
 * latest patch release.
 */
export function parseKubeVersion(file: string): KubeVersion {
  const lines = file.split(/\r?\n/).filter((line) => line.trim() !== "");
  if (lines.length !== 1) throw new Error(`kind: /kind/version should be one line, got ${lines.length}`);
  const text = lines[0]!.trim();
  const match = /^v(\d+)\.(\d+)\.\d+/.exec(text);
  if (!match) throw new Error(`kind: /kind/version is not a Kubernetes version: ${JSON.stringify(text.slice(0, 40))}`);
  const version = { text, major: Number(match[1]), minor: Number(match[2]) };
  // kubeadm v1beta3 and the systemd cgroup driver: what kind uses from Kubernetes 1.24 on.
  if (version.major !== 1 || version.minor < 24) throw new Error(`kind: node image Kubernetes ${text} is older than v1.24, which this fixture does not configure`);
  return version;
}

export interface KubeadmConfigData {
  clusterName: string;
  kubernetesVersion: string;
  /** The node's IP on its Docker network (kind: node.IP()). */
  nodeAddress: string;
  /** Extra names for the API server certificate (a remote Docker host's address). */
  extraCertSANs?: string[];
  podSubnet?: string;
  serviceSubnet?: string;
}

/** The documents of kind's ConfigTemplateBetaV3 for one control-plane node, IPv4, no feature gates. */
export function kubeadmConfigDocuments(data: KubeadmConfigData): Record<string, unknown>[] {
  const nodeName = controlPlaneNodeName(data.clusterName);
  // kind GetAPIServerInternalEndpoint: the node's name on the Docker network, port 6443.
  const controlPlaneEndpoint = `${nodeName}:${API_SERVER_PORT}`;
  const kubeletExtraArgs = {
    "node-ip": data.nodeAddress,
    "provider-id": `kind://docker/${data.clusterName}/${nodeName}`,
    "node-labels": "",
  };
  const nodeRegistration = { criSocket: "unix:///run/containerd/containerd.sock", kubeletExtraArgs };
  const sans = [...new Set(["localhost", KIND_DEFAULTS.apiServerAddress, ...(data.extraCertSANs ?? [])])];
  return [
    {
      apiVersion: "kubeadm.k8s.io/v1beta3",
      kind: "ClusterConfiguration",
      kubernetesVersion: data.kubernetesVersion,
      clusterName: data.clusterName,
      controlPlaneEndpoint,
      // The kubeconfig handed out points at localhost (or the Docker host): the cert must say so.
      apiServer: { certSANs: sans, extraArgs: { "runtime-config": "" } },
      controllerManager: { extraArgs: { "enable-hostpath-provisioner": "true" } },
      networking: { podSubnet: data.podSubnet ?? KIND_DEFAULTS.podSubnet, serviceSubnet: data.serviceSubnet ?? KIND_DEFAULTS.serviceSubnet },
    },
    {
      apiVersion: "kubeadm.k8s.io/v1beta3",
      kind: "InitConfiguration",
      bootstrapTokens: [{ token: KIND_DEFAULTS.token }],
      localAPIEndpoint: { advertiseAddress: data.nodeAddress, bindPort: API_SERVER_PORT },
      nodeRegistration,
    },
    {
      apiVersion: "kubeadm.k8s.io/v1beta3",
      kind: "JoinConfiguration",
      controlPlane: { localAPIEndpoint: { advertiseAddress: data.nodeAddress, bindPort: API_SERVER_PORT } },
      nodeRegistration,
      discovery: { bootstrapToken: { apiServerEndpoint: controlPlaneEndpoint, token: KIND_DEFAULTS.token, unsafeSkipCAVerification: true } },
    },
    kindKubeletConfiguration(),
    {
      apiVersion: "kubeproxy.config.k8s.io/v1alpha1",
      kind: "KubeProxyConfiguration",
      mode: KIND_DEFAULTS.kubeProxyMode,
      iptables: { minSyncPeriod: "1s" },
      // Do not set the host-global nf_conntrack_max from inside a container.
      conntrack: { maxPerCore: 0 },
    },
  ];
}

/**
 * kind's kubelet settings. The node's disk is the host's disk seen through Docker: the kubelet
 * must not garbage-collect images or evict pods over it, so image GC is off and the hard
 * eviction thresholds are 0% — which also makes allocatable memory equal capacity (see
 * docs/kubernetes-semantics.md, the simulator's "kind" overhead).
 */
export function kindKubeletConfiguration(): Record<string, unknown> {
  return {
    apiVersion: "kubelet.config.k8s.io/v1beta1",
    kind: "KubeletConfiguration",
    cgroupDriver: "systemd",
    cgroupRoot: "/kubelet",
    failSwapOn: false,
    imageGCHighThresholdPercent: 100,
    evictionHard: { "nodefs.available": "0%", "nodefs.inodesFree": "0%", "imagefs.available": "0%" },
  };
}

/** /kind/kubeadm.conf: the documents as one multi-document YAML file. */
export function renderKubeadmConfig(data: KubeadmConfigData): string {
  return kubeadmConfigDocuments(data).map((doc) => stringify(doc)).join("---\n");
}

/** kind kubeadminit: preflight is skipped (its checks misfire inside a container). */
export const KUBEADM_INIT_COMMAND = ["kubeadm", "init", "--skip-phases=preflight", "--config=/kind/kubeadm.conf", "--skip-token-print", "--v=6"];

const KUBECTL = ["kubectl", "--kubeconfig=/etc/kubernetes/admin.conf"];

/**
 * kind kubeadminit, single node: remove the control-plane taint so workloads schedule. kubeadm
 * 1.24 set both taints; from 1.25 only `control-plane` exists, and removing an absent taint fails.
 */
export function untaintCommand(version: KubeVersion): string[] {
  const taints = version.minor >= 25 ? ["node-role.kubernetes.io/control-plane-"] : ["node-role.kubernetes.io/control-plane-", "node-role.kubernetes.io/master-"];
  return [...KUBECTL, "taint", "nodes", "--all", ...taints];
}

/**
 * kind installcni (`kubectl create`) / installstorage (`kubectl apply`). kind pipes the manifest
 * on stdin; testcontainers' exec has no stdin, so the fixture copies it to `file` first.
 */
export function kubectlFileCommand(verb: "create" | "apply", file: string): string[] {
  return [...KUBECTL, verb, "-f", file];
}

/** kind waitforready (`--wait`): the node's Ready condition. */
export function waitReadyCommand(timeoutSeconds: number): string[] {
  return [...KUBECTL, "wait", "--for=condition=Ready", "nodes", "--all", `--timeout=${timeoutSeconds}s`];
}
