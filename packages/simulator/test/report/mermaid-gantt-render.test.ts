/**
 * The Mermaid gantt as GitHub would draw it: rendered in headless Chromium by two Mermaid
 * releases from npm — the oldest line we support (10.9) and the current 11.x, which changed how
 * timestamp starts are parsed (11.12) — served from a local static server. The bars' positions
 * must follow the simulated start times in both.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { renderMermaidGantt } from "../../src/report/mermaid-gantt.js";
import { startedSteps } from "../../src/report/timeline.js";
import { buildResult } from "./build-result.js";

const CHROMIUM = "/usr/bin/chromium";
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`mermaid-gantt-render: ${CHROMIUM} not found, skipping the Mermaid rendering checks (install Debian's chromium package)`);

const PACKAGE_ROOT = fileURLToPath(new URL("../..", import.meta.url));
/** devDependencies under aliases: mermaid10 → mermaid@10.9.x, mermaid11 → mermaid@11. */
const MERMAID = { "10.9": "mermaid10", "11": "mermaid11" } as const;

interface Bar {
  id: string;
  x: number;
  width: number;
}

/** One page per render: loads one Mermaid release, renders `source`, lists the task bars. */
function page(script: string, source: string): string {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><div id="chart"></div><script src="${script}"></script><script>
globalThis.rendered = (async () => {
  mermaid.initialize({ startOnLoad: false });
  const { svg } = await mermaid.render("gantt", ${JSON.stringify(source)});
  document.getElementById("chart").innerHTML = svg;
  return { bars: [...document.querySelectorAll("rect")]
    .filter((r) => /(^|-)s\\d+$/.test(r.id))
    .map((r) => ({ id: r.id.match(/s\\d+$/)[0], x: Number(r.getAttribute("x")), width: Number(r.getAttribute("width")) })) };
})();
</script></body></html>`;
}

let server: Server;
let baseUrl: string;
let browser: Browser;
const pages = new Map<string, string>();

beforeAll(async () => {
  if (!haveChromium) return;
  server = createServer(async (request, response) => {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    const release = /^\/(mermaid10|mermaid11)\/mermaid\.min\.js$/.exec(path)?.[1];
    if (release) {
      response.writeHead(200, { "content-type": "text/javascript; charset=utf-8" });
      response.end(await readFile(join(PACKAGE_ROOT, "node_modules", release, "dist", "mermaid.min.js")));
    } else if (pages.has(path)) {
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      response.end(pages.get(path));
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { chromium } = await import("playwright-core");
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
});

async function renderBars(release: string, source: string): Promise<Bar[]> {
  const path = `/${release}/${pages.size}.html`;
  pages.set(path, page(`/${release}/mermaid.min.js`, source));
  const tab = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const errors: string[] = [];
  tab.on("pageerror", (e) => errors.push(e.message));

  try {
    await tab.goto(`${baseUrl}${path}`, { waitUntil: "load" });
    const { bars } = await tab.evaluate(() => (globalThis as unknown as { rendered: Promise<{ bars: Bar[] }> }).rendered);
    expect(errors).toEqual([]);
    return bars;
  } finally {
    await tab.close();
  }
}

/**
 * Bars placed by their start times: one pixels-per-second scale, positive, maps every start
 * (and every duration to a width), so bars with different starts stand apart, in order.
 */
function expectBarsFollowStarts(bars: Bar[], expected: { id: string; start: number; seconds: number }[]): void {
  expect(bars.map((b) => b.id).sort()).toEqual(expected.map((e) => e.id).sort());
  const byId = new Map(bars.map((b) => [b.id, b]));
  const first = expected[0]!;
  const last = expected.reduce((a, b) => (b.start > a.start ? b : a));
  expect(last.start).toBeGreaterThan(first.start);
  const scale = (byId.get(last.id)!.x - byId.get(first.id)!.x) / (last.start - first.start);
  expect(scale).toBeGreaterThan(0.1);
  for (const task of expected) {
    const bar = byId.get(task.id)!;
    // Mermaid rounds positions and widths to whole pixels.
    expect(Math.abs(bar.x - byId.get(first.id)!.x - (task.start - first.start) * scale), task.id).toBeLessThanOrEqual(1.5);
    expect(Math.abs(bar.width - task.seconds * scale), task.id).toBeLessThanOrEqual(1.5);
  }
}

describe.skipIf(!haveChromium)("Mermaid gantt rendered in headless Chromium", () => {
  const result = buildResult({ failAt: "search-service" });
  const source = renderMermaidGantt(result);
  const expected = startedSteps(result).map(({ start, end }, i) => {
    const from = Math.floor(start);
    return { id: `s${i + 1}`, start: from, seconds: Math.max(1, Math.ceil(end) - from) };
  });

  it.each(Object.entries(MERMAID))("Mermaid %s draws each bar at its start", async (_version, release) => {
    expect(new Set(expected.map((e) => e.start)).size).toBeGreaterThan(3);
    expectBarsFollowStarts(await renderBars(release, source), expected);
  });

  it("catches the old `dateFormat X` (seconds) chart, which Mermaid 11.12+ draws with every bar at 0 s", async () => {
    // The same chart as the renderer used to write it: the test can tell a broken chart.
    const seconds = source.replace("dateFormat x", "dateFormat X").replace(/, (\d+)000, (\d+s)$/gm, ", $1, $2");
    expect(seconds).not.toBe(source);
    expectBarsFollowStarts(await renderBars(MERMAID["10.9"], seconds), expected);
    const drawnBy11 = await renderBars(MERMAID["11"], seconds);
    expect(() => expectBarsFollowStarts(drawnBy11, expected)).toThrow();
    // Starts read as milliseconds: the whole rollout's starts fall within a few pixels.
    const xs = drawnBy11.map((b) => b.x);
    expect(Math.max(...xs) - Math.min(...xs)).toBeLessThan(10);
  });
});
