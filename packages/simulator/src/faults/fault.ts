/**
 * Faults the simulated cluster can inject. CLI syntax (`--fault`, repeatable):
 *
 *   slow-start:<service>:<duration>       start-up takes <duration> instead of the plan's figure
 *   crash:<service>                        the container exits (code 1) right after every start: a crash loop
 *   crash:<service>@<time>                 the running containers exit once at <time>
 *   oom:<service>                          usage goes over the memory limit at start (OOMKilled, exit 137)
 *   memory-growth:<service>:<size>/<unit>  usage grows by <size> per s|min|h from start (e.g. 10Mi/min)
 *   unready:<service>                      the readiness probe never succeeds (wrong probe port)
 *   validation-fail:<service>              the service's validation fails
 *   image-pull:<service>                   its image cannot be pulled (ErrImagePull, then ImagePullBackOff)
 *   missing-secret:<service>               a Secret its pods reference is missing (CreateContainerConfigError)
 *   node-restart:<node>@<time>[:<duration>] the node goes down at <time> for <duration> (default 30s)
 *
 * Durations and times: a number with s, m or h (`120s`, `5m`); a bare number is seconds. Times
 * are seconds since the rollout started. Sizes use Kubernetes binary/decimal suffixes (Ki Mi Gi,
 * k M G).
 */
export type Fault =
  | { kind: "slow-start"; service: string; seconds: number }
  | { kind: "crash"; service: string; at?: number }
  | { kind: "oom"; service: string }
  | { kind: "memory-growth"; service: string; bytesPerSecond: number }
  | { kind: "unready"; service: string }
  | { kind: "validation-fail"; service: string }
  | { kind: "image-pull"; service: string }
  | { kind: "missing-secret"; service: string }
  | { kind: "node-restart"; node: string; at: number; downSeconds: number };

export const FAULT_KINDS = [
  "slow-start",
  "crash",
  "oom",
  "memory-growth",
  "unready",
  "validation-fail",
  "image-pull",
  "missing-secret",
  "node-restart",
] as const;

export function describeFault(fault: Fault): string {
  switch (fault.kind) {
    case "slow-start":
      return `slow-start:${fault.service}:${fault.seconds}s`;
    case "crash":
      return fault.at === undefined ? `crash:${fault.service}` : `crash:${fault.service}@${fault.at}s`;
    case "memory-growth":
      return `memory-growth:${fault.service}:${fault.bytesPerSecond}/s`;
    case "node-restart":
      return `node-restart:${fault.node}@${fault.at}s:${fault.downSeconds}s`;
    default:
      return `${fault.kind}:${fault.service}`;
  }
}
