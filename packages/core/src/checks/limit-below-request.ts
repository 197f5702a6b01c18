/**
 * The API server rejects a container whose limit is below its request ("must be less than or
 * equal to ... limit"; kubernetes pkg/apis/core/validation/validation.go, ValidateResourceRequirements).
 */
import type { Plan } from "../plan/model.js";
import type { Finding } from "./finding.js";
import { cpu, makeFinding, memory } from "./describe.js";

export function checkLimits(plan: Plan): Finding[] {
  const findings: Finding[] = [];
  for (const service of plan.services.values()) {
    const { requests, limits } = service;
    const problems: string[] = [];
    if (limits.memory !== undefined && limits.memory < requests.memory) {
      problems.push(`memory limit ${memory(limits.memory)} is below its request ${memory(requests.memory)}`);
    }
    if (limits.cpu !== undefined && limits.cpu < requests.cpu) {
      problems.push(`CPU limit ${cpu(limits.cpu)} is below its request ${cpu(requests.cpu)}`);
    }
    if (problems.length === 0) continue;
    findings.push(
      makeFinding("limit-below-request", {
        message: `${service.name}: ${problems.join(", and ")}; Kubernetes rejects such a pod. Raise the limit to at least the request, or lower the request.`,
        services: [service.name],
        location: service.location,
      }),
    );
  }
  return findings;
}
