/**
 * Why a step failed, as Kubernetes tells it: the failing service's pods with their state, their
 * last events and — where the cluster can read them — the last lines of the current and previous
 * container logs (RabbitMQ's crash loop is explained by its log, not by its events). Bounded and
 * redacted: credentials in URLs and `password=`/`token:`-style values never reach a report.
 */
import type { Cluster } from "../cluster/cluster.js";
import { redactUrl } from "../validation/redact.js";
import type { PodDiagnosis } from "./result.js";

export const DIAGNOSIS_EVENTS = 5;
export const DIAGNOSIS_LOG_LINES = 20;
/** Pods examined per failed service. */
export const DIAGNOSIS_PODS = 3;

const SECRET_ASSIGNMENT = /\b((?:[a-z0-9_-]*(?:password|passwd|pwd|secret|token|api[_-]?key|credentials?)[a-z0-9_-]*))(["']?\s*[=:]\s*["']?)([^\s"',;&]+)/gi;
const BEARER = /\b(bearer|basic)\s+[a-z0-9._~+/=-]{8,}/gi;

/** One log line with credentials removed: URL passwords, `KEY=value` secrets, bearer tokens. */
export function redactLogLine(line: string): string {
  return redactUrl(line).replace(SECRET_ASSIGNMENT, "$1$2***").replace(BEARER, "$1 ***");
}

export async function diagnoseService(cluster: Cluster, service: string, since: number): Promise<PodDiagnosis[]> {
  const status = await cluster.workloadStatus(service);
  if (!status) return [];
  // The pods that explain the failure first: not ready, most restarts.
  const pods = [...status.pods].filter((p) => !p.terminating).sort((a, b) => Number(a.ready) - Number(b.ready) || b.restarts - a.restarts).slice(0, DIAGNOSIS_PODS);
  const events = await cluster.events(since);
  const out: PodDiagnosis[] = [];
  for (const pod of pods) {
    const diagnosis: PodDiagnosis = {
      pod: pod.name,
      phase: pod.phase,
      restarts: pod.restarts,
      events: events
        .filter((e) => e.object === `Pod/${pod.name}`)
        .slice(-DIAGNOSIS_EVENTS)
        .map((e) => redactLogLine(`${e.reason}: ${e.message}`)),
    };
    if (pod.reason !== undefined) diagnosis.reason = pod.reason;
    if (pod.message !== undefined) diagnosis.message = redactLogLine(pod.message);
    if (cluster.podLogs) {
      const current = await cluster.podLogs(pod.name, { tailLines: DIAGNOSIS_LOG_LINES }).catch(() => undefined);
      const previous = pod.restarts > 0 ? await cluster.podLogs(pod.name, { tailLines: DIAGNOSIS_LOG_LINES, previous: true }).catch(() => undefined) : undefined;
      const containers = new Set([...(current ?? []), ...(previous ?? [])].map((l) => l.container));
      if (containers.size > 0) {
        diagnosis.logs = [...containers].map((container) => ({
          container,
          current: (current?.find((l) => l.container === container)?.lines ?? []).map(redactLogLine),
          previous: (previous?.find((l) => l.container === container)?.lines ?? []).map(redactLogLine),
        }));
      }
    }
    out.push(diagnosis);
  }
  return out;
}
