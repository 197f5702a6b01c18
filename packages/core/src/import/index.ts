export { importSources, type ImportSource, type ImportSourcesOptions } from "./import-sources.js";
export { detectInputFormat, type InputFormat } from "./detect.js";
export { ImportError, formatImportNote, type InputNote, type InputNoteKind } from "./notes.js";
export type { PlanImport, NodeSize } from "./to-plan.js";
export { hostReferences, type HostReference } from "./references.js";
export { readBoundedFile, MAX_MANIFEST_BYTES } from "../plan/read-bounded.js";
export { DEPENDS_ON_ANNOTATION } from "./kubernetes-yaml.js";
