import { checkPlan, compareFindings } from "../checks/check-plan.js";
import type { Finding } from "../checks/finding.js";
import { crossCheckManifests } from "../manifests/index.js";
import type { PlanDocument } from "./read-plan.js";

/**
 * Every finding for a plan as read: the plan's own checks, the cross-check of the user's own
 * manifests against it, manifest files that could not be read, and Markdown lines the importer
 * could not interpret (warnings, so nothing is lost silently). What `opdeploy check` and the
 * GitHub Action both report.
 */
export function checkPlanDocument(document: PlanDocument): Finding[] {
  const findings: Finding[] = document.notes.map((note) => ({
    rule: "unread-content",
    severity: "warning",
    message: `not interpreted: ${note.message}`,
    services: [],
    location: { file: note.file, line: note.line, column: 1 },
  }));
  for (const missing of document.unreadableManifests) {
    const service = document.plan.services.get(missing.service);
    findings.push({
      rule: "manifest-mismatch",
      severity: "error",
      message: `${missing.service} points at ${missing.file}, which cannot be read (${missing.reason}); fix the path in its \`manifests\` list.`,
      services: [missing.service],
      location: service?.location ?? document.plan.location,
    });
  }
  // Loops, not push(...): a large plan's findings are more arguments than a call can take.
  for (const finding of checkPlan(document.plan)) findings.push(finding);
  if (document.manifests.length > 0) for (const finding of crossCheckManifests(document.plan, document.manifests)) findings.push(finding);
  return findings.sort(compareFindings);
}
