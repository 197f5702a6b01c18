/**
 * Two services with the same port. Inside Kubernetes that alone is harmless: every ClusterIP
 * Service gets its own virtual IP, so database-service:9015 and op-import:9015 never meet. It
 * bites where ports share one address: NodePort and hostPort (one port per node), `kubectl
 * port-forward` of both to one workstation, and running the services together on one host or in
 * docker-compose. Hence a warning, not an error.
 */
import type { Plan } from "../plan/model.js";
import type { Finding } from "./finding.js";
import { list, makeFinding } from "./describe.js";

export function checkPorts(plan: Plan): Finding[] {
  const byPort = new Map<number, string[]>();
  for (const service of plan.services.values()) {
    if (service.port === undefined) continue;
    const users = byPort.get(service.port) ?? [];
    users.push(service.name);
    byPort.set(service.port, users);
  }
  const findings: Finding[] = [];
  for (const [port, services] of byPort) {
    if (services.length < 2) continue;
    const later = plan.services.get(services[1]!)!;
    findings.push(
      makeFinding("port-conflict", {
        message:
          `port ${port} is used by ${list(services)}. Separate ClusterIP Services each have their own IP, so this works inside the cluster, ` +
          `but it clashes with NodePort or hostPort, with \`kubectl port-forward\` of both on one workstation, and when they run on one host or in docker-compose; ` +
          `give ${list(services.slice(1))} ${services.length > 2 ? "their own ports" : "its own port"}.`,
        services,
        location: later.location,
      }),
    );
  }
  return findings;
}
