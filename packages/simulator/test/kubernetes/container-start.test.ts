/**
 * A container that cannot start (ErrImagePull, ImagePullBackOff, CreateContainerConfigError) fails
 * its step at once with the kubelet's reason, instead of waiting out the step's deadline — against
 * FakeApiServer, a protocol test double whose pretend kubelet is told what to report.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { KubernetesCluster } from "../../src/cluster/kubernetes/kubernetes-cluster.js";
import { deployPlan } from "../../src/deploy/index.js";
import { Mi, makePlan, makeService } from "../helpers/plan-builder.js";
import { FakeApiServer } from "./fake-api-server.js";

let server: FakeApiServer;
let cluster: KubernetesCluster | undefined;
const timers: ReturnType<typeof setInterval>[] = [];

beforeEach(async () => {
  server = new FakeApiServer();
  await server.start();
  server.addNode("node-1", "8Gi", "4");
});

afterEach(async () => {
  for (const timer of timers.splice(0)) clearInterval(timer);
  await cluster?.close();
  await server.stop();
});

/** After each apply of `name`, the pretend kubelet reports its pod waiting with `reason`. */
function stuckPods(name: string, reason: string, message: string): void {
  const timer = setInterval(() => {
    const deployment = server.get("apps/v1", "deployments", "shop", name);
    if (!deployment || server.get("v1", "pods", "shop", `${name}-stuck`)) return;
    const template = deployment.spec.template;
    server.upsert("v1", "pods", {
      metadata: { name: `${name}-stuck`, namespace: "shop", labels: { ...template.metadata.labels } },
      spec: { ...structuredClone(template.spec), nodeName: "node-1" },
      status: {
        phase: "Pending",
        conditions: [{ type: "PodScheduled", status: "True" }],
        containerStatuses: [{ name, ready: false, restartCount: 0, state: { waiting: { reason, message } } }],
      },
    });
  }, 5);
  timers.push(timer);
}

describe("containers that cannot start", () => {
  for (const [reason, message] of [
    ["ImagePullBackOff", 'Back-off pulling image "api:9.9.9"'],
    ["CreateContainerConfigError", 'secret "shop-postgres" not found'],
  ] as const) {
    it(`${reason} fails the step at once, with the kubelet's reason, and rolls back`, async () => {
      stuckPods("api", reason, message);
      cluster = await KubernetesCluster.connect({ kubeconfigYaml: server.kubeconfig("shop"), namespace: "shop", tickMs: 20, refreshMs: 20, watchRetryMs: 10, warn: () => {} });
      const api = makeService("api", { memory: 128 * Mi, cpu: 100, port: 8080, validate: { kind: "none" } });
      api.image = "api:9.9.9";
      const plan = makePlan({ name: "shop", services: [api], phases: [{ name: "apps", batches: [["api"]] }] });
      const started = Date.now();
      const result = await deployPlan(plan, { cluster, settleSeconds: 0 });
      expect(result.result?.failure).toMatchObject({ reason: "ContainerStartFailed", service: "api" });
      expect(result.result?.failure?.message).toContain(`${reason}: ${message}`);
      expect(result.verdict).toBe("rolled-back");
      // Seconds, not the 600 s progress deadline.
      expect(Date.now() - started).toBeLessThan(10_000);
    });
  }
});

describe("why it failed", () => {
  it("a crash-looping step reports the pod's events and the last lines of its current and previous logs, secrets redacted", async () => {
    const timer = setInterval(() => {
      const deployment = server.get("apps/v1", "deployments", "shop", "queue");
      if (!deployment || server.get("v1", "pods", "shop", "queue-crash")) return;
      const template = deployment.spec.template;
      server.upsert("v1", "pods", {
        metadata: { name: "queue-crash", namespace: "shop", labels: { ...template.metadata.labels } },
        spec: { ...structuredClone(template.spec), nodeName: "node-1" },
        status: {
          phase: "Running",
          conditions: [{ type: "PodScheduled", status: "True" }],
          containerStatuses: [{ name: "queue", ready: false, restartCount: 4, state: { waiting: { reason: "CrashLoopBackOff", message: "back-off 40s restarting failed container" } }, lastState: { terminated: { exitCode: 1, reason: "Error" } } }],
        },
      });
      server.setPodLog("shop", "queue-crash", "queue", "starting\nconnecting to amqp://app:hunter2@rabbitmq:5672/\n");
      server.setPodLog("shop", "queue-crash", "queue", `${Array.from({ length: 40 }, (_, i) => `line ${i}`).join("\n")}\nRABBITMQ_PASSWORD=hunter2 rejected\nerror: ACCESS_REFUSED\n`, true);
      server.emitEvent("shop", { kind: "Pod", name: "queue-crash" }, "BackOff", "Back-off restarting failed container queue in pod queue-crash", "Warning");
    }, 5);
    timers.push(timer);
    cluster = await KubernetesCluster.connect({ kubeconfigYaml: server.kubeconfig("shop"), namespace: "shop", tickMs: 20, refreshMs: 20, watchRetryMs: 10, warn: () => {} });
    const queue = makeService("queue", { memory: 128 * Mi, cpu: 100, port: 8080, validate: { kind: "none" } });
    const plan = makePlan({ name: "shop", services: [queue], phases: [{ name: "apps", batches: [["queue"]] }] });
    const result = await deployPlan(plan, { cluster, settleSeconds: 0 });
    const failure = result.result!.failure!;
    expect(failure).toMatchObject({ reason: "CrashLoopBackOff", service: "queue" });
    const pod = failure.diagnosis!.find((d) => d.pod === "queue-crash")!;
    expect(pod).toMatchObject({ phase: "Running", reason: "CrashLoopBackOff", restarts: 4 });
    expect(pod.events.some((e) => e.startsWith("BackOff: Back-off restarting failed container queue"))).toBe(true);
    const logs = pod.logs!.find((l) => l.container === "queue")!;
    expect(logs.current).toEqual(["starting", "connecting to amqp://app:***@rabbitmq:5672/"]);
    expect(logs.previous).toHaveLength(20);
    expect(logs.previous.slice(-2)).toEqual(["RABBITMQ_PASSWORD=*** rejected", "error: ACCESS_REFUSED"]);
    expect(JSON.stringify(result)).not.toContain("hunter2");
  });
});
