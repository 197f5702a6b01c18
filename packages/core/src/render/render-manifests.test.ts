import * as k8s from "@kubernetes/client-node";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { PersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import { Service as ServiceModel } from "kubernetes-models/v1/Service";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { StatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { OPENPOLICY_SERVICE_NAMES, openPolicyPlan } from "../../test/helpers/openpolicy-plan.js";
import { Gi, planBuilder } from "../../test/helpers/plan-builder.js";
import { parseQuantity } from "../quantity/index.js";
import { crossCheckManifests } from "../manifests/cross-check.js";
import { startupFailureThreshold } from "./probes.js";
import { type KubernetesObject, renderManifestFiles, renderManifests, serviceManifestPath } from "./render-manifests.js";

type Data = Record<string, any>;

/** kubernetes-models validates against the Kubernetes OpenAPI schemas (types, formats, required fields). */
const MODELS: Record<string, new (data: any) => { validate(): void }> = {
  Namespace,
  ConfigMap,
  Service: ServiceModel,
  PersistentVolumeClaim,
  Deployment,
  StatefulSet,
};

/**
 * The OpenAPI schemas allow unknown fields (the API server drops them, `kubectl apply` warns), so
 * a misspelt field would pass validate(). Walk the object against @kubernetes/client-node's
 * generated type map (also generated from the OpenAPI spec) and list every field it does not know.
 */
function unknownFields(value: unknown, type: string, path: string): string[] {
  if (value === undefined || value === null) return [];
  const array = /^Array<(.+)>$/.exec(type);
  if (array) return Array.isArray(value) ? value.flatMap((v, i) => unknownFields(v, array[1]!, `${path}[${i}]`)) : [`${path}: not an array`];
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) return Object.entries(value as Data).flatMap(([k, v]) => unknownFields(v, map[1]!, `${path}.${k}`));
  const model = (k8s as unknown as Record<string, { getAttributeTypeMap?: () => Array<{ name: string; baseName: string; type: string }> }>)[type];
  if (!model?.getAttributeTypeMap) return [];
  const attributes = new Map(model.getAttributeTypeMap().map((a) => [a.baseName, a.type]));
  return Object.entries(value as Data).flatMap(([k, v]) =>
    attributes.has(k) ? unknownFields(v, attributes.get(k)!, `${path}.${k}`) : [`${path}.${k}: unknown field of ${type}`],
  );
}

function validateObject(object: KubernetesObject): void {
  const Model = MODELS[object.kind];
  if (!Model) throw new Error(`test: no schema model for kind ${object.kind}`);
  new Model(object).validate();
  // client-node names every v1 and apps/v1 type V1<Kind>.
  expect(unknownFields(object, `V1${object.kind}`, object.kind), `${object.kind}/${object.metadata.name}`).toEqual([]);
}

function allObjects(files: ReturnType<typeof renderManifests>): KubernetesObject[] {
  return files.filter((f) => f.path !== "kustomization.yaml").flatMap((f) => f.objects as KubernetesObject[]);
}

function containersOf(object: KubernetesObject): Data[] {
  return (object as Data).spec.template.spec.containers;
}

function resolvePort(port: unknown, container: Data): number {
  if (typeof port === "number") return port;
  const found = (container.ports as Data[]).find((p) => p.name === port);
  if (!found) throw new Error(`test: port ${String(port)} not in container ${container.name}`);
  return found.containerPort;
}

/** The port an exec probe names after -p, if any. */
function execPort(command: string[]): number | undefined {
  const i = command.indexOf("-p");
  return i >= 0 ? Number(command[i + 1]) : undefined;
}

describe("renderManifests on the 26-service OpenPolicy plan", () => {
  const plan = openPolicyPlan({ limitsFactor: 2, replicas: 2 });
  const files = renderManifests(plan, { namespace: "openpolicy", imagePullPolicy: "Never" });
  const objects = allObjects(files);
  const workloads = objects.filter((o) => o.kind === "Deployment" || o.kind === "StatefulSet");

  it("renders one workload per service: StatefulSets for the three stateful services", () => {
    expect(workloads.map((w) => w.metadata.name).sort()).toEqual([...OPENPOLICY_SERVICE_NAMES].sort());
    expect(workloads.filter((w) => w.kind === "StatefulSet").map((w) => w.metadata.name).sort()).toEqual(["postgresql", "rabbitmq", "redis"]);
  });

  it("passes the Kubernetes OpenAPI schemas, with no unknown field, for every object", () => {
    expect(objects.length).toBeGreaterThan(26 * 2);
    for (const object of objects) validateObject(object);
  });

  it("gives every container requests, limits and readiness, liveness and startup probes", () => {
    for (const workload of workloads) {
      const service = plan.services.get(workload.metadata.name)!;
      for (const container of containersOf(workload)) {
        const { requests, limits } = container.resources;
        // The strings parse back to exactly the plan's figures, in canonical form.
        expect(parseQuantity(requests.memory).value()).toBe(BigInt(service.requests.memory));
        expect(parseQuantity(requests.cpu).milliValue()).toBe(BigInt(service.requests.cpu));
        expect(parseQuantity(limits.memory).value()).toBe(BigInt(service.limits.memory!));
        expect(parseQuantity(limits.cpu).milliValue()).toBe(BigInt(service.limits.cpu!));
        expect(parseQuantity(requests.memory).toString()).toBe(requests.memory);
        for (const probe of ["readinessProbe", "livenessProbe", "startupProbe"]) expect(container[probe], `${workload.metadata.name} ${probe}`).toBeDefined();
        expect(container.imagePullPolicy).toBe("Never");
      }
      expect((workload as Data).spec.replicas).toBe(2);
    }
    const scraper = containersOf(workloads.find((w) => w.metadata.name === "scraper-service")!)[0]!;
    expect(scraper.resources).toEqual({ requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "1", memory: "2Gi" } });
  });

  it("applies the restrictive security context to every pod and container", () => {
    for (const workload of workloads) {
      const pod = (workload as Data).spec.template.spec;
      expect(pod.securityContext.seccompProfile).toEqual({ type: "RuntimeDefault" });
      expect(pod.securityContext.runAsNonRoot).toBe(true);
      expect(pod.automountServiceAccountToken).toBe(false);
      for (const container of containersOf(workload)) {
        const sc = container.securityContext;
        expect(sc.allowPrivilegeEscalation).toBe(false);
        expect(sc.capabilities).toEqual({ drop: ["ALL"] });
        expect(sc.runAsNonRoot).toBe(true);
        const expectedUid = ["postgresql", "redis", "rabbitmq"].includes(workload.metadata.name) ? 999 : 10001;
        expect(sc.runAsUser).toBe(expectedUid);
        expect(pod.securityContext.fsGroup).toBe(expectedUid);
        // /tmp is always writable, whether or not the root filesystem is.
        const tmp = (container.volumeMounts as Data[]).find((m) => m.mountPath === "/tmp");
        expect(pod.volumes.find((v: Data) => v.name === tmp?.name)?.emptyDir).toEqual({});
      }
    }
  });

  it("probes the port the container listens on, which is the Service targetPort and the plan's port", () => {
    for (const workload of workloads) {
      const service = plan.services.get(workload.metadata.name)!;
      const container = containersOf(workload)[0]!;
      const containerPort = (container.ports as Data[])[0]!.containerPort;
      expect(containerPort).toBe(service.port);
      for (const probeName of ["readinessProbe", "livenessProbe", "startupProbe"]) {
        const probe = container[probeName] as Data;
        if (probe.httpGet) expect(resolvePort(probe.httpGet.port, container)).toBe(containerPort);
        else if (probe.tcpSocket) expect(resolvePort(probe.tcpSocket.port, container)).toBe(containerPort);
        else {
          expect(probe.exec.command.join(" ")).not.toMatch(/curl|wget|http/);
          const port = execPort(probe.exec.command);
          if (service.validate.kind !== "rabbitmq") expect(port).toBe(containerPort);
        }
      }
      const serviceObject = objects.find((o) => o.kind === "Service" && o.metadata.name === workload.metadata.name) as Data;
      expect(serviceObject.spec.type).toBe("ClusterIP");
      expect(serviceObject.spec.ports[0].port).toBe(service.port);
      expect(resolvePort(serviceObject.spec.ports[0].targetPort, container)).toBe(containerPort);
      expect(serviceObject.spec.selector).toEqual((workload as Data).spec.selector.matchLabels);
    }
  });

  it("checks infrastructure by command, never by HTTP", () => {
    const commands = Object.fromEntries(
      workloads.filter((w) => w.kind === "StatefulSet").map((w) => [w.metadata.name, containersOf(w)[0]!.readinessProbe.exec.command.join(" ")]),
    );
    expect(commands).toEqual({
      postgresql: "pg_isready -U $(POSTGRES_USER) -h 127.0.0.1 -p 5432",
      redis: "redis-cli -p 6379 ping",
      rabbitmq: "rabbitmq-diagnostics -q ping",
    });
    // $(POSTGRES_USER) is expanded by the kubelet only from a literal env value.
    const pg = containersOf(workloads.find((w) => w.metadata.name === "postgresql")!)[0]!;
    expect(pg.env.find((e: Data) => e.name === "POSTGRES_USER")).toEqual({ name: "POSTGRES_USER", value: "postgres" });
  });

  it("keeps data: PVCs from volumeClaimTemplates, retained on delete and scale-down, behind a headless Service", () => {
    for (const sts of workloads.filter((w) => w.kind === "StatefulSet") as Data[]) {
      expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: "Retain", whenScaled: "Retain" });
      expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe("1Gi");
      const headless = objects.find((o) => o.kind === "Service" && o.metadata.name === sts.spec.serviceName) as Data;
      expect(headless.spec.clusterIP).toBe("None");
    }
  });

  it("puts the three connection URLs, and no password, in the ConfigMap; passwords come from the Secret", () => {
    const configMap = objects.find((o) => o.kind === "ConfigMap") as Data;
    expect(configMap.metadata.name).toBe("openpolicy-platform-connections");
    expect(configMap.data).toEqual({
      DATABASE_URL: "postgresql://postgres@postgresql.openpolicy.svc.cluster.local:5432/postgres",
      REDIS_URL: "redis://redis.openpolicy.svc.cluster.local:6379/0",
      RABBITMQ_URL: "amqp://app@rabbitmq.openpolicy.svc.cluster.local:5672/%2F",
    });
    for (const value of Object.values(configMap.data as Record<string, string>)) expect(value).not.toMatch(/:[^/@]+@/);
    expect(objects.some((o) => o.kind === "Secret")).toBe(false);
    expect(files.map((f) => f.yaml).join("\n")).not.toMatch(/^\s*(password|stringData):/m);
    // auth-service depends on postgresql and redis: it gets those two passwords and nothing else.
    const auth = containersOf(workloads.find((w) => w.metadata.name === "auth-service")!)[0]!;
    const secretEnv = (auth.env as Data[]).filter((e) => e.valueFrom?.secretKeyRef).map((e) => [e.name, e.valueFrom.secretKeyRef.name, e.valueFrom.secretKeyRef.key]);
    expect(secretEnv).toEqual([
      ["DATABASE_PASSWORD", "openpolicy-platform-credentials", "database-password"],
      ["REDIS_PASSWORD", "openpolicy-platform-credentials", "redis-password"],
    ]);
    expect(auth.envFrom).toEqual([{ configMapRef: { name: "openpolicy-platform-connections" } }]);
  });

  it("labels everything with the recommended labels and selects on name + instance", () => {
    for (const workload of workloads as Data[]) {
      expect(Object.keys(workload.metadata.labels).sort()).toEqual(
        ["component", "instance", "managed-by", "name", "part-of", "version"].map((l) => `app.kubernetes.io/${l}`).sort(),
      );
      expect(workload.metadata.labels["app.kubernetes.io/managed-by"]).toBe("opdeploy");
      expect(workload.spec.selector.matchLabels).toEqual({ "app.kubernetes.io/name": workload.metadata.name, "app.kubernetes.io/instance": "openpolicy-platform" });
      expect(workload.spec.template.metadata.labels).toMatchObject(workload.spec.selector.matchLabels);
    }
  });

  it("writes YAML that reads back to the same objects, and a kustomization listing every file", () => {
    const texts = renderManifestFiles(plan, { namespace: "openpolicy", imagePullPolicy: "Never" });
    for (const file of files) {
      const text = texts.get(file.path)!;
      // Read as YAML 1.1, as kubectl does: "yes" must stay a string.
      const back = parseAllDocuments(text, { version: "1.1" });
      const docs = Array.isArray(back) ? back.map((d) => d.toJS()).filter((d) => d !== null) : [];
      expect(docs).toEqual(file.objects);
    }
    const kustomization = files.find((f) => f.path === "kustomization.yaml")!.objects[0] as Data;
    expect(kustomization.namespace).toBe("openpolicy");
    const listed = new Set(kustomization.resources as string[]);
    for (const file of files) {
      if (file.objects.length > 0 && file.path !== "kustomization.yaml") expect(listed.has(file.path), file.path).toBe(true);
    }
    expect(listed.has("credentials-secret.example.yaml")).toBe(false);
    expect(texts.get("credentials-secret.example.yaml")).toContain("kubectl -n openpolicy create secret generic openpolicy-platform-credentials");
    expect(files.find((f) => f.path === "namespace.yaml")!.objects).toEqual([
      expect.objectContaining({ kind: "Namespace", metadata: expect.objectContaining({ name: "openpolicy" }) }),
    ]);
  });

  it("is deterministic", () => {
    expect(renderManifestFiles(plan, { namespace: "openpolicy" })).toEqual(renderManifestFiles(plan, { namespace: "openpolicy" }));
  });

  it("renders manifests the cross-check finds consistent with the plan", () => {
    const withOwn = openPolicyPlan({ limitsFactor: 2, replicas: 2 });
    const texts = renderManifestFiles(withOwn, { namespace: "openpolicy" });
    for (const service of withOwn.services.values()) service.manifests = [serviceManifestPath(service.name)];
    const docs = [...texts].filter(([p]) => p !== "kustomization.yaml").map(([file, text]) => ({ file, text }));
    expect(crossCheckManifests(withOwn, docs)).toEqual([]);
  });
});

describe("the schema validation used above", () => {
  it("rejects a misspelt field and a malformed quantity", () => {
    const plan = planBuilder("v").service("api", { port: 8080 }).build();
    const [deployment] = renderManifests(plan).find((f) => f.path === "services/api.yaml")!.objects as KubernetesObject[];
    const misspelt = structuredClone(deployment!) as Data;
    misspelt.spec.template.spec.containers[0].readinesProbe = misspelt.spec.template.spec.containers[0].readinessProbe;
    expect(unknownFields(misspelt, "V1Deployment", "Deployment")).toEqual(["Deployment.spec.template.spec.containers[0].readinesProbe: unknown field of V1Container"]);
    const badQuantity = structuredClone(deployment!) as Data;
    badQuantity.spec.template.spec.containers[0].resources.limits = { memory: "256MB" };
    expect(() => new Deployment(badQuantity as any).validate()).toThrow(/quantity/);
  });
});

describe("renderManifests choices", () => {
  it("derives the startup window from startupSeconds: 2 × start + 30 s, in 5 s periods", () => {
    expect(startupFailureThreshold(0)).toBe(6);
    expect(startupFailureThreshold(60)).toBe(30);
    expect(startupFailureThreshold(61)).toBe(31);
    const plan = planBuilder("slow").service("scraper", { port: 8000, startupSeconds: 90 }).build();
    const [deployment] = renderManifests(plan).find((f) => f.path === "services/scraper.yaml")!.objects as Data[];
    const startup = deployment!.spec.template.spec.containers[0].startupProbe;
    // The kubelet gives a container periodSeconds × failureThreshold before killing it.
    expect(startup.periodSeconds * startup.failureThreshold).toBeGreaterThanOrEqual(2 * 90);
  });

  it("references user manifests from the kustomization instead of generating those services", () => {
    const plan = planBuilder("own").service("api", { port: 8080 }).service("legacy", { port: 9000 }).build();
    plan.services.get("legacy")!.manifests = ["k8s/legacy.yaml"];
    const files = renderManifests(plan, { userManifestPath: (p) => `../${p}` });
    expect(files.map((f) => f.path)).not.toContain("services/legacy.yaml");
    const kustomization = files.find((f) => f.path === "kustomization.yaml")!.objects[0] as Data;
    expect(kustomization.resources).toEqual(["namespace.yaml", "connections-configmap.yaml", "services/api.yaml", "../k8s/legacy.yaml"]);
    expect(kustomization.namespace).toBe("default");
  });

  it("uses a separate named health port when the plan checks one, and Recreate + a PVC for a persistent Deployment", () => {
    const plan = planBuilder("p")
      .service("api", { port: 8080, validate: { kind: "http", path: "/livez", port: 8081 } })
      .service("files", { port: 7000, persistent: true, validate: { kind: "tcp", port: 7000 } })
      .build();
    plan.services.get("files")!.storage = 5 * Gi;
    const objects = allObjects(renderManifests(plan));
    for (const o of objects) validateObject(o);
    const api = containersOf(objects.find((o) => o.kind === "Deployment" && o.metadata.name === "api")!)[0]!;
    expect(api.ports).toEqual([
      { name: "http", containerPort: 8080, protocol: "TCP" },
      { name: "health", containerPort: 8081, protocol: "TCP" },
    ]);
    expect(api.readinessProbe.httpGet).toEqual({ path: "/livez", port: "health" });
    const files = objects.find((o) => o.kind === "Deployment" && o.metadata.name === "files") as Data;
    expect(files.spec.strategy).toEqual({ type: "Recreate" });
    expect(files.spec.template.spec.containers[0].readinessProbe.tcpSocket).toEqual({ port: "tcp" });
    const pvc = objects.find((o) => o.kind === "PersistentVolumeClaim") as Data;
    expect(pvc.spec.resources.requests.storage).toBe("5Gi");
    expect(files.spec.template.spec.volumes).toContainEqual({ name: "data", persistentVolumeClaim: { claimName: pvc.metadata.name } });
  });

  it("runs Alpine infrastructure images as their own uids (postgres 70, redis 999:1000)", () => {
    const plan = planBuilder("alpine")
      .service("db", { port: 5433, kind: "StatefulSet", persistent: true, validate: { kind: "postgres", user: "op", database: "op" } })
      .service("cache", { port: 6380, kind: "StatefulSet", validate: { kind: "redis" } })
      .build();
    plan.services.get("db")!.image = "postgres:16-alpine";
    plan.services.get("cache")!.image = "redis:7-alpine";
    const files = renderManifests(plan, { namespace: "alpine" });
    const objects = allObjects(files);
    for (const o of objects) validateObject(o);
    const db = containersOf(objects.find((o) => o.metadata.name === "db")!)[0]!;
    expect(db.securityContext).toMatchObject({ runAsUser: 70, runAsGroup: 70 });
    expect(db.readinessProbe.exec.command).toEqual(["pg_isready", "-U", "$(POSTGRES_USER)", "-h", "127.0.0.1", "-p", "5433"]);
    expect(db.env).toContainEqual({ name: "PGPORT", value: "5433" });
    const cache = containersOf(objects.find((o) => o.metadata.name === "cache")!)[0]!;
    expect(cache.securityContext).toMatchObject({ runAsUser: 999, runAsGroup: 1000 });
    expect(cache.readinessProbe.exec.command).toEqual(["redis-cli", "-p", "6380", "ping"]);
    const configMap = objects.find((o) => o.kind === "ConfigMap") as Data;
    expect(configMap.data).toEqual({
      DATABASE_URL: "postgresql://op@db.alpine.svc.cluster.local:5433/op",
      REDIS_URL: "redis://cache.alpine.svc.cluster.local:6380/0",
    });
  });
});

describe("renderManifests edge cases", () => {
  it("renders a portless worker without probes or Service, and folds names into DNS labels", () => {
    const plan = planBuilder("My Plan 2.0").service("worker", { validate: { kind: "none" } }).service("Postgres_Main", { kind: "StatefulSet", validate: { kind: "postgres" } }).build();
    const files = renderManifests(plan);
    const objects = allObjects(files);
    for (const o of objects) validateObject(o);
    const worker = objects.filter((o) => o.metadata.name === "worker");
    expect(worker.map((o) => o.kind)).toEqual(["Deployment"]);
    expect(containersOf(worker[0]!)[0]!.readinessProbe).toBeUndefined();
    // The StatefulSet's headless Service exists even without ports; the postgres default port is used.
    expect(objects.filter((o) => o.metadata.name.startsWith("postgres-main")).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      "StatefulSet/postgres-main",
      "Service/postgres-main",
      "Service/postgres-main-headless",
    ]);
    const configMap = objects.find((o) => o.kind === "ConfigMap") as Data;
    expect(configMap.metadata.name).toBe("my-plan-2-0-connections");
    expect(configMap.data.DATABASE_URL).toBe("postgresql://postgres@postgres-main.default.svc.cluster.local:5432/postgres");
  });
});
