/**
 * A throw-away one-node kind cluster through testcontainers, for machines without the kind CLI
 * (the design card's "kind via testcontainers"; dajudge/kindcontainer does the same in Java).
 * It replays `kind create cluster` v0.25.0 step by step: the node container as kind's docker
 * provider runs it (node.ts), kubeadm config (kubeadm-config.ts), `kubeadm init`, kindnet with
 * the pod subnet rendered (cni.ts), local-path storage, the control-plane taint removed, the node
 * Ready (kind `--wait`), and the kubeconfig pointed at the mapped port (kubeconfig.ts). Every
 * step is recorded; a failure keeps the transcript and the node's journal (setup-log.ts).
 *
 * testcontainers is a dev dependency, loaded here only.
 */
import type { GenericContainer, StartedTestContainer } from "testcontainers";
import { renderCniManifest } from "./cni.js";
import { KUBEADM_INIT_COMMAND, kubectlFileCommand, parseKubeVersion, renderKubeadmConfig, untaintCommand, waitReadyCommand, KIND_DEFAULTS } from "./kubeadm-config.js";
import { kubeconfigForServer } from "./kubeconfig.js";
import { API_SERVER_PORT, KIND_NODE_IMAGE, NODE_READY_LOG, controlPlaneNodeName, nodeCreateBody } from "./node.js";
import { KindSetupError, SetupLog, setupLogDir } from "./setup-log.js";
import type { KindCluster, KindClusterOptions } from "./types.js";

/** kind waits 30 s for the systemd line; image pull and a cold Docker need more. */
export const NODE_START_TIMEOUT_MS = 120_000;
/** kind `--wait` in CI is 300 s; the node alone is Ready well within 180 s. */
export const NODE_READY_TIMEOUT_SECONDS = 180;

type Testcontainers = typeof import("testcontainers");

async function loadTestcontainers(): Promise<Testcontainers> {
  try {
    return await import("testcontainers");
  } catch {
    throw new KindSetupError("loading testcontainers", "the testcontainers package is not installed; install the kind CLI (https://kind.sigs.k8s.io) or add testcontainers", undefined);
  }
}

/** What kindNodeContainerClass returns (named, so that declarations stay portable). */
export type KindNodeContainerClass = new (image: string, clusterName: string) => GenericContainer & { createBody(): Record<string, unknown> };

/**
 * A GenericContainer that creates the node the way kind does. testcontainers has no TTY or
 * anonymous-volume option; a subclass that fills the create body is how its own modules (k3s:
 * CgroupnsMode) and the Java kind module do it.
 */
export function kindNodeContainerClass(Base: typeof GenericContainer): KindNodeContainerClass {
  return class KindNodeContainer extends Base {
    constructor(image: string, clusterName: string) {
      super(image);
      const { HostConfig, ...create } = nodeCreateBody(clusterName);
      this.createOpts = { ...this.createOpts, ...create };
      this.hostConfig = { ...this.hostConfig, ...HostConfig };
      this.withExposedPorts(API_SERVER_PORT);
    }

    /** The body `start()` sends to the Engine API's container create. */
    createBody(): Record<string, unknown> {
      return { ...this.createOpts, HostConfig: this.hostConfig };
    }
  };
}

export async function createKindClusterInDocker(options: KindClusterOptions = {}): Promise<KindCluster> {
  const tc = await loadTestcontainers();
  const clusterName = options.name ?? "opdeploy";
  const image = options.image ?? KIND_NODE_IMAGE;
  const log = new SetupLog(options.log);
  const Node = kindNodeContainerClass(tc.GenericContainer);
  log.step(`starting ${image} (testcontainers)`);
  let container: StartedTestContainer;
  try {
    container = await new Node(image, clusterName).withWaitStrategy(tc.Wait.forLogMessage(NODE_READY_LOG, 1)).withStartupTimeout(NODE_START_TIMEOUT_MS).start();
  } catch (error) {
    log.record("start the node container", { output: message(error) });
    throw new KindSetupError("starting the node container", message(error), await log.keep(setupLogDir()));
  }
  return setUpNode(container, clusterName, log);
}

/** The node container calls the setup uses (a StartedTestContainer provides them). */
export type NodeContainer = Pick<StartedTestContainer, "exec" | "copyContentToContainer" | "getNetworkNames" | "getIpAddress" | "getHost" | "getMappedPort" | "stop">;

/**
 * Everything after the node container started: kubeadm, CNI, storage, taint, Ready, kubeconfig.
 * On failure the transcript and the node's diagnostics are kept, the container is removed, and
 * the error names the step and the log directory.
 */
export async function setUpNode(container: NodeContainer, clusterName: string, log: SetupLog): Promise<KindCluster> {
  try {
    const kubeconfig = await bootstrap(container, clusterName, log);
    return { kubeconfig, name: clusterName, stop: async () => void (await container.stop({ timeout: 10_000 })) };
  } catch (error) {
    const step = error instanceof StepError ? error.step : "setup";
    const logDir = await log.keep(setupLogDir(), await diagnostics(container));
    await container.stop({ timeout: 10_000 }).catch(() => undefined);
    throw new KindSetupError(step, message(error), logDir);
  }
}

class StepError extends Error {
  constructor(readonly step: string, detail: string) {
    super(detail);
  }
}

async function bootstrap(container: NodeContainer, clusterName: string, log: SetupLog): Promise<string> {
  const run = async (step: string, command: string[], secret = false): Promise<string> => {
    const result = await container.exec(command);
    log.record(step, { command, exitCode: result.exitCode, output: result.output }, { secret });
    if (result.exitCode !== 0) throw new StepError(step, `${command.slice(0, 3).join(" ")} exited ${result.exitCode}${secret ? "" : `: ${lastLines(result.output)}`}`);
    return result.output;
  };
  const write = async (step: string, target: string, content: string): Promise<void> => {
    await container.copyContentToContainer([{ content, target }]);
    log.record(step, { output: `wrote ${target}:\n${content}` });
  };
  const version = parseKubeVersion(await run("read /kind/version", ["cat", "/kind/version"]));
  const network = container.getNetworkNames()[0];
  if (network === undefined) throw new StepError("node address", "the node container is on no Docker network");
  const nodeAddress = container.getIpAddress(network);
  const host = container.getHost();
  const extraCertSANs = host === "localhost" || host === "127.0.0.1" ? [] : [host];
  await write("write /kind/kubeadm.conf", "/kind/kubeadm.conf", renderKubeadmConfig({ clusterName, kubernetesVersion: version.text, nodeAddress, extraCertSANs }));
  log.step(`kubeadm init (Kubernetes ${version.text})`);
  await run("kubeadm init", KUBEADM_INIT_COMMAND);
  log.step("installing kindnet and local-path storage");
  const cni = renderCniManifest(await run("read the CNI manifest", ["cat", "/kind/manifests/default-cni.yaml"]), {
    podSubnet: KIND_DEFAULTS.podSubnet,
    controlPlaneEndpoint: `${controlPlaneNodeName(clusterName)}:${API_SERVER_PORT}`,
  });
  await write("render the CNI manifest", "/kind/opdeploy-cni.yaml", cni);
  await run("install the CNI", kubectlFileCommand("create", "/kind/opdeploy-cni.yaml"));
  await run("install storage", kubectlFileCommand("apply", "/kind/manifests/default-storage.yaml"));
  await run("remove the control-plane taint", untaintCommand(version));
  log.step("waiting for the node to be Ready");
  await run("wait for the node", waitReadyCommand(NODE_READY_TIMEOUT_SECONDS));
  const admin = await run("read admin.conf", ["cat", "/etc/kubernetes/admin.conf"], true);
  return kubeconfigForServer(admin, `https://${host}:${container.getMappedPort(API_SERVER_PORT)}`);
}

/** What `kind export logs` would have shown first: the kubelet/containerd journal and the pods. */
async function diagnostics(container: NodeContainer): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  const commands: Record<string, string[]> = {
    "journal.log": ["journalctl", "--no-pager", "-n", "3000"],
    "kubelet.log": ["journalctl", "--no-pager", "-u", "kubelet", "-n", "2000"],
    "containers.txt": ["crictl", "ps", "-a"],
  };
  for (const [file, command] of Object.entries(commands)) {
    files[file] = await container.exec(command).then((r) => r.output, (e: unknown) => `could not run ${command.join(" ")}: ${message(e)}`);
  }
  return files;
}

function lastLines(output: string, count = 15): string {
  return output.trimEnd().split("\n").slice(-count).join("\n");
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
