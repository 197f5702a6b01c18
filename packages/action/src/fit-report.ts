/**
 * GitHub's limits: an issue comment holds 65,536 characters, a step's job summary 1 MiB
 * (bytes, UTF-8). The report renderer shortens itself to a character count; for a byte limit
 * the count is lowered until the UTF-8 size fits too (non-ASCII text such as "→" takes 3 bytes).
 */
export const COMMENT_LIMIT_CHARS = 65_536;
export const SUMMARY_LIMIT_BYTES = 1024 * 1024;

export function renderWithinBytes(render: (maxLength: number) => string, limitBytes: number): string {
  let maxLength = limitBytes;
  for (let attempt = 0; attempt < 8; attempt++) {
    const text = render(maxLength);
    const bytes = Buffer.byteLength(text, "utf8");
    if (bytes <= limitBytes) return text;
    maxLength = Math.floor(maxLength * (limitBytes / bytes) * 0.98);
  }
  // Unreachable for real reports (each round shrinks by the measured ratio); never exceed anyway.
  return Buffer.from(render(maxLength), "utf8").subarray(0, limitBytes).toString("utf8").replace(/\uFFFD$/, "");
}
