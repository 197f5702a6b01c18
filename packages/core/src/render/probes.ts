/**
 * Readiness, liveness and startup probes, by how the plan validates the service, always on the
 * port the container really listens on.
 *
 * Exec probes for infrastructure, never HTTP: PostgreSQL, Redis and AMQP ports do not speak HTTP,
 * so an httpGet on them always fails (the user's phase-1 script did exactly that).
 * `$(POSTGRES_USER)` in an exec probe is expanded by the kubelet from the container's literal
 * (non-valueFrom) env vars: pkg/kubelet/prober/prober.go runs
 * `kubecontainer.ExpandContainerCommandOnlyStatic(p.Exec.Command, container.Env)`.
 *
 * Timing (probe defaults: period 10 s, timeout 1 s, failureThreshold 3 —
 * https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/):
 * - startupProbe every 5 s; failureThreshold = ceil((2 × startupSeconds + 30) / 5), so a
 *   container gets twice its expected start time plus 30 s before the kubelet kills it. Liveness
 *   and readiness do not run until the startup probe has succeeded, which is what keeps a slow
 *   `pip install` start from being restarted in a loop.
 * - readinessProbe every 5 s, 3 failures to turn NotReady.
 * - livenessProbe every 10 s, 6 failures (a minute) before a restart: a busy broker that misses
 *   one check is not killed (the user's RabbitMQ CrashLoopBackOff).
 * - timeout 3 s for commands (a new process per check), 10 s for rabbitmq-diagnostics, which
 *   starts an Erlang VM each time.
 *
 * A plan's own `probe:` replaces the check derived from `validate` (which stays opdeploy's
 * post-step validation) and its timings replace the readiness/liveness defaults above; the
 * startup probe runs the same check but keeps its start-up-derived window.
 */
import type { Probe, Service } from "../plan/model.js";
import type { ImageProfile } from "./image-profile.js";

export const STARTUP_PERIOD_SECONDS = 5;
export const STARTUP_MARGIN_SECONDS = 30;

export interface ContainerProbes {
  readinessProbe: Record<string, unknown>;
  livenessProbe: Record<string, unknown>;
  startupProbe: Record<string, unknown>;
}

/** failureThreshold of the startup probe: twice the expected start plus a margin, in periods. */
export function startupFailureThreshold(startupSeconds: number): number {
  const window = 2 * Math.max(0, startupSeconds) + STARTUP_MARGIN_SECONDS;
  return Math.ceil(window / STARTUP_PERIOD_SECONDS);
}

/**
 * The check itself (exec/httpGet/tcpSocket), or undefined when the service has neither a
 * validation nor a port to check. `portName` is the name of the container port `port` is on.
 */
export function probeHandler(
  service: Service,
  profile: ImageProfile,
  port: number | undefined,
  portName: string | undefined,
): Record<string, unknown> | undefined {
  if (service.probe !== undefined) return planProbeHandler(service.probe, port, portName);
  const v = service.validate;
  switch (v.kind) {
    case "postgres":
      return { exec: { command: ["pg_isready", "-U", "$(POSTGRES_USER)", "-h", "127.0.0.1", "-p", String(port ?? profile.defaultPort)] } };
    case "redis":
      // REDISCLI_AUTH (set on the container) lets redis-cli authenticate without `-a` on the command line.
      return { exec: { command: ["redis-cli", "-p", String(port ?? profile.defaultPort), "ping"] } };
    case "rabbitmq":
      return { exec: { command: ["rabbitmq-diagnostics", "-q", "ping"] } };
    case "http": {
      const target = portName ?? v.port ?? port;
      return target === undefined ? undefined : { httpGet: { path: v.path, port: target } };
    }
    case "tcp":
      return { tcpSocket: { port: portName ?? v.port } };
    case "none":
      return port !== undefined ? { tcpSocket: { port: portName ?? port } } : undefined;
  }
}

/** The plan's `probe:` as a handler; `port`/`portName` are the port it checks and that port's name. */
function planProbeHandler(probe: Probe, port: number | undefined, portName: string | undefined): Record<string, unknown> | undefined {
  const target = portName ?? probe.port ?? port;
  switch (probe.kind) {
    case "exec":
      return { exec: { command: probe.command } };
    case "grpc":
      // GRPCAction.port is a number: the API has no named gRPC port (core/v1 types.go).
      return probe.port === undefined && port === undefined ? undefined : { grpc: { port: probe.port ?? port } };
    case "http":
      return target === undefined ? undefined : { httpGet: { path: probe.path, port: target } };
    case "tcp":
      return target === undefined ? undefined : { tcpSocket: { port: target } };
  }
}

/** Timings the plan's `probe:` sets (initialDelaySeconds only when given: the API's default is 0). */
function timings(probe: Probe | undefined, defaults: { periodSeconds: number; timeoutSeconds: number; failureThreshold: number }): Record<string, number> {
  return {
    ...(probe?.initialDelaySeconds !== undefined ? { initialDelaySeconds: probe.initialDelaySeconds } : {}),
    periodSeconds: probe?.periodSeconds ?? defaults.periodSeconds,
    timeoutSeconds: probe?.timeoutSeconds ?? defaults.timeoutSeconds,
    failureThreshold: probe?.failureThreshold ?? defaults.failureThreshold,
  };
}

export function containerProbes(
  service: Service,
  profile: ImageProfile,
  port: number | undefined,
  portName: string | undefined,
): ContainerProbes | undefined {
  const handler = probeHandler(service, profile, port, portName);
  if (!handler) return undefined;
  const timeoutSeconds = service.probe?.timeoutSeconds ?? (profile.family === "rabbitmq" ? 10 : handler.exec ? 3 : 2);
  return {
    startupProbe: {
      ...handler,
      periodSeconds: STARTUP_PERIOD_SECONDS,
      timeoutSeconds,
      failureThreshold: startupFailureThreshold(service.startupSeconds),
    },
    readinessProbe: { ...handler, ...timings(service.probe, { periodSeconds: 5, timeoutSeconds, failureThreshold: 3 }) },
    livenessProbe: { ...handler, ...timings(service.probe, { periodSeconds: 10, timeoutSeconds, failureThreshold: 6 }) },
  };
}
