import { existsSync } from "node:fs";
import { mkdtemp, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import type { Finding } from "@openpolicy/core";
import { renderSimulationHtml } from "../../src/report/render-simulation-html.js";
import { buildResult } from "./build-result.js";

const CHROMIUM = "/usr/bin/chromium";
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`render-simulation-html: ${CHROMIUM} not found, skipping the browser checks (install Debian's chromium package)`);

const findings: Finding[] = [
  { rule: "port-conflict", severity: "warning", message: `<script>alert("x")</script> & ports clash`, services: ["a", "b"], location: { file: "plan.yaml", line: 3, column: 1 } },
];

describe("renderSimulationHtml (static)", () => {
  const result = buildResult({ failAt: "web", oomLoop: true });
  result.phases[0]!.steps[0]!.service = `evil"<b>`;
  const html = renderSimulationHtml(result, { findings, title: "Rehearsal <1>" });

  it("is one self-contained document with every text escaped", () => {
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(html).not.toMatch(/<script|<link|@import|url\(|src=|href=/i);
    expect(html).toContain("default-src 'none'");
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; ports clash");
    expect(html).toContain("<title>Rehearsal &lt;1&gt;</title>");
    expect(html).toContain('data-service="evil&quot;&lt;b&gt;"');
    expect(html).not.toContain("<b>");
  });

  it("draws one gantt bar per started step and a dashed threshold per memory gate", () => {
    const started = result.phases.flatMap((p) => p.steps).filter((s) => s.startedAt !== undefined).length;
    expect(html.match(/class="gantt-bar"/g)).toHaveLength(started);
    const gates = result.phases.filter((p) => p.gate?.checks.some((c) => c.metric === "memory" && c.by === "requests")).length;
    expect(html.match(/class="gate-threshold"/g)).toHaveLength(gates);
  });

  it("is deterministic", () => {
    const again = buildResult({ failAt: "web", oomLoop: true });
    again.phases[0]!.steps[0]!.service = `evil"<b>`;
    expect(renderSimulationHtml(again, { findings, title: "Rehearsal <1>" })).toBe(html);
  });
});

describe.skipIf(!haveChromium)("renderSimulationHtml in headless Chromium", () => {
  it("renders both charts with non-zero size, no console errors and no network requests", async () => {
    const { chromium } = await import("playwright-core");
    const result = buildResult({ failAt: "web", oomLoop: true });
    const html = renderSimulationHtml(result, { findings });
    const dir = await mkdtemp(join(tmpdir(), "opdeploy-report-"));
    const file = join(dir, "report.html");
    await writeFile(file, html);
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      const consoleErrors: string[] = [];
      const requests: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error") consoleErrors.push(m.text());
      });
      page.on("pageerror", (e) => consoleErrors.push(e.message));
      page.on("request", (r) => {
        if (r.url() !== pathToFileURL(file).href) requests.push(r.url());
      });
      await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
      for (const selector of ["svg.gantt", "svg.memory-chart"]) {
        const box = await page.locator(selector).boundingBox();
        expect(box, selector).not.toBeNull();
        expect(box!.width).toBeGreaterThan(100);
        expect(box!.height).toBeGreaterThan(100);
      }
      const started = result.phases.flatMap((p) => p.steps).filter((s) => s.startedAt !== undefined).length;
      expect(await page.locator("svg.gantt rect.gantt-bar").count()).toBe(started);
      // Every bar is laid out with a real size (the SVG is valid enough for the browser to draw it).
      const barWidths = await page.locator("svg.gantt rect.gantt-bar").evaluateAll((rects) => rects.map((r) => (r as unknown as { getBBox(): { width: number } }).getBBox().width));
      expect(barWidths.every((w) => w > 0)).toBe(true);
      const pathLength = await page.locator("svg.memory-chart path.series-used").evaluate((p) => (p as unknown as { getTotalLength(): number }).getTotalLength());
      expect(pathLength).toBeGreaterThan(0);
      expect(await page.locator("table").count()).toBeGreaterThanOrEqual(3);
      const png = join(dir, "report.png");
      await page.screenshot({ path: png, fullPage: true });
      expect((await stat(png)).size).toBeGreaterThan(1000);
      console.info(`render-simulation-html: screenshot at ${png}`);
      expect(consoleErrors).toEqual([]);
      expect(requests).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
