/**
 * Names the renderer gives to objects. Kubernetes object names of Services, ConfigMaps and
 * Secrets must be RFC 1123 DNS labels (at most 63 lowercase alphanumerics or '-', starting and
 * ending alphanumeric; apimachinery pkg/util/validation IsDNS1123Label), so names taken from the
 * plan are folded into that shape once, here.
 */
import type { Plan } from "../plan/model.js";

const DNS1123_LABEL_MAX = 63;

/** Fold free text ("OpenPolicy Platform 2.0") into a DNS-1123 label ("openpolicy-platform-2-0"). */
export function dnsLabel(text: string, maxLength = DNS1123_LABEL_MAX): string {
  const folded = text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, maxLength)
    .replace(/-+$/g, "");
  if (folded === "") throw new Error(`render: cannot make a Kubernetes name out of ${JSON.stringify(text)}`);
  return folded;
}

/** The plan's name as used in object names and the part-of/instance labels. */
export function planSlug(plan: Plan): string {
  // Leave room for the longest suffix we append ("-credentials", 12 characters).
  return dnsLabel(plan.name, DNS1123_LABEL_MAX - 12);
}

/** The ConfigMap holding DATABASE_URL, REDIS_URL and RABBITMQ_URL (no secrets). */
/**
 * The PriorityClass that carries a plan's `priority: N` (N ≠ 0) to the pods. Named by value, not
 * by plan: plans that agree on a value share it (it is cluster-scoped).
 */
export function priorityClassName(value: number): string {
  return value < 0 ? `opdeploy-priority-minus-${-value}` : `opdeploy-priority-${value}`;
}

export function connectionsConfigMapName(plan: Plan): string {
  return `${planSlug(plan)}-connections`;
}

/** The Secret the user creates with the passwords; the renderer only references it. */
export function credentialsSecretName(plan: Plan): string {
  return `${planSlug(plan)}-credentials`;
}

/** Headless Service a StatefulSet's pods get their stable DNS names from. */
export function headlessServiceName(serviceName: string): string {
  return dnsLabel(`${serviceName}-headless`);
}

/**
 * A label value: at most 63 characters of [A-Za-z0-9_.-], starting and ending alphanumeric
 * (apimachinery IsValidLabelValue). Image tags like "16.4-bookworm" pass unchanged.
 */
export function labelValue(text: string): string {
  const cleaned = text
    .replace(/[^A-Za-z0-9_.-]+/g, "-")
    .slice(0, DNS1123_LABEL_MAX)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "");
  return cleaned;
}
