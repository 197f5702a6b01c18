/**
 * The subset of Mermaid's grammar the reports rely on, checked without a DOM. Rules follow
 * mermaid packages/mermaid/src/diagrams/gantt/parser/gantt.jison and
 * packages/mermaid/src/diagrams/xychart/parser/xychart.jison, after Mermaid's encodeEntities
 * (which turns `#<word>;` into placeholders before the lexer runs).
 */
export function encodeEntities(text: string): string {
  return text.replace(/#\w+;/g, (s) => `\uFB02\u00B0${s.slice(1, -1)}\u00B6\u00DF`);
}

const GANTT_KEYWORDS = /^(gantt|click\s|call\s|href\s|dateformat\s|axisformat\s|tickinterval\s|includes\s|excludes\s|todaymarker\s|weekday\s|title\s|section\s|accdescription\s|acctitle|accdescr|inclusiveenddates|topaxis|\d{4}-\d\d-\d\d)/i;

export interface ParsedGantt {
  title?: string;
  sections: { name: string; tasks: { text: string; tags: string[]; id: string; start: number; seconds: number }[] }[];
  errors: string[];
}

export function parseGantt(source: string): ParsedGantt {
  const lines = encodeEntities(source).split("\n");
  const out: ParsedGantt = { sections: [], errors: [] };
  if (lines[0]?.trim() !== "gantt") out.errors.push("first line is not 'gantt'");
  const ids = new Set<string>();
  for (const raw of lines.slice(1)) {
    const line = raw.trim();
    if (line === "") continue;
    if (/%%/.test(line)) out.errors.push(`comment marker in: ${line}`);
    let m: RegExpMatchArray | null;
    if ((m = /^title\s([^#\n;]+)$/i.exec(line))) out.title = m[1] ?? "";
    else if (/^(dateFormat|axisFormat|todayMarker)\s[^#\n;]+$/.test(line)) continue;
    else if ((m = /^section\s([^#:\n;]+)$/i.exec(line))) out.sections.push({ name: m[1]!, tasks: [] });
    else if ((m = /^([^#:\n;]+):([^#\n;]+)$/.exec(line))) {
      const text = m[1]!.trim();
      if (GANTT_KEYWORDS.test(text)) out.errors.push(`task text starts with a keyword: ${text}`);
      const data = m[2]!.split(",").map((s) => s.trim());
      const tags = data.filter((d) => d === "done" || d === "crit" || d === "active" || d === "milestone");
      const rest = data.slice(tags.length);
      const [id, start, duration] = rest;
      if (rest.length !== 3 || !id || !/^[A-Za-z_][\w-]*$/.test(id) || !/^\d+$/.test(start ?? "") || !/^\d+s$/.test(duration ?? "")) {
        out.errors.push(`task data not "tags, id, start, <n>s": ${line}`);
        continue;
      }
      if (ids.has(id)) out.errors.push(`duplicate task id ${id}`);
      ids.add(id);
      const section = out.sections[out.sections.length - 1];
      if (!section) out.errors.push(`task before any section: ${line}`);
      else section.tasks.push({ text, tags, id, start: Number(start), seconds: Number(duration!.slice(0, -1)) });
    } else out.errors.push(`unrecognized gantt line: ${line}`);
  }
  return out;
}

export interface ParsedXyChart {
  title?: string;
  xRange?: [number, number];
  yRange?: [number, number];
  lines: { name: string; values: number[] }[];
  errors: string[];
}

const NUMBER = String.raw`[+-]?(?:\d+(?:\.\d+)?|\.\d+)`;

export function parseXyChart(source: string): ParsedXyChart {
  const lines = source.split("\n").map((l) => l.trim()).filter(Boolean);
  const out: ParsedXyChart = { lines: [], errors: [] };
  if (lines[0] !== "xychart-beta") out.errors.push("first line is not 'xychart-beta'");
  for (const line of lines.slice(1)) {
    let m: RegExpMatchArray | null;
    if ((m = /^title "([^"]*)"$/.exec(line))) out.title = m[1] ?? "";
    else if ((m = new RegExp(`^x-axis "[^"]*" (${NUMBER}) --> (${NUMBER})$`).exec(line))) out.xRange = [Number(m[1]), Number(m[2])];
    else if ((m = new RegExp(`^y-axis "[^"]*" (${NUMBER}) --> (${NUMBER})$`).exec(line))) out.yRange = [Number(m[1]), Number(m[2])];
    else if ((m = new RegExp(`^line "([^"]*)" \\[(${NUMBER}(?:, ${NUMBER})*)\\]$`).exec(line))) out.lines.push({ name: m[1]!, values: m[2]!.split(", ").map(Number) });
    else out.errors.push(`unrecognized xychart line: ${line}`);
  }
  return out;
}

/** Mermaid fenced blocks of a Markdown document, in order. */
export function mermaidBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```mermaid\n([\s\S]*?)\n```/g)].map((m) => m[1]!);
}

/** The rows of the Markdown table that starts with `headerStart`, as cells (escaped pipes kept). */
export function markdownTableAfter(markdown: string, headerStart: string): string[][] {
  const lines = markdown.split("\n");
  const start = lines.findIndex((l) => l.startsWith(headerStart));
  if (start < 0) return [];
  const rows: string[][] = [];
  for (let i = start; i < lines.length && lines[i]!.startsWith("|"); i += 1) {
    rows.push(lines[i]!.slice(1, -1).split(/(?<!\\)\|/).map((c) => c.trim()));
  }
  return rows;
}
