/**
 * How the fast roads (fast-parse.ts, fast-parse-json.ts) give up: anything they cannot vouch for
 * throws DECLINE, caught at their entry, and the text goes to the next road.
 */
export const DECLINE = new Error("fast-parse: declined");

export function decline(): never {
  throw DECLINE;
}

export const CH_SPACE = 0x20;
export const CH_LF = 0x0a;
export const CH_CR = 0x0d;
export const CH_DQUOTE = 0x22;
