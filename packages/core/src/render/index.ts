export { renderManifests, renderManifestFiles, serviceManifestPath, PRIORITY_CLASSES_FILE } from "./render-manifests.js";
export type { RenderOptions, RenderedManifest, KubernetesObject } from "./render-manifests.js";
export { connectionSettings, CONNECTION_KEYS } from "./connections.js";
export { startupFailureThreshold } from "./probes.js";
export { connectionsConfigMapName, credentialsSecretName, dnsLabel, priorityClassName } from "./names.js";
