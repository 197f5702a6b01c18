/**
 * A service that names its own manifests is deployed and rehearsed from those objects as written:
 * selector, env, images, probes, grace period and extra containers unchanged, only the ownership
 * labels added — on the simulated cluster and, for the wire, on the fake API server.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { ManifestText } from "@openpolicy/core";
import { planWorkloads, simulate } from "../../src/index.js";
import { KubernetesCluster } from "../../src/cluster/kubernetes/kubernetes-cluster.js";
import { deployPlan } from "../../src/deploy/index.js";
import { Mi, makePlan, makeService } from "../helpers/plan-builder.js";
import { FakeApiServer } from "../kubernetes/fake-api-server.js";

// A cart service in the shape of a microservices demo: its Deployment is named otherwise than the
// plan's service, selects on `app`, runs a sidecar, reads env from a ConfigMap and probes gRPC.
const CART = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: cartservice
spec:
  replicas: 2
  selector:
    matchLabels: {app: cartservice}
  template:
    metadata:
      labels: {app: cartservice}
    spec:
      terminationGracePeriodSeconds: 5
      containers:
        - name: server
          image: shop/cart:1.4.2
          ports: [{containerPort: 7070}]
          env:
            - {name: REDIS_ADDR, value: "redis-cart:6379"}
          envFrom:
            - configMapRef: {name: cart-config}
          readinessProbe:
            grpc: {port: 7070}
            periodSeconds: 5
          resources:
            requests: {memory: 64Mi, cpu: 200m}
            limits: {memory: 128Mi, cpu: 300m}
        - name: proxy
          image: envoyproxy/envoy:v1.31.0
          resources:
            requests: {memory: 32Mi, cpu: 50m}
            limits: {memory: 64Mi, cpu: 100m}
---
apiVersion: v1
kind: Service
metadata:
  name: cartservice
spec:
  selector: {app: cartservice}
  ports: [{name: grpc, port: 7070, targetPort: 7070}]
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: cart-config
data: {CART_TTL: "3600"}
`;

function cartPlan() {
  const cart = makeService("cart", { memory: 96 * Mi, cpu: 250, port: 7070, validate: { kind: "tcp", port: 7070 }, startupSeconds: 8 });
  cart.manifests = ["k8s/cart.yaml"];
  return makePlan({ name: "shop", services: [cart], phases: [{ name: "apps", batches: [["cart"]] }] });
}
const MANIFESTS: ManifestText[] = [{ file: "k8s/cart.yaml", text: CART }];

describe("the user's objects are the deployment", () => {
  it("builds the spec from the user's workload: pod requests summed over containers, probes and grace period as written", () => {
    const plan = cartPlan();
    const spec = planWorkloads({ manifests: MANIFESTS })(plan, plan.services.get("cart")!);
    expect(spec.objects!.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(["Deployment/cartservice", "Service/cartservice", "ConfigMap/cart-config"]);
    expect(spec).toMatchObject({ replicas: 2, terminationGracePeriodSeconds: 5, requests: { memory: 96 * Mi, cpu: 250 }, limits: { memory: 192 * Mi, cpu: 400 } });
    expect(spec.readinessProbe).toMatchObject({ periodSeconds: 5, failureThreshold: 3 });
    const deployment = spec.objects![0]! as unknown as { spec: { selector: unknown; template: { metadata: { labels: Record<string, string> }; spec: { containers: { image: string; env: unknown[] }[] } } }; metadata: { labels: Record<string, string> } };
    expect(deployment.spec.selector).toEqual({ matchLabels: { app: "cartservice" } });
    expect(deployment.spec.template.spec.containers.map((c) => c.image)).toEqual(["shop/cart:1.4.2", "envoyproxy/envoy:v1.31.0"]);
    expect(deployment.spec.template.spec.containers[0]!.env).toEqual([{ name: "REDIS_ADDR", value: "redis-cart:6379" }]);
    // Only ownership is added: the workload label on pods, the plan on every object.
    expect(deployment.spec.template.metadata.labels).toMatchObject({ app: "cartservice", "opdeploy.io/workload": "cart" });
    expect(deployment.metadata.labels["opdeploy.io/plan"]).toBe("shop");
  });

  it("rehearses them: two replicas of the user's pod, Ready at its probe", async () => {
    const result = await simulate(cartPlan(), { seed: 1, manifests: MANIFESTS });
    expect(result.verdict).toBe("succeeded");
    expect(result.events.filter((e) => e.type === "Ready" && e.service === "cart")).toHaveLength(2);
    expect(result.nodes[0]!.requestedMemory).toBe(2 * 96 * Mi);
  });

  let server: FakeApiServer | undefined;
  let cluster: KubernetesCluster | undefined;
  afterEach(async () => {
    await cluster?.close();
    await server?.stop();
  });

  it("deploys them as written to the API server", async () => {
    server = new FakeApiServer();
    await server.start();
    server.addNode("node-1", "8Gi", "4");
    server.autoReadyMs = 5;
    cluster = await KubernetesCluster.connect({
      kubeconfigYaml: server.kubeconfig("shop"),
      namespace: "shop",
      tickMs: 20,
      refreshMs: 20,
      watchRetryMs: 10,
      warn: () => {},
      // The fake server has no pods to port-forward to; what is under test is what gets applied.
      validator: async (service) => ({ service: service.name, ok: true, message: `${service.name}: ok` }),
    });
    const outcome = await deployPlan(cartPlan(), { cluster, settleSeconds: 0, manifests: MANIFESTS });
    expect(outcome.result?.failure).toBeUndefined();
    const deployment = server.get("apps/v1", "deployments", "shop", "cartservice")!;
    expect(deployment.spec.selector).toEqual({ matchLabels: { app: "cartservice" } });
    expect(deployment.spec.template.spec.containers.map((c: { name: string }) => c.name)).toEqual(["server", "proxy"]);
    expect(server.get("v1", "configmaps", "shop", "cart-config")?.data).toEqual({ CART_TTL: "3600" });
    expect(server.get("v1", "services", "shop", "cartservice")?.spec.selector).toEqual({ app: "cartservice" });
    expect(server.get("apps/v1", "deployments", "shop", "cart")).toBeUndefined();
  });
});

describe("dependencies travel with the objects", () => {
  it("a deployed workload carries the plan's dependsOn as an annotation, and import reads it back", async () => {
    const { importSources } = await import("@openpolicy/core");
    const db = makeService("db", { memory: 128 * Mi, cpu: 100, port: 5432, validate: { kind: "none" } });
    const api = makeService("api", { memory: 64 * Mi, cpu: 50, port: 8080, dependsOn: ["db"], validate: { kind: "none" } });
    const plan = makePlan({ name: "shop", services: [db, api], phases: [{ name: "all", batches: [["db"], ["api"]] }] });
    const spec = planWorkloads()(plan, api);
    const workload = spec.objects!.find((o) => o.kind === "Deployment")!;
    expect(workload.metadata.annotations?.["opdeploy.io/depends-on"]).toBe("db");
    // What a snapshot of the namespace would list: both workloads as deployed.
    const objects = [db, api].flatMap((s) => planWorkloads()(plan, s).objects!);
    const text = objects.map((o) => JSON.stringify(o)).join("\n---\n");
    const imported = importSources([{ file: "live.yaml", text }]);
    expect(imported.plan.services.get("api")?.dependsOn).toEqual(["db"]);
  });

  it('"*" is written as "*" (not every name: Kubernetes caps annotations at 256 KiB), and import reads it back', async () => {
    const { importSources, parsePlanText } = await import("@openpolicy/core");
    const plan = parsePlanText(
      [
        "name: shop",
        "cluster: { nodes: [{ memory: 8Gi, cpu: 4 }] }",
        "phases: [{ name: all, services: [db, api, gateway] }]",
        "services:",
        "  db: { memory: 128Mi, cpu: 100m, port: 5432, validate: none }",
        "  api: { memory: 64Mi, cpu: 50m, port: 8080, dependsOn: [db], validate: none }",
        '  gateway: { memory: 64Mi, cpu: 50m, port: 8081, dependsOn: [db, "*"], validate: none }',
        "",
      ].join("\n"),
      "shop.yaml",
    );
    const gateway = plan.services.get("gateway")!;
    const spec = planWorkloads()(plan, gateway);
    expect(spec.objects!.find((o) => o.kind === "Deployment")!.metadata.annotations?.["opdeploy.io/depends-on"]).toBe("db,*");
    // The rehearsal still sees every dependency.
    expect(spec.dependsOn).toEqual(["db", "api"]);
    const objects = [...plan.services.values()].flatMap((s) => planWorkloads()(plan, s).objects!);
    const imported = importSources([{ file: "live.yaml", text: objects.map((o) => JSON.stringify(o)).join("\n---\n") }]);
    expect(imported.plan.services.get("gateway")?.dependsOn).toEqual(["db", "api"]);
  });
});
