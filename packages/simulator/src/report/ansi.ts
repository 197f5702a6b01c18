/** ANSI styling that is a no-op unless colour was asked for (never decide by sniffing the terminal here). */
const CODES = { bold: 1, dim: 2, red: 31, green: 32, yellow: 33, cyan: 36 } as const;

export type Style = keyof typeof CODES;

export type Painter = (text: string, ...styles: Style[]) => string;

export function painter(color: boolean): Painter {
  if (!color) return (text) => text;
  return (text, ...styles) => (styles.length === 0 ? text : `\x1b[${styles.map((s) => CODES[s]).join(";")}m${text}\x1b[0m`);
}

/** Removes ANSI SGR sequences (for measuring or testing coloured text). */
export function stripAnsi(text: string): string {
  return text.replace(/\x1b\[[0-9;]*m/g, "");
}
