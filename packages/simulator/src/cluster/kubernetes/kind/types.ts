/** What every way of making a kind cluster hands back. */
export interface KindCluster {
  /** Admin kubeconfig (YAML) pointing at the API server from this machine. */
  kubeconfig: string;
  /** The kind cluster name (`kind get clusters`). */
  name: string;
  stop(): Promise<void>;
}

export interface KindClusterOptions {
  /** Node image; default KIND_NODE_IMAGE (digest-pinned). */
  image?: string;
  /** Cluster name; default "opdeploy". */
  name?: string;
  /**
   * Worker nodes besides the control plane (default 0: one node, untainted). Only the kind CLI
   * makes them; with workers, kind keeps the control-plane NoSchedule taint.
   */
  workers?: number;
  /** Progress lines ("kind: kubeadm init …"); never command output. */
  log?: (line: string) => void;
}
