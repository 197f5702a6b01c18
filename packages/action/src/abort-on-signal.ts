/**
 * Workflow cancellation as an AbortSignal. When a run is cancelled (or times out) the runner
 * sends the step's process SIGINT, 7.5 s later SIGTERM, 2.5 s later SIGKILL
 * (actions/runner src/Runner.Sdk/ProcessInvoker.cs: _sigintTimeout, _sigtermTimeout). Without
 * handlers Node dies at the first signal, mid-write; with them the deploy stops at the next step
 * boundary, records its revision as resumable and releases the lease, so the next run continues
 * it. A step still waiting for Ready after 10 s is killed anyway: its revision stays `deploying`
 * and the lease expires (60 s), which the next run takes over and resumes just the same.
 * A second signal while stopping is ignored: the runner's SIGKILL is the hard stop.
 *
 * SIGINT and SIGTERM are handled alike. A step that received one and did not succeed exits
 * with 130 (as the CLI does, EXIT.interrupted: 128 + SIGINT), so the log says "interrupted,
 * resumable" rather than "failed"; one that finished successfully anyway keeps its 0.
 */

/** Exit code of a step that stopped because of a signal (the CLI's EXIT.interrupted). */
export const EXIT_INTERRUPTED = 130;
export interface SignalAbort {
  signal: AbortSignal;
  /** Name of the signal that aborted, once one did. */
  readonly received: NodeJS.Signals | undefined;
  dispose(): void;
}

export function abortOnSignals(onSignal: (name: NodeJS.Signals) => void, signals: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM"]): SignalAbort {
  const controller = new AbortController();
  let received: NodeJS.Signals | undefined;
  const exitInterrupted = (): void => {
    // 'exit' listeners may still change the code; only a failure becomes "interrupted".
    if (process.exitCode !== undefined && process.exitCode !== 0 && process.exitCode !== "0") process.exitCode = EXIT_INTERRUPTED;
  };
  const handler = (name: NodeJS.Signals): void => {
    if (received) return;
    received = name;
    process.once("exit", exitInterrupted);
    onSignal(name);
    controller.abort(new Error(`received ${name}`));
  };
  for (const name of signals) process.on(name, handler);
  return {
    signal: controller.signal,
    get received() {
      return received;
    },
    dispose: () => {
      for (const name of signals) process.off(name, handler);
    },
  };
}
