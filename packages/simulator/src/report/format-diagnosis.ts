/** Plain text of a failed service's pods: state, last events, log tails (already redacted). */
import type { PodDiagnosis } from "../engine/result.js";

export function formatDiagnosisText(service: string, pods: readonly PodDiagnosis[]): string {
  if (pods.length === 0) return `${service}: no pods`;
  const lines: string[] = [];
  for (const pod of pods) {
    lines.push(`${service} · pod ${pod.pod}: ${pod.phase}${pod.reason ? ` (${pod.reason}${pod.message ? `: ${pod.message}` : ""})` : ""}, ${pod.restarts} restart${pod.restarts === 1 ? "" : "s"}`);
    if (pod.events.length > 0) lines.push("  events:", ...pod.events.map((e) => `    ${e}`));
    for (const log of pod.logs ?? []) {
      if (log.previous.length > 0) lines.push(`  ${log.container}, previous instance (last ${log.previous.length} lines):`, ...log.previous.map((l) => `    ${l}`));
      if (log.current.length > 0) lines.push(`  ${log.container}, current instance (last ${log.current.length} lines):`, ...log.current.map((l) => `    ${l}`));
    }
  }
  return lines.join("\n");
}
