export { renderManifests, renderManifestFiles, serviceManifestPath } from "./render-manifests.js";
export type { RenderOptions, RenderedManifest, KubernetesObject } from "./render-manifests.js";
export { connectionSettings, CONNECTION_KEYS } from "./connections.js";
export { startupFailureThreshold } from "./probes.js";
export { connectionsConfigMapName, credentialsSecretName, dnsLabel } from "./names.js";
