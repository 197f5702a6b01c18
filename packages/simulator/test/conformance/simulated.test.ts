import { SimulatedCluster } from "../../src/index.js";
import { describeClusterConformance } from "./cluster-conformance.js";

const Gi = 1024 ** 3;

describeClusterConformance(
  "simulated (3 nodes × 8Gi / 4 cores)",
  async () =>
    new SimulatedCluster({
      seed: 7,
      nodes: ["node-1", "node-2", "node-3"].map((name) => ({ name, memory: 8 * Gi, cpu: 4000, pods: 110, reservedMemory: 0, reservedCpu: 0 })),
    }),
  { tooMuchMemory: 9 * Gi },
);

describeClusterConformance(
  "simulated kind (1 node, kube-system overhead)",
  async () =>
    new SimulatedCluster({
      seed: 7,
      overhead: "kind",
      nodes: [{ name: "kind-control-plane", memory: 8 * Gi, cpu: 16000, pods: 110, reservedMemory: 0, reservedCpu: 0 }],
    }),
  { tooMuchMemory: 8 * Gi },
);
