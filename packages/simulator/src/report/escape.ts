/**
 * Escaping for the three output languages. Every piece of text that comes from the plan or the
 * cluster (service and phase names, Kubernetes messages, finding messages) goes through one of
 * these before it is written into a report.
 */

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text or attribute value for HTML/SVG. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/**
 * One GitHub Markdown table cell (or inline text): pipes would end the cell, newlines the row, and
 * `<`/`>`/`&` would be read as HTML by GitHub; `*_[]\`` would start emphasis, links or code.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\r?\n/g, " ")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/([\\|*_[\]`])/g, "\\$1");
}

/**
 * Text inside a Mermaid gantt title, section or task name. The gantt lexer
 * (mermaid packages/mermaid/src/diagrams/gantt/parser/gantt.jison) ends these at `#`, `:`, `;` and
 * newline, and starts a comment at `%%`; Mermaid decodes `#<code>;` entities before parsing
 * (mermaidAPI encodeEntities), so those characters are written as entities. The lexer also matches
 * keywords by prefix and case-insensitively (`gantt`, `click `, `call `, `href "`, `section `,
 * `title `, `dateFormat `...), so a name starting with one gets its first character encoded too.
 */
export function escapeMermaidGanttText(text: string): string {
  let out = text
    .replace(/\r?\n/g, " ")
    .replace(/[#:;%"]/g, (c) => `#${c.charCodeAt(0)};`)
    .trim();
  if (/^(gantt|click\s|call\s|href\s|dateformat\s|axisformat\s|tickinterval\s|includes\s|excludes\s|todaymarker\s|weekday\s|title\s|section\s|accdescription\s|acctitle|accdescr|inclusiveenddates|topaxis|\d{4}-\d\d-\d\d)/i.test(out)) {
    out = `#${out.charCodeAt(0)};${out.slice(1)}`;
  }
  return out === "" ? "#160;" : out;
}

/** A quoted string in a Mermaid xychart (the lexer's string state ends at the next `"`). */
export function escapeMermaidString(text: string): string {
  return text.replace(/\r?\n/g, " ").replace(/"/g, "'");
}
