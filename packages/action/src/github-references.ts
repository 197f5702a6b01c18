/**
 * The report quotes text from the plan — its name, service and phase names, finding messages —
 * and posts it as the action's bot. On GitHub, `@name` in a comment is a mention (a notification
 * to that person or team, sent by our bot), and `#12`, `owner/repo#12` or `GH-12` link the
 * issue and add a "mentioned this" event to its timeline. A zero-width joiner after the `@`,
 * `#` or `GH-` leaves the text reading the same while GitHub's autolinker no longer matches it
 * (a mention needs a letter or digit right after `@`, a reference a digit after `#`).
 *
 * Applied to the whole rendered body rather than to each string: every path that puts plan
 * text into the report is covered, including ones added later. Left as they are: code spans and
 * fenced code blocks (GitHub links nothing there; Mermaid's `#35;` entities must survive), HTML
 * comments (the hidden marker must stay byte-identical) and character references (`&#39;`).
 */

const ZWJ = "\u200D";

/** Fenced code blocks (``` or ~~~, up to the closing fence of the same kind) and HTML comments. */
const BLOCKS = /^ {0,3}(`{3,}|~{3,})[^\n]*$[\s\S]*?(?:^ {0,3}\1[`~]*[ \t]*$|(?![\s\S]))|<!--[\s\S]*?-->/gm;
/** A code span: a run of backticks (not escaped) up to a run of the same length. */
const CODE_SPAN = /(?<!\\)(`+)[\s\S]*?(?<!`)\1(?!`)/g;

function neutraliseText(text: string): string {
  return text
    .replace(/(^|[^A-Za-z0-9_])@(?=[A-Za-z0-9])/g, `$1@${ZWJ}`)
    .replace(/(?<!&)#(?=\d)/g, `#${ZWJ}`)
    .replace(/\b(GH)-(?=\d)/gi, `$1-${ZWJ}`);
}

/** Applies `transform` to the parts of `text` that `pattern` does not match. */
function outside(text: string, pattern: RegExp, transform: (plain: string) => string): string {
  let out = "";
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    out += transform(text.slice(last, match.index)) + match[0];
    last = match.index + match[0].length;
  }
  return out + transform(text.slice(last));
}

export function neutraliseReferences(markdown: string): string {
  return outside(markdown, BLOCKS, (prose) => outside(prose, CODE_SPAN, neutraliseText));
}
