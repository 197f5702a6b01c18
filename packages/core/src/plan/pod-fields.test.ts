import { describe, expect, it } from "vitest";
import { PlanLoadError, type PlanProblem } from "./errors.js";
import { parsePlanText } from "./index.js";
import { podRequestOf } from "./service-pod.js";

const Mi = 1024 ** 2;

/** A one-service plan whose service body is `body` (YAML, indented under `services: web:`). */
function planWith(body: string): string {
  return `name: p
cluster:
  nodes: [{memory: 8Gi, cpu: 4}]
phases:
  - name: all
    services: [web]
services:
  web:
    memory: 128Mi
    cpu: 100m
${body
  .trim()
  .split("\n")
  .map((line) => `    ${line}`)
  .join("\n")}
`;
}

function problemsOf(text: string): string[] {
  try {
    parsePlanText(text, "plan.yaml");
  } catch (error) {
    if (error instanceof PlanLoadError) return error.problems.map((p: PlanProblem) => `${p.file}:${p.line} ${p.path}: ${p.message}`);
    throw error;
  }
  throw new Error("expected a PlanLoadError");
}

const web = (body: string) => parsePlanText(planWith(body), "plan.yaml").services.get("web")!;

describe("pod fields of a service", () => {
  it("reads none of them in an existing plan: the model is what it was", () => {
    const service = web("port: 8080\nenv: [CACHE_URL]");
    expect(service.port).toBe(8080);
    expect(service.env).toEqual(["CACHE_URL"]);
    for (const key of ["ports", "probe", "terminationGracePeriodSeconds", "containers", "initContainers", "envValues"] as const) {
      expect(service[key], key).toBeUndefined();
    }
    expect(podRequestOf(service)).toEqual(service.requests);
  });

  it("reads named ports: the first entry's target is the main port, targetPort defaults to port", () => {
    const service = web("ports:\n  - {name: http, port: 80, targetPort: 8080}\n  - {name: admin, port: 9000}");
    expect(service.port).toBe(8080);
    expect(service.ports).toEqual([
      { name: "http", port: 80, targetPort: 8080 },
      { name: "admin", port: 9000, targetPort: 9000 },
    ]);
  });

  it("reads probe kinds and timings", () => {
    expect(web("port: 3550\nprobe: {grpc: 3550, periodSeconds: 7}").probe).toEqual({ kind: "grpc", port: 3550, periodSeconds: 7 });
    expect(web("port: 8080\nprobe: {http: {path: /_healthz, port: 8080}, failureThreshold: 2, timeoutSeconds: 4, initialDelaySeconds: 1}").probe).toEqual({
      kind: "http",
      path: "/_healthz",
      port: 8080,
      failureThreshold: 2,
      timeoutSeconds: 4,
      initialDelaySeconds: 1,
    });
    expect(web("probe: {exec: [cat, /tmp/ready]}").probe).toEqual({ kind: "exec", command: ["cat", "/tmp/ready"] });
  });

  it("reads env as a mapping: names for the cross-check, values and references for the pod", () => {
    const service = web("env:\n  LOG_LEVEL: debug\n  WORKERS: 4\n  MODE: {configMap: web-config, key: mode}\n  TOKEN: {secret: web-secrets, key: token}");
    expect(service.env).toEqual(["LOG_LEVEL", "WORKERS", "MODE", "TOKEN"]);
    expect(service.envValues).toEqual([
      { name: "LOG_LEVEL", from: { value: "debug" } },
      { name: "WORKERS", from: { value: "4" } },
      { name: "MODE", from: { configMap: "web-config", key: "mode" } },
      { name: "TOKEN", from: { secret: "web-secrets", key: "token" } },
    ]);
  });

  it("counts the whole pod: sidecars add up, an init container counts only when it is the peak", () => {
    const service = web(`containers:
  - {name: proxy, image: envoy:1, resources: {requests: {memory: 32Mi, cpu: 50m}}}
initContainers:
  - {name: migrate, image: web:1, command: [migrate], resources: {requests: {memory: 512Mi, cpu: 10m}}}
  - {name: agent, image: agent:1, restartPolicy: Always, resources: {limits: {memory: 16Mi, cpu: 20m}}}
terminationGracePeriodSeconds: 5`);
    expect(service.terminationGracePeriodSeconds).toBe(5);
    expect(service.requests).toEqual({ memory: 128 * Mi, cpu: 100 });
    expect(service.initContainers!.map((c) => [c.name, c.sidecar])).toEqual([
      ["migrate", false],
      ["agent", true],
    ]);
    // memory: the migration (512Mi, before the agent starts) beats 128 + 32 + 16; CPU: 100 + 50 + 20.
    expect(podRequestOf(service)).toEqual({ memory: 512 * Mi, cpu: 170 });
  });
});

describe("bad pod fields: every problem at once, with file and line", () => {
  it("reports schema errors on the lines they were written", () => {
    const problems = problemsOf(
      planWith(`ports:
  - {name: HTTP_PORT, port: 80}
probe: {tcp: 80, grpc: 81}
terminationGracePeriodSeconds: -1
env:
  TOKEN: {secret: web-secrets}
containers:
  - {name: Proxy, image: envoy:1}
initContainers:
  - {name: agent, image: agent:1, restartPolicy: OnFailure}`),
    );
    expect(problems).toEqual([
      expect.stringMatching(/^plan\.yaml:12 services\.web\.ports\[0\]\.name: a port name is 1–15 lower-case/),
      "plan.yaml:13 services.web.probe: give exactly one of http, tcp, grpc, exec (got tcp, grpc)",
      "plan.yaml:14 services.web.terminationGracePeriodSeconds: must be at least 0, got the number -1",
      "plan.yaml:16 services.web.env.TOKEN: expected a value, {configMap: NAME, key: KEY} or {secret: NAME, key: KEY}, got a mapping",
      expect.stringMatching(/^plan\.yaml:18 services\.web\.containers\[0\]\.name: a container name is a DNS label/),
      "plan.yaml:20 services.web.initContainers[0].restartPolicy: expected one of \"Always\", got the text \"OnFailure\"",
    ]);
  });

  it("refuses a sidecar whose limit is below its request, as for the main container", () => {
    expect(problemsOf(planWith("containers:\n  - {name: proxy, image: envoy:1, resources: {requests: {memory: 64Mi}, limits: {memory: 32Mi}}}"))).toEqual([
      "plan.yaml:12 services.web.containers[0].resources.limits.memory: the memory limit 32Mi is below the request 64Mi; Kubernetes rejects such a pod (raise the limit or lower the request)",
    ]);
  });

  it("refuses `port` with `ports`", () => {
    expect(problemsOf(planWith("port: 80\nports: [{name: http, port: 80}]"))).toEqual(["plan.yaml:12 services.web.ports: use either `port` or `ports`, not both"]);
  });

  it("refuses a targetPort no container declares, and a probe on a port the main container does not declare", () => {
    const problems = problemsOf(
      planWith(`ports:
  - {name: http, port: 80, targetPort: 8080}
  - {name: metrics, port: 9090, targetPort: exporter}
probe: {tcp: 9000}
containers:
  - name: sidecar
    image: exporter:1
    ports: [{name: export, port: 9102}]`),
    );
    expect(problems).toEqual([
      "plan.yaml:13 services.web.ports[1].targetPort: targetPort `exporter` is not a port any container of the pod declares (declared: http, export)",
      "plan.yaml:14 services.web.probe.tcp: probe port 9000 is not a port the main container declares (declared: 8080); add it to `ports`",
    ]);
  });

  it("accepts a Service port that targets a sidecar's named port, and refuses duplicate ports and container names", () => {
    const service = web(`ports:
  - {name: http, port: 80, targetPort: 8080}
  - {name: metrics, port: 9090, targetPort: export}
containers:
  - {name: exporter, image: exporter:1, ports: [{name: export, port: 9102}]}`);
    expect(service.ports![1]).toEqual({ name: "metrics", port: 9090, targetPort: "export" });
    const problems = problemsOf(
      planWith(`ports:
  - {name: http, port: 80}
  - {name: http, port: 80}
containers:
  - {name: web, image: other:1}`),
    );
    expect(problems).toEqual([
      "plan.yaml:13 services.web.ports[1].name: port name `http` is used twice (Service port names are unique)",
      "plan.yaml:13 services.web.ports[1].port: port 80 is listed twice (the API server refuses duplicate Service ports)",
      "plan.yaml:15 services.web.containers[0].name: container name `web` is used twice in the pod (the main container is named `web`)",
    ]);
  });
});
