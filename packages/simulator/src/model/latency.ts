/**
 * A deliberately small latency / error model behind `SimulatedCluster.observe()`, good enough to
 * exercise the plan's rollback triggers (average latency, error rate), not to predict production.
 *
 * Latency of a service = BASE_LATENCY_MS
 *   × 1 / (1 − ρ)            ρ = CPU saturation of the nodes its Ready pods run on (M/M/1 queueing
 *                              growth), ρ capped at 0.95 so the figure stays finite
 *   × usage / limit          when the pods want more CPU than their limit (CFS throttling)
 * Error rate = 1 − (1 − d)(1 − r), in percent, where
 *   d = share of the service's dependencies with no Ready pod (calls to them fail),
 *   r = share of its pods not Ready because they are restarting / crash-looping.
 *
 * Not modelled (see docs/simulator.md): network latency and loss, garbage collection pauses,
 * request mix and payload sizes, cache warm-up, connection pools, load balancing skew, retries
 * and timeouts, disk I/O, noisy neighbours outside the cluster.
 */
export const BASE_LATENCY_MS = 20;
export const MAX_SATURATION = 0.95;

export interface ServiceLoad {
  /** Mean CPU saturation (used / allocatable, 0–1+) of the nodes hosting the Ready pods. */
  nodeSaturation: number;
  /** Wanted CPU / limit (≥ 1 when throttled; 1 when not). */
  throttleFactor: number;
  dependencies: number;
  dependenciesDown: number;
  pods: number;
  restartingPods: number;
}

export function serviceLatencyMs(load: ServiceLoad): number {
  const rho = Math.min(Math.max(load.nodeSaturation, 0), MAX_SATURATION);
  const ms = (BASE_LATENCY_MS / (1 - rho)) * Math.max(1, load.throttleFactor);
  return Math.round(ms * 10) / 10;
}

export function serviceErrorRate(load: ServiceLoad): number {
  const d = load.dependencies > 0 ? load.dependenciesDown / load.dependencies : 0;
  const r = load.pods > 0 ? load.restartingPods / load.pods : 0;
  return Math.round((1 - (1 - d) * (1 - r)) * 1000) / 10;
}
