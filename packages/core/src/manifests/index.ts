export { crossCheckManifests } from "./cross-check.js";
export { parseManifests } from "./parse-manifests.js";
export type { ManifestText, ManifestObject, ParsedManifests, ManifestSyntaxError, FieldPath } from "./parse-manifests.js";
export { serviceObjects, findWorkload, findService, sameFile } from "./service-objects.js";
