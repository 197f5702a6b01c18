/**
 * The objects for one generated service: its Deployment or StatefulSet (with PVC template), its
 * ClusterIP Service and, for StatefulSets, the headless Service that gives pods stable DNS names.
 */
import type { Plan, Service } from "../plan/model.js";
import { quantityFromBytes } from "../quantity/index.js";
import {
  CONNECTION_KEYS,
  type InfraFamily,
  type RenderContext,
  RABBITMQ_DEFAULT_USER,
  credentialFamiliesFor,
  passwordSecretName,
  postgresDatabase,
  postgresUser,
  servicePort,
} from "./connections.js";
import { type ImageProfile, imageProfile, imageTag } from "./image-profile.js";
import { connectionsConfigMapName, dnsLabel, headlessServiceName, labelValue, planSlug, priorityClassName } from "./names.js";
import { mainContainerPortSpecs, mergeEnv, renderInitContainers, renderResources, renderSidecars, servicePortSpecs } from "./pod-extras.js";
import { containerProbes } from "./probes.js";

/** A Kubernetes object as rendered: apiVersion, kind, metadata and the rest of its fields. */
export type KubernetesObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
} & Record<string, unknown>;

export interface WorkloadOptions {
  imagePullPolicy?: "Always" | "IfNotPresent" | "Never";
}

/** 1Gi when a persistent service gives no storage size. */
export const DEFAULT_STORAGE_BYTES = 1024 ** 3;
export const DATA_VOLUME = "data";
/** Port name of the health check when the plan checks a port other than the service port. */
export const HEALTH_PORT_NAME = "health";

/** Recommended labels (https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/). */
export function serviceLabels(plan: Plan, service: Service, profile: ImageProfile): Record<string, string> {
  return {
    ...selectorLabels(plan, service),
    "app.kubernetes.io/component": COMPONENT[profile.family],
    "app.kubernetes.io/part-of": planSlug(plan),
    "app.kubernetes.io/managed-by": "opdeploy",
    "app.kubernetes.io/version": labelValue(imageTag(profile.image)) || "latest",
  };
}

/** Selectors use only name + instance: both stable across image versions (selectors are immutable). */
export function selectorLabels(plan: Plan, service: Service): Record<string, string> {
  return {
    "app.kubernetes.io/name": dnsLabel(service.name),
    "app.kubernetes.io/instance": planSlug(plan),
  };
}

const COMPONENT: Record<ImageProfile["family"], string> = {
  postgres: "database",
  redis: "cache",
  rabbitmq: "message-broker",
  app: "service",
};

interface PortPlan {
  /** The port the service listens on (container port = Service targetPort). */
  port?: number;
  portName: string;
  /** The port the probes check and its container port name. */
  probePort?: number;
  probePortName?: string;
  containerPorts: Array<{ name: string; containerPort: number; protocol: "TCP" }>;
}

function portPlan(service: Service, profile: ImageProfile): PortPlan {
  const port = servicePort(service);
  const v = service.probe ?? service.validate;
  const checked = v.kind === "http" || v.kind === "tcp" || v.kind === "grpc" ? (v.port ?? port) : port;
  // With `ports:` the main container declares each target under the entry's name; otherwise the
  // one port under the image family's name.
  const containerPorts: PortPlan["containerPorts"] =
    service.ports !== undefined ? mainContainerPortSpecs(service) : port !== undefined ? [{ name: profile.portName, containerPort: port, protocol: "TCP" }] : [];
  let probePortName = containerPorts.find((p) => p.containerPort === checked)?.name;
  if (checked !== undefined && probePortName === undefined) {
    // The plan checks health on a separate port: declare it so the probe can name it.
    containerPorts.push({ name: HEALTH_PORT_NAME, containerPort: checked, protocol: "TCP" });
    probePortName = HEALTH_PORT_NAME;
  }
  return {
    ...(port !== undefined ? { port } : {}),
    portName: service.ports?.[0]?.name ?? profile.portName,
    ...(checked !== undefined ? { probePort: checked } : {}),
    ...(probePortName !== undefined ? { probePortName } : {}),
    containerPorts,
  };
}

function secretEnv(plan: Plan, name: string, family: InfraFamily, service: Service): Record<string, unknown> {
  return {
    name,
    valueFrom: { secretKeyRef: { name: passwordSecretName(plan, family, service), key: CONNECTION_KEYS[family].secretKey } },
  };
}

interface ContainerRuntime {
  env: Array<Record<string, unknown>>;
  envFrom?: Array<Record<string, unknown>>;
  args?: string[];
}

/** Env (and args) per image family. Literal values first: `$(VAR)` may refer only to earlier vars. */
function runtimeFor(context: RenderContext, service: Service, profile: ImageProfile, port: number | undefined): ContainerRuntime {
  const plan = context.plan;
  switch (profile.family) {
    case "postgres":
      return {
        env: [
          { name: "POSTGRES_USER", value: postgresUser(service) },
          { name: "POSTGRES_DB", value: postgresDatabase(service) },
          // A subdirectory: the volume root may hold lost+found, which initdb refuses.
          { name: "PGDATA", value: `${profile.dataPath}/pgdata` },
          // The server reads PGPORT as its default port (postgres -p).
          { name: "PGPORT", value: String(port) },
          secretEnv(plan, "POSTGRES_PASSWORD", "postgres", service),
        ],
      };
    case "redis":
      return {
        env: [secretEnv(plan, "REDIS_PASSWORD", "redis", service), secretEnv(plan, "REDISCLI_AUTH", "redis", service)],
        // The image's entrypoint prepends redis-server when the first argument is a flag.
        args: [
          "--port", String(port),
          "--dir", profile.dataPath,
          "--requirepass", "$(REDIS_PASSWORD)",
          ...(service.persistent ? ["--appendonly", "yes"] : ["--save", ""]),
        ],
      };
    case "rabbitmq":
      return {
        env: [
          { name: "RABBITMQ_DEFAULT_USER", value: RABBITMQ_DEFAULT_USER },
          { name: "RABBITMQ_NODE_PORT", value: String(port) },
          secretEnv(plan, "RABBITMQ_DEFAULT_PASS", "rabbitmq", service),
        ],
      };
    case "app": {
      const env: Array<Record<string, unknown>> = [];
      if (port !== undefined) env.push({ name: "PORT", value: String(port) });
      // uid 10001 has no home directory in the image; pip --user, npm and caches need one.
      env.push({ name: "HOME", value: "/tmp" });
      for (const family of credentialFamiliesFor(plan, service)) {
        env.push(secretEnv(plan, CONNECTION_KEYS[family].passwordEnv, family, service));
      }
      return { env, envFrom: [{ configMapRef: { name: connectionsConfigMapName(plan) } }] };
    }
  }
}

function containerSecurityContext(profile: ImageProfile): Record<string, unknown> {
  return {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ["ALL"] },
    privileged: false,
    runAsNonRoot: true,
    runAsUser: profile.runAsUser,
    runAsGroup: profile.runAsGroup,
    readOnlyRootFilesystem: profile.readOnlyRootFilesystem,
  };
}

function podSecurityContext(profile: ImageProfile): Record<string, unknown> {
  return {
    runAsNonRoot: true,
    runAsUser: profile.runAsUser,
    runAsGroup: profile.runAsGroup,
    // Volumes (PVC, emptyDir) become group-owned by fsGroup, so the image's user can write them.
    fsGroup: profile.runAsGroup,
    seccompProfile: { type: "RuntimeDefault" },
  };
}

function scratchVolumeName(path: string): string {
  return dnsLabel(`scratch-${path}`);
}

function pullPolicy(service: Service, options: WorkloadOptions): WorkloadOptions["imagePullPolicy"] {
  if (service.imagePullPolicy ?? options.imagePullPolicy) return service.imagePullPolicy ?? options.imagePullPolicy;
  return service.image === undefined && imageProfile(service).family === "app" ? "IfNotPresent" : undefined;
}

export function renderServiceObjects(context: RenderContext, service: Service, options: WorkloadOptions): KubernetesObject[] {
  const { plan, namespace } = context;
  const profile = imageProfile(service);
  const name = dnsLabel(service.name);
  const labels = serviceLabels(plan, service, profile);
  const selector = selectorLabels(plan, service);
  const ports = portPlan(service, profile);
  const runtime = runtimeFor(context, service, profile, ports.port);
  const probes = containerProbes(service, profile, ports.probePort, ports.probePortName);
  const isStatefulSet = service.kind === "StatefulSet";
  const persistent = service.persistent;
  const storage = quantityFromBytes(service.storage ?? DEFAULT_STORAGE_BYTES).toString();

  const volumeMounts: Array<Record<string, unknown>> = profile.scratchPaths.map((path) => ({ name: scratchVolumeName(path), mountPath: path }));
  const volumes: Array<Record<string, unknown>> = profile.scratchPaths.map((path) => ({ name: scratchVolumeName(path), emptyDir: {} }));
  if (profile.family !== "app" || persistent) {
    // Infrastructure always mounts its data path: a PVC when persistent, else an emptyDir (the
    // root filesystem may be read-only, and data should not land in the container's layer).
    volumeMounts.push({ name: DATA_VOLUME, mountPath: profile.dataPath });
    if (!persistent) volumes.push({ name: DATA_VOLUME, emptyDir: {} });
    else if (!isStatefulSet) volumes.push({ name: DATA_VOLUME, persistentVolumeClaim: { claimName: `${name}-${DATA_VOLUME}` } });
  }

  const container: Record<string, unknown> = {
    name,
    image: profile.image,
    // The plan's own policy wins over the render option. Without either, an image the plan names
    // gets the API server's default (Always for :latest or no tag, else IfNotPresent —
    // SetDefaults_Container); the name the renderer makes up for an app without one
    // (`<service>:latest`, a locally built image loaded with `kind load docker-image`) gets
    // IfNotPresent, or the kubelet would try a registry that has no such image.
    ...(pullPolicy(service, options) ? { imagePullPolicy: pullPolicy(service, options) } : {}),
    ...(runtime.args ? { args: runtime.args } : {}),
    ...(ports.containerPorts.length > 0 ? { ports: ports.containerPorts } : {}),
    ...(runtime.envFrom ? { envFrom: runtime.envFrom } : {}),
    env: mergeEnv(runtime.env, service),
    resources: renderResources(service.requests, service.limits),
    ...(probes ?? {}),
    securityContext: containerSecurityContext(profile),
    volumeMounts,
  };

  const podSpec: Record<string, unknown> = {
    // No API token in pods that never call the API server.
    automountServiceAccountToken: false,
    // No docker-link env vars: a Service named "redis" would otherwise inject REDIS_PORT=tcp://...
    // into every pod, which breaks apps that read REDIS_PORT as a number.
    enableServiceLinks: false,
    securityContext: podSecurityContext(profile),
    // The plan's priority reaches the scheduler and the kubelet's eviction ranking only through a
    // PriorityClass (render-manifests.ts writes it); 0 is the cluster default, no class needed.
    ...(service.priority !== 0 ? { priorityClassName: priorityClassName(service.priority) } : {}),
    ...(service.terminationGracePeriodSeconds !== undefined ? { terminationGracePeriodSeconds: service.terminationGracePeriodSeconds } : {}),
    ...(service.initContainers?.length ? { initContainers: renderInitContainers(service) } : {}),
    containers: [container, ...renderSidecars(service)],
    volumes,
  };
  const template = { metadata: { labels }, spec: podSpec };
  const metadata = { name, namespace, labels };

  const objects: KubernetesObject[] = [];
  if (isStatefulSet) {
    objects.push({
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata,
      spec: {
        serviceName: headlessServiceName(service.name),
        replicas: service.replicas,
        selector: { matchLabels: selector },
        podManagementPolicy: "OrderedReady",
        updateStrategy: { type: "RollingUpdate" },
        // Data is never deleted with the StatefulSet or on scale-down (rollback keeps it).
        persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
        template,
        ...(persistent
          ? {
              volumeClaimTemplates: [
                {
                  apiVersion: "v1",
                  kind: "PersistentVolumeClaim",
                  metadata: { name: DATA_VOLUME, labels },
                  spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage } } },
                },
              ],
            }
          : {}),
      },
    });
  } else {
    if (persistent) {
      objects.push({
        apiVersion: "v1",
        kind: "PersistentVolumeClaim",
        metadata: { name: `${name}-${DATA_VOLUME}`, namespace, labels },
        spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage } } },
      });
    }
    objects.push({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata,
      spec: {
        replicas: service.replicas,
        selector: { matchLabels: selector },
        strategy:
          // A ReadWriteOnce volume cannot be mounted by the old and the new pod at once.
          service.strategy === "Recreate" || persistent
            ? { type: "Recreate" }
            : { type: "RollingUpdate", rollingUpdate: { ...service.rollingUpdate } },
        template,
      },
    });
  }

  if (ports.port !== undefined) {
    const servicePorts = service.ports !== undefined ? servicePortSpecs(service) : [{ name: ports.portName, port: ports.port, targetPort: ports.portName, protocol: "TCP" }];
    objects.push({
      apiVersion: "v1",
      kind: "Service",
      metadata,
      spec: { type: "ClusterIP", selector, ports: servicePorts },
    });
  }
  if (isStatefulSet) {
    // The StatefulSet's serviceName must exist for its pods' stable DNS names (<pod>.<headless>).
    objects.push({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: headlessServiceName(service.name), namespace, labels },
      spec: {
        clusterIP: "None",
        selector,
        ...(ports.port !== undefined
          ? { ports: service.ports !== undefined ? servicePortSpecs(service) : [{ name: ports.portName, port: ports.port, targetPort: ports.portName, protocol: "TCP" }] }
          : {}),
      },
    });
  }
  // Objects above share sub-objects (labels, ports); hand out independent copies so a caller that
  // edits one (the simulator adding an annotation) does not edit the others.
  return structuredClone(objects);
}
