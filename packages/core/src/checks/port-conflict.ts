/**
 * Two services with the same port. Inside Kubernetes that alone is harmless: every ClusterIP
 * Service gets its own virtual IP, so database-service:9015 and op-import:9015 never meet. It
 * bites where ports share one address: NodePort and hostPort (one port per node), `kubectl
 * port-forward` of both to one workstation, and running the services together on one host or in
 * docker-compose. Hence a warning, not an error.
 *
 * The fix moves every service but the first to the next port no service uses. A service that
 * brings its own manifests is never moved: its port is whatever its containers and Service say,
 * and a plan port that disagrees with them is a broken plan (manifest-mismatch), not a fix. Nor is
 * one whose validation names the port explicitly (the check would then probe the old port).
 */
import type { Plan, Service } from "../plan/model.js";
import type { Finding, FixEdit } from "./finding.js";
import { list, makeFinding, setField } from "./describe.js";

/** The port fixed by something other than the plan's `port` field, if any. */
function pinnedBy(service: Service): string | undefined {
  if (service.manifests.length > 0) return "its own manifests";
  // A `port` field beside `ports` is refused at load: the fix would break the plan.
  if (service.ports !== undefined) return "its `ports` list";
  const v = service.validate;
  if ((v.kind === "tcp" || v.kind === "http") && v.port !== undefined && v.port === service.port) return "its validation";
  return undefined;
}

export function checkPorts(plan: Plan): Finding[] {
  const byPort = new Map<number, string[]>();
  for (const service of plan.services.values()) {
    if (service.port === undefined) continue;
    const users = byPort.get(service.port) ?? [];
    users.push(service.name);
    byPort.set(service.port, users);
  }
  let next = 1024;
  const freePort = (from: number): number | undefined => {
    for (next = Math.max(next, from + 1); next <= 65535; next++) if (!byPort.has(next)) return next++;
    return undefined;
  };
  const findings: Finding[] = [];
  for (const [port, services] of byPort) {
    if (services.length < 2) continue;
    const later = plan.services.get(services[1]!)!;
    const movable = services.slice(1).filter((name) => pinnedBy(plan.services.get(name)!) === undefined);
    const pinned = services.slice(1).filter((name) => !movable.includes(name));
    const edits: FixEdit[] = [];
    for (const name of movable) {
      const to = freePort(port);
      if (to === undefined) break;
      byPort.set(to, [name]);
      edits.push(setField(["services", name, "port"], to));
    }
    const advice =
      edits.length > 0
        ? `give ${edits.map((e) => `${e.path[1]} \`${e.text}\``).join(", ")}` +
          (pinned.length > 0 ? `; ${list(pinned)} keep${pinned.length === 1 ? "s" : ""} ${port} (fixed by ${pinnedBy(plan.services.get(pinned[0]!)!)}): change it there if it must move` : "")
        : `give ${list(services.slice(1))} ${services.length > 2 ? "their own ports" : "its own port"}` +
          (pinned.length > 0 ? ` (${list(pinned)}: in ${pinned.length === 1 ? "its" : "their"} own manifests or validation, where the port is fixed)` : "");
    const finding = makeFinding("port-conflict", {
      message:
        `port ${port} is used by ${list(services)}. Separate ClusterIP Services each have their own IP, so this works inside the cluster, ` +
        `but it clashes with NodePort or hostPort, with \`kubectl port-forward\` of both on one workstation, and when they run on one host or in docker-compose; ` +
        `${advice}.`,
      services,
      location: later.location,
    });
    if (edits.length > 0) finding.fix = { description: `move ${list(edits.map((e) => String(e.path[1])))} to ports no other service uses`, edits, safe: true };
    findings.push(finding);
  }
  return findings;
}
