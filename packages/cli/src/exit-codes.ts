/** Exit codes, the same for every command (documented in docs/cli.md). */
export const EXIT = {
  /** The command did what was asked and found nothing wrong. */
  ok: 0,
  /** The command ran, and the answer is "no": error findings, a failed or rolled-back rollout. */
  failed: 1,
  /** Unusable input: bad arguments, a plan that cannot be read or parsed, no Docker for --on kind. */
  usage: 2,
  /** The cluster could not be reached or refused us (kubeconfig, RBAC, lock held). */
  cluster: 3,
  /** A bug in opdeploy: an error nobody anticipated (EX_SOFTWARE in BSD sysexits.h). */
  internal: 70,
  /** Interrupted (SIGINT/SIGTERM): the deploy stopped at a step boundary and can be resumed. */
  interrupted: 130,
} as const;

/** An error whose message is meant for the user as it is, with the exit code to use. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.usage,
  ) {
    super(message);
    this.name = "CliError";
  }
}
