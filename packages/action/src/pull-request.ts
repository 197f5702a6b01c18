/**
 * What the action needs from the event that started the workflow. Read from the payload
 * (GITHUB_EVENT_PATH) rather than from the API: it costs no request and works with a token
 * that can read nothing.
 */
export interface PullRequestEvent {
  number: number;
  /** The base revision the PR's plan is compared with. */
  baseSha?: string;
  headRepo?: string;
  baseRepo?: string;
  /** The head branch lives in another repository (or one since deleted). */
  fromFork: boolean;
}

/** Events whose payload carries `pull_request` (docs.github.com: "Events that trigger workflows"). */
export const PULL_REQUEST_EVENTS = ["pull_request", "pull_request_target"];

interface RepoRef {
  full_name?: unknown;
}

export function pullRequestFromEvent(eventName: string, payload: Record<string, unknown>): PullRequestEvent | undefined {
  if (!PULL_REQUEST_EVENTS.includes(eventName)) return undefined;
  const pr = payload.pull_request as
    | { number?: unknown; base?: { sha?: unknown; repo?: RepoRef | null }; head?: { repo?: RepoRef | null } }
    | undefined;
  const number = typeof pr?.number === "number" ? pr.number : typeof payload.number === "number" ? payload.number : undefined;
  if (pr === undefined || number === undefined) return undefined;
  const baseRepo = typeof pr.base?.repo?.full_name === "string" ? pr.base.repo.full_name : undefined;
  const headRepo = typeof pr.head?.repo?.full_name === "string" ? pr.head.repo.full_name : undefined;
  const event: PullRequestEvent = {
    number,
    // A head repository that is gone (null) was a fork that got deleted: never trust it.
    fromFork: headRepo === undefined || baseRepo === undefined || headRepo.toLowerCase() !== baseRepo.toLowerCase(),
  };
  if (typeof pr.base?.sha === "string") event.baseSha = pr.base.sha;
  if (headRepo !== undefined) event.headRepo = headRepo;
  if (baseRepo !== undefined) event.baseRepo = baseRepo;
  return event;
}
