export { qosClass, QosError } from "./qos.js";
export type {
  QOSClass,
  QosOptions,
  PodSpecInput,
  ContainerInput,
  ResourceRequirementsInput,
  ResourceListInput,
  QuantityInput,
} from "./qos.js";
export { podRequests, podLimits, resourcesOf, quantityBytes, quantityMillis, type PodResources, type JsonObject } from "./pod-resources.js";
