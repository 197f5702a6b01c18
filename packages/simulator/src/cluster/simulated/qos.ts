import { qosClass } from "@openpolicy/core";
import type { QOSClass, ResourceListInput } from "@openpolicy/core";

/**
 * QoS class of the simulated one-container pod, through core's `qosClass` (kubernetes
 * pkg/apis/core/v1/helper/qos/qos.go after API defaulting). Memory is passed in bytes, CPU in
 * millicores ("250m"); zero counts as unset, as upstream.
 */
export function podQosClass(requests: { memory: number; cpu: number }, limits: { memory?: number; cpu?: number }): QOSClass {
  const list = (memory: number | undefined, cpu: number | undefined): ResourceListInput => {
    const out: ResourceListInput = {};
    if (memory !== undefined) out.memory = memory;
    if (cpu !== undefined) out.cpu = `${cpu}m`;
    return out;
  };
  return qosClass({ containers: [{ name: "app", resources: { requests: list(requests.memory, requests.cpu), limits: list(limits.memory, limits.cpu) } }] });
}
