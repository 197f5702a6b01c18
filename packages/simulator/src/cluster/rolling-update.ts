import { ClusterError } from "./cluster.js";

/**
 * intstr.GetScaledValueFromIntOrPercent (k8s.io/apimachinery/pkg/util/intstr/intstr.go):
 * an integer is taken as is, "N%" is N percent of `total`, rounded up or down.
 */
export function scaledValueFromIntOrPercent(value: number | string, total: number, roundUp: boolean): number {
  if (typeof value === "number") {
    if (!Number.isInteger(value) || value < 0) throw new ClusterError(`invalid value for IntOrString: ${value}`);
    return value;
  }
  const match = /^(\d+)%$/.exec(value);
  if (!match) throw new ClusterError(`invalid value for IntOrString: invalid type: string is not a percentage: ${JSON.stringify(value)}`);
  const percent = Number(match[1]);
  // Integer arithmetic as upstream (math.Ceil/Floor of float64(percent*total)/100).
  const product = percent * total;
  return roundUp ? Math.ceil(product / 100) : Math.floor(product / 100);
}

/**
 * ResolveFenceposts (kubernetes pkg/controller/deployment/util/deployment_util.go): maxSurge is
 * rounded up, maxUnavailable down, and when both come out 0 unavailable becomes 1 so that the
 * rollout can progress.
 */
export function resolveFenceposts(
  maxSurge: number | string,
  maxUnavailable: number | string,
  desired: number,
): { surge: number; unavailable: number } {
  const surge = scaledValueFromIntOrPercent(maxSurge, desired, true);
  let unavailable = scaledValueFromIntOrPercent(maxUnavailable, desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}
