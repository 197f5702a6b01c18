/**
 * Container restart back-off (kubelet pkg/kubelet/kuberuntime, flowcontrol.Backoff with
 * initial 10 s, max 300 s): the first restart is immediate, then 10, 20, 40, 80, 160, 300, 300 …
 * seconds; the back-off resets once the container ran for 600 s (2 × max).
 */
export const BACKOFF_INITIAL_SECONDS = 10;
export const BACKOFF_MAX_SECONDS = 300;
export const BACKOFF_RESET_SECONDS = 600;

/** Delay before restart number `restartIndex` (0 for the first restart since the last reset). */
export function restartDelaySeconds(restartIndex: number): number {
  if (restartIndex <= 0) return 0;
  return Math.min(BACKOFF_MAX_SECONDS, BACKOFF_INITIAL_SECONDS * 2 ** (restartIndex - 1));
}
