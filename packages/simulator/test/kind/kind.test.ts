/**
 * End-to-end on a real Kubernetes: kind. Opt-in (gate.ts): a plain `pnpm test` skips this file
 * and prints why. CI (.github/workflows/e2e-kind.yml) runs it twice: on a cluster made by the
 * kind CLI (OPDEPLOY_E2E_KUBECONFIG) and on one made by the testcontainers fixture
 * (OPDEPLOY_E2E_KIND=1, OPDEPLOY_E2E_VIA=testcontainers), so a fault in the fixture cannot hide
 * the real-cluster test.
 *
 * It runs the Cluster conformance suite and the day-2 scenarios as the deployer of
 * deploy/rbac.yaml (e2e-cluster.ts).
 */
import { afterAll, beforeAll, describe } from "vitest";
import { dockerAvailable } from "../../src/cluster/kubernetes/kind-cluster.js";
import { NODE_READY_TIMEOUT_SECONDS, NODE_START_TIMEOUT_MS } from "../../src/cluster/kubernetes/kind/fixture.js";
import { KIND_CLI_WAIT_SECONDS } from "../../src/cluster/kubernetes/kind/kind-cli.js";
import { describeClusterConformance } from "../conformance/cluster-conformance.js";
import { Gi } from "../helpers/plan-builder.js";
import { describeDay2Scenarios } from "./day2-scenarios.js";
import { setUpE2eCluster } from "./e2e-cluster.js";
import type { E2eCluster } from "./e2e-cluster.js";
import { kindSuiteGate } from "./gate.js";

const gate = await kindSuiteGate(process.env, dockerAvailable);
if (gate.run) console.log(`kind end-to-end: ${gate.reason}`);
else console.warn(`kind end-to-end skipped: ${gate.reason}`);

/** The conformance suite's waits (wall-clock seconds on a real cluster). */
const CONFORMANCE_WAIT_SECONDS = 300;
/** A conformance test waits at most twice (apply → Current, change → Current), plus API calls. */
const CONFORMANCE_TEST_TIMEOUT_MS = (2 * CONFORMANCE_WAIT_SECONDS + 60) * 1000;
/**
 * Making the cluster: the fixture's node start, kubeadm init (its control-plane wait is 4 min)
 * and the node's Ready wait — or the kind CLI's `--wait` — plus image pulls and the RBAC setup.
 */
const SETUP_TIMEOUT_MS = NODE_START_TIMEOUT_MS + (240 + Math.max(NODE_READY_TIMEOUT_SECONDS, KIND_CLI_WAIT_SECONDS) + 120) * 1000;

let e2e: E2eCluster | undefined;
const current = (): E2eCluster => {
  if (!e2e) throw new Error("kind e2e: the cluster was not set up (see beforeAll's error)");
  return e2e;
};

describe.skipIf(!gate.run)("kind end-to-end", { timeout: CONFORMANCE_TEST_TIMEOUT_MS }, () => {
  beforeAll(async () => {
    if (!gate.run) return;
    e2e = await setUpE2eCluster(gate.source, (line) => console.log(line));
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => e2e?.tearDown(), 180_000);

  describeClusterConformance("kubernetes (kind)", () => current().connect(), {
    timeoutSeconds: CONFORMANCE_WAIT_SECONDS,
    tooMuchMemory: 512 * Gi,
    prefix: `c${Date.now() % 100000}`,
  });

  describeDay2Scenarios(current);
});
