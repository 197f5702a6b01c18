/**
 * Text clean-up for Markdown plan documents: the authors decorate headings and cells with bold
 * markers and emoji ("### **Phase 1: Infrastructure Foundation (Priority 1)** 🛡️"); the importer
 * reads the words underneath.
 */

// Emoji and their joiners/variation selectors/keycaps/regional indicators. \p{Extended_Pictographic}
// covers the pictographs themselves (🚀, 🛡️, 🔴, ✅, ⚠️) without touching digits or letters.
// biome-ignore lint/suspicious/noMisleadingCharacterClass: each code point is meant on its own (a joiner or variation selector left alone would be stray)
const EMOJI = /[\p{Extended_Pictographic}\u{FE0F}\u{FE0E}\u{200D}\u{20E3}\u{1F1E6}-\u{1F1FF}\u{1F3FB}-\u{1F3FF}]/gu;

/** Removes Markdown emphasis, inline code marks, links and emoji; collapses and trims spaces. */
export function cleanText(text: string): string {
  return text
    .replace(EMOJI, "")
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1") // [text](url) -> text
    .replace(/\*\*|__|~~|`/g, "")
    // Single-star or single-underscore emphasis only when it wraps text, so "error_reporting"
    // and "a * b" survive.
    .replace(/(^|[^\w*])\*(?!\s)([^*]*?[^\s*])\*(?![\w*])/g, "$1$2")
    .replace(/(^|[^\w])_(?!\s)([^_]*?[^\s_])_(?![\w])/g, "$1$2")
    .replace(/\s+/g, " ")
    .trim();
}

// Words that describe any plan, phase or batch and so make poor identifiers.
const GENERIC_WORDS = new Set([
  "a", "an", "the", "of", "for", "and", "to", "plan", "planned", "deployment", "deploy", "strategy",
  "rollout", "platform", "roadmap", "comprehensive", "services", "service", "core", "foundation",
  "essential", "additional", "phase", "batch", "priority", "stage", "tier", "layer",
]);

/**
 * A short lowercase identifier from a heading: "Core Business Services" -> "business",
 * "Infrastructure Foundation" -> "infrastructure", "Business Logic Services" -> "business-logic".
 * Generic words are dropped; when nothing is left the caller supplies a fallback.
 */
export function slugFromTitle(title: string): string {
  const words = cleanText(title)
    .replace(/\([^)]*\)/g, " ")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0 && !GENERIC_WORDS.has(w));
  return words.join("-");
}

/** The plain words of a string, lowercase, for keyword matching. */
export function normalizeKey(text: string): string {
  return cleanText(text).toLowerCase().replace(/[^a-z0-9%<>./]+/g, " ").trim();
}

/** Splits on LF, CRLF or CR so line numbers match what editors show. */
export function splitLines(text: string): string[] {
  // A byte order mark (editors on Windows write one) is not part of the first line: left in,
  // it hides the title heading and the plan's name changes.
  return text.replace(/^\uFEFF/, "").split(/\r\n|\r|\n/);
}
