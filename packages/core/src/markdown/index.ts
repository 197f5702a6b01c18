/** Markdown plan documents: detection, import into the YAML plan format, and import notes. */
export { isMarkdownPlan } from "./detect.js";
export { importMarkdown, type MarkdownImport, type PlanPath, type LineColumn, type RawPlan } from "./import.js";
export { formatNote, type ImportNote, type ImportNoteKind } from "./notes.js";
