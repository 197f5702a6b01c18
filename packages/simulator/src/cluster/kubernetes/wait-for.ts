/**
 * `waitFor` of KubernetesCluster (kubernetes-cluster.ts): a check re-evaluated on every change
 * the cluster notifies (a watch event, an apply, a traffic sample) and on a tick that also
 * refreshes what is not watched (metrics, other namespaces' pods) — never a poll of the API server.
 */
import type { WaitResult } from "../cluster.js";

/** How a wait reads its cluster. */
export interface WaitClock {
  /** Seconds on the cluster clock, reported with the result. */
  now(): number;
  /** A closed cluster ends every wait (not done). */
  isClosed(): boolean;
  /** Run on every tick before the check (the cluster's refresh of unwatched data). */
  tick(): Promise<void>;
  tickMs: number;
}

export class ChangeWaiters {
  private readonly listeners = new Set<() => void>();

  /** Re-evaluates every pending wait. */
  notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  /** Resolves with the check's first defined value, or not done at the deadline or on close. */
  wait<T>(check: () => T | undefined, timeoutSeconds: number, clock: WaitClock): Promise<WaitResult<T>> {
    const deadline = Date.now() + Math.max(0, timeoutSeconds) * 1000;
    return new Promise<WaitResult<T>>((resolve, reject) => {
      let finished = false;
      const timers: NodeJS.Timeout[] = [];
      const finish = (result: WaitResult<T> | Error): void => {
        if (finished) return;
        finished = true;
        this.listeners.delete(evaluate);
        for (const timer of timers) {
          clearTimeout(timer);
          clearInterval(timer);
        }
        if (result instanceof Error) reject(result);
        else resolve(result);
      };
      const evaluate = (): void => {
        if (finished) return;
        let value: T | undefined;
        try {
          value = check();
        } catch (error) {
          finish(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        if (value !== undefined) finish({ done: true, value, t: clock.now() });
        else if (Date.now() >= deadline || clock.isClosed()) finish({ done: false, t: clock.now() });
      };
      this.listeners.add(evaluate);
      timers.push(
        setInterval(() => {
          void clock.tick().finally(evaluate);
        }, clock.tickMs),
      );
      timers.push(setTimeout(evaluate, Math.max(0, deadline - Date.now()) + 1));
      evaluate();
    });
  }
}
