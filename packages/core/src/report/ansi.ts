/** Minimal ANSI styling; every helper returns the text unchanged when colour is off. */
export interface Paint {
  red(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
  green(text: string): string;
  bold(text: string): string;
  dim(text: string): string;
}

const wrap = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;

export function paint(color: boolean): Paint {
  if (!color) {
    const same = (text: string) => text;
    return { red: same, yellow: same, cyan: same, green: same, bold: same, dim: same };
  }
  return { red: wrap(31, 39), yellow: wrap(33, 39), cyan: wrap(36, 39), green: wrap(32, 39), bold: wrap(1, 22), dim: wrap(2, 22) };
}
