import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { Ajv } from "ajv";
import { Service as ServiceModel } from "kubernetes-models/v1/Service";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { StatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { checkPlan } from "../checks/check-plan.js";
import { loadPlanFile, parsePlanText, planJsonSchema } from "../plan/index.js";
import { podRequestOf } from "../plan/service-pod.js";
import { podRequests } from "../qos/pod-resources.js";
import { serviceTotals } from "../report/plan-totals.js";
import { connectionSettings } from "./connections.js";
import { type KubernetesObject, renderManifests } from "./render-manifests.js";

type Data = Record<string, any>;
const BOUTIQUE = fileURLToPath(new URL("../../testdata/plans/boutique.yaml", import.meta.url));
const Mi = 1024 ** 2;

function objects(plan: Parameters<typeof renderManifests>[0]): KubernetesObject[] {
  return renderManifests(plan).flatMap((f) => (f.objects ?? []) as KubernetesObject[]);
}
const find = (all: KubernetesObject[], kind: string, name: string) => all.find((o) => o.kind === kind && o.metadata.name === name) as Data;
const podSpec = (workload: Data) => workload.spec.template.spec as Data;

describe("a plan in the shape of Online Boutique", () => {
  it("is valid by the JSON Schema and by the decoder", async () => {
    const text = await readFile(BOUTIQUE, "utf8");
    const validate = new Ajv({ strict: true, allErrors: true }).compile(planJsonSchema());
    expect(validate(parse(text)), JSON.stringify(validate.errors)).toBe(true);
    // …and refuses what the decoder refuses: `port` beside `ports`, two probe kinds, a bad port name.
    const bad = (edit: (frontend: Data) => void) => {
      const data = parse(text) as Data;
      edit(data.services.frontend);
      return validate(data);
    };
    expect(bad((f) => (f.port = 8080))).toBe(false);
    expect(bad((f) => (f.probe = { tcp: 8080, grpc: 8080 }))).toBe(false);
    expect(bad((f) => (f.ports[0].name = "HTTP_PORT"))).toBe(false);
    expect(bad((f) => (f.initContainers = [{ name: "x", image: "y", restartPolicy: "OnFailure" }]))).toBe(false);
    const plan = await loadPlanFile(BOUTIQUE);
    expect(plan.services.get("frontend")!.port).toBe(8080);
  });

  it("renders the frontend: Service 80 → container 8080, HTTP probes on it, grace period 5 s, env from values, a ConfigMap and a Secret", async () => {
    const plan = await loadPlanFile(BOUTIQUE);
    const all = objects(plan);
    const frontend = find(all, "Deployment", "frontend");
    const service = find(all, "Service", "frontend");
    for (const object of [frontend, service]) new (object.kind === "Service" ? ServiceModel : Deployment)(object).validate();
    expect(service.spec.ports).toEqual([{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }]);
    const spec = podSpec(frontend);
    expect(spec.terminationGracePeriodSeconds).toBe(5);
    const [container] = spec.containers as Data[];
    expect(container!.ports).toEqual([{ name: "http", containerPort: 8080, protocol: "TCP" }]);
    expect(container!.readinessProbe).toEqual({ httpGet: { path: "/_healthz", port: "http" }, initialDelaySeconds: 10, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3 });
    expect(container!.livenessProbe).toMatchObject({ httpGet: { path: "/_healthz", port: "http" }, periodSeconds: 10, failureThreshold: 6 });
    // The start-up probe checks the same thing in its own window, without the delay.
    expect(container!.startupProbe).toMatchObject({ httpGet: { path: "/_healthz", port: "http" }, periodSeconds: 5 });
    expect(container!.startupProbe.initialDelaySeconds).toBeUndefined();
    const env = container!.env as Data[];
    // The plan's PORT replaces the renderer's, once.
    expect(env.filter((e) => e.name === "PORT")).toEqual([{ name: "PORT", value: "8080" }]);
    expect(env).toContainEqual({ name: "PRODUCT_CATALOG_SERVICE_ADDR", value: "productcatalogservice:3550" });
    expect(env).toContainEqual({ name: "SESSION_KEY", valueFrom: { secretKeyRef: { name: "frontend-session", key: "key" } } });
    expect(env).toContainEqual({ name: "ENV_PLATFORM", valueFrom: { configMapKeyRef: { name: "frontend-settings", key: "platform" } } });
  });

  it("renders gRPC probes on the back ends, with the plan's timings", async () => {
    const plan = await loadPlanFile(BOUTIQUE);
    const all = objects(plan);
    const catalog = (podSpec(find(all, "Deployment", "productcatalogservice")).containers as Data[])[0]!;
    expect(catalog.readinessProbe).toEqual({ grpc: { port: 3550 }, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3 });
    const cart = (podSpec(find(all, "Deployment", "cartservice")).containers as Data[])[0]!;
    expect(cart.readinessProbe).toEqual({ grpc: { port: 7070 }, initialDelaySeconds: 15, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 });
    expect(cart.livenessProbe).toMatchObject({ grpc: { port: 7070 }, periodSeconds: 10, failureThreshold: 6 });
    expect(find(all, "Service", "cartservice").spec.ports).toEqual([{ name: "tcp", port: 7070, targetPort: "tcp", protocol: "TCP" }]);
  });

  it("without `probe`, keeps deriving the probes from `validate`, on its own port when it names one", () => {
    const plan = parsePlanText(
      `name: p
cluster: {nodes: [{memory: 4Gi, cpu: 2}]}
phases: [{name: all, services: [api]}]
services:
  api:
    memory: 128Mi
    ports: [{name: web, port: 80, targetPort: 8080}]
    validate: {http: {path: /ready, port: 9000}}
`,
      "plan.yaml",
    );
    const [container] = podSpec(find(objects(plan), "Deployment", "api")).containers as Data[];
    expect(container!.ports).toEqual([
      { name: "web", containerPort: 8080, protocol: "TCP" },
      { name: "health", containerPort: 9000, protocol: "TCP" },
    ]);
    expect(container!.readinessProbe).toEqual({ httpGet: { path: "/ready", port: "health" }, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3 });
  });

  it("passes check with no error", async () => {
    const findings = checkPlan(await loadPlanFile(BOUTIQUE));
    expect(findings.filter((f) => f.severity === "error")).toEqual([]);
  });
});

const SIDECAR_PLAN = `name: shop
cluster:
  nodes: [{memory: 1Gi, cpu: 2}]
phases:
  - name: all
    services: [queue]
services:
  queue:
    image: rabbitmq:3.13-management
    validate: rabbitmq
    ports:
      - {name: amqp, port: 5672, targetPort: 5672}
      - {name: metrics, port: 9090, targetPort: exporter}
    resources:
      requests: {memory: 256Mi, cpu: 200m}
      limits: {memory: 512Mi}
    containers:
      - name: rabbitmq-exporter
        image: kbudde/rabbitmq-exporter:1.0.0
        ports: [{name: exporter, port: 9419}]
        env: {RABBIT_URL: "http://localhost:15672", RABBIT_PASSWORD: {secret: queue-secrets, key: password}}
        resources: {requests: {memory: 64Mi, cpu: 50m}, limits: {memory: 64Mi}}
    initContainers:
      - {name: fix-perms, image: busybox:1.36, command: [sh, -c, "chmod 700 /data"], resources: {requests: {memory: 16Mi, cpu: 10m}}}
      - {name: log-shipper, image: fluent-bit:3.0, restartPolicy: Always, resources: {requests: {memory: 32Mi, cpu: 20m}}}
`;

describe("sidecars and init containers", () => {
  it("renders them after the main container, a native sidecar with restartPolicy Always, Secret env by reference only", () => {
    const plan = parsePlanText(SIDECAR_PLAN, "plan.yaml");
    const all = objects(plan);
    const workload = find(all, "StatefulSet", "queue");
    new StatefulSet(workload).validate();
    const spec = podSpec(workload);
    expect((spec.containers as Data[]).map((c) => c.name)).toEqual(["queue", "rabbitmq-exporter"]);
    expect((spec.initContainers as Data[]).map((c) => [c.name, c.restartPolicy])).toEqual([
      ["fix-perms", undefined],
      ["log-shipper", "Always"],
    ]);
    expect(spec.initContainers[0].command).toEqual(["sh", "-c", "chmod 700 /data"]);
    const exporter = spec.containers[1] as Data;
    expect(exporter.ports).toEqual([{ name: "exporter", containerPort: 9419, protocol: "TCP" }]);
    expect(exporter.env).toEqual([
      { name: "RABBIT_URL", value: "http://localhost:15672" },
      { name: "RABBIT_PASSWORD", valueFrom: { secretKeyRef: { name: "queue-secrets", key: "password" } } },
    ]);
    // The Service sends metrics to the sidecar's port, AMQP to the main container's.
    expect(find(all, "Service", "queue").spec.ports).toEqual([
      { name: "amqp", port: 5672, targetPort: "amqp", protocol: "TCP" },
      { name: "metrics", port: 9090, targetPort: "exporter", protocol: "TCP" },
    ]);
    // The main container keeps the plan's requests; the pod's effective request is the whole pod.
    expect(spec.containers[0].resources).toEqual({ requests: { cpu: "200m", memory: "256Mi" }, limits: { memory: "512Mi" } });
    const service = plan.services.get("queue")!;
    expect(podRequests({ spec })).toEqual(podRequestOf(service));
    expect(podRequestOf(service)).toEqual({ memory: (256 + 64 + 32) * Mi, cpu: 270 });
    expect(serviceTotals(service)).toMatchObject({ memoryBytes: 352 * Mi, cpuMillis: 270 });
  });

  it("check counts the sidecars: a pod that fits only without them is reported", () => {
    // 1Gi node − 100Mi eviction threshold = 924Mi allocatable; three pods of 256Mi fit (768Mi),
    // three of 352Mi (1056Mi) do not.
    const plan = parsePlanText(SIDECAR_PLAN.replace("validate: rabbitmq", "validate: rabbitmq\n    replicas: 3"), "plan.yaml");
    const rules = new Set(checkPlan(plan).filter((f) => f.severity === "error").map((f) => f.rule));
    expect(rules.has("capacity-exceeded") || rules.has("unschedulable")).toBe(true);
    // Without the exporter (and its Service port) the pod is 256 + 32 (log shipper) = 288Mi: 864Mi fit.
    const alone = parsePlanText(
      SIDECAR_PLAN.replace("validate: rabbitmq", "validate: rabbitmq\n    replicas: 3")
        .replace(/\n {4}containers:[\s\S]*?(?=\n {4}initContainers:)/, "")
        .replace(/\n.*name: metrics.*/, ""),
      "plan.yaml",
    );
    expect(checkPlan(alone).filter((f) => f.rule === "capacity-exceeded" || f.rule === "unschedulable")).toEqual([]);
  });

  it("connection URLs use the Service port, the container listens on the target port", () => {
    const plan = parsePlanText(SIDECAR_PLAN.replace("{name: amqp, port: 5672, targetPort: 5672}", "{name: amqp, port: 5672, targetPort: 5673}"), "plan.yaml");
    expect(connectionSettings({ plan, namespace: "shop", clusterDomain: "cluster.local" }).RABBITMQ_URL).toBe("amqp://app@queue.shop.svc.cluster.local:5672/%2F");
    const queue = (podSpec(find(objects(plan), "StatefulSet", "queue")).containers as Data[])[0]!;
    expect(queue.env).toContainEqual({ name: "RABBITMQ_NODE_PORT", value: "5673" });
    expect(queue.ports).toEqual([{ name: "amqp", containerPort: 5673, protocol: "TCP" }]);
  });
});
