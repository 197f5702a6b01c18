/** A GitHub-flavoured Markdown table. Cells are written as given: escape text with escapeMarkdown first. */
export function markdownTable(headers: readonly string[], rows: readonly (readonly string[])[], align?: readonly ("left" | "right")[]): string {
  const width = headers.length;
  for (const row of rows) {
    if (row.length !== width) throw new Error(`report: table row has ${row.length} cells, expected ${width}`);
  }
  const rule = headers.map((_, i) => (align?.[i] === "right" ? "---:" : "---"));
  const line = (cells: readonly string[]) => `| ${cells.map((c) => (c === "" ? " " : c)).join(" | ")} |`;
  return [line(headers), line(rule), ...rows.map(line)].join("\n");
}
