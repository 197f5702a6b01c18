import type { Plan } from "@openpolicy/core";
import { kubeName } from "../cluster/kubernetes/render-workload.js";

/** The plan's name as used in revision Secret and Lease names (a DNS label, leaving room for suffixes). */
export function planSlug(plan: Plan): string {
  return kubeName(plan.name).slice(0, 40).replace(/-+$/g, "") || "plan";
}
