/** JSON when the first significant character opens an object; YAML otherwise. */
export function detectPlanFormat(text: string): "json" | "yaml" {
  return text.replace(/^\uFEFF/, "").trimStart().startsWith("{") ? "json" : "yaml";
}
