import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import { describe, expect, it } from "vitest";
import { importMarkdown, isMarkdownPlan, type ImportNote } from "./index.js";

const testdata = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../testdata/markdown");
const read = (name: string) => readFileSync(path.join(testdata, name), "utf8");
const lineOf = (text: string, needle: string) => text.split(/\r?\n/).findIndex((l) => l.includes(needle)) + 1;
const noteAt = (notes: ImportNote[], line: number, pattern: RegExp) =>
  notes.some((n) => n.line <= line && line <= (n.endLine ?? n.line) && pattern.test(n.message));

type Raw = Record<string, any>;

describe("small-no-validation.md: no Validation column, CPU in cores, an unreadable row", () => {
  const text = read("small-no-validation.md");
  const { raw, notes, yaml, locate } = importMarkdown(text, "small.md") as { raw: Raw; notes: ImportNote[]; yaml: string; locate: (p: (string | number)[]) => { line: number } };

  it("is detected and read", () => {
    expect(isMarkdownPlan(text)).toBe(true);
    expect(raw.name).toBe("ledger-stack");
    expect(parseYaml(yaml)).toEqual(raw);
  });

  it("reads CPU written as cores, decimals and millicores, and MiB", () => {
    expect(raw.services.postgresql).toEqual({ memory: "2Gi", cpu: "1", port: 5432, validate: "postgres" });
    expect(raw.services.redis).toEqual({ memory: "256Mi", cpu: "0.25", port: 6379, validate: "redis" });
    expect(raw.services["ledger-api"]).toEqual({ memory: "512Mi", cpu: "0.5", port: 8080, dependsOn: ["postgresql", "redis"] });
    // "-" port: no port at all.
    expect(raw.services["ledger-worker"]).toEqual({ memory: "256Mi", cpu: "250m", dependsOn: ["postgresql"] });
  });

  it("keeps a row with an unreadable figure, and notes it; skips a row that is not a service", () => {
    expect(raw.services.reports).toEqual({ cpu: "100m", port: 8081, dependsOn: ["ledger-api"] });
    expect(noteAt(notes, lineOf(text, "| **reports** |"), /memory "lots"/)).toBe(true);
    expect(noteAt(notes, lineOf(text, "| not a service row |"), /row not read/)).toBe(true);
    expect(Object.keys(raw.services)).toEqual(["postgresql", "redis", "ledger-api", "ledger-worker", "reports", "frontend"]);
    expect(noteAt(notes, lineOf(text, "| Service | Memory | CPU | Port | Dependencies | Owner |"), /"Owner" not interpreted/)).toBe(true);
  });

  it("reads a multi-node capacity, a CPU budget and percent-healthy gates", () => {
    expect(raw.cluster.nodes).toEqual([{ count: 3, memory: "4Gi", cpu: "2" }]);
    expect(raw.budget).toEqual({ memory: "60%", cpu: "70%" });
    expect(raw.phases[0]).toMatchObject({ name: "storage", sequential: true, services: ["postgresql", "redis"], gate: { memory: "30%", healthy: "100%" } });
    expect(raw.phases[0].declared).toEqual({ memory: "2.25Gi", cpu: "1.25" });
    expect(raw.phases[1]).toMatchObject({ name: "applications", gate: { memory: "55%", cpu: "40%", healthy: "90%" }, declared: { memory: "1Gi", cpu: "950m" } });
    expect(raw.phases[1].sequential).toBeUndefined();
    expect(raw.phases[1].expected).toBeUndefined();
    expect(noteAt(notes, lineOf(text, "about ten minutes"), /not a duration/)).toBe(true);
    expect(noteAt(notes, lineOf(text, "- **Phase 2**"), /"users happy" not interpreted/)).toBe(true);
    expect(noteAt(notes, lineOf(text, "**Mood**"), /Mood: Calm — not interpreted/)).toBe(true);
  });

  it("reports the missing rollback section instead of inventing one", () => {
    expect(raw.rollback).toBeUndefined();
    expect(notes.some((n) => /no rollback triggers/.test(n.message))).toBe(true);
    expect(locate(["services", "reports", "cpu"]).line).toBe(lineOf(text, "| **reports** |"));
  });
});

describe("batches-conflicts.md: Validation column, batches, disagreements", () => {
  const text = read("batches-conflicts.md");
  const { raw, notes, yaml } = importMarkdown(text, "billing.md") as { raw: Raw; notes: ImportNote[]; yaml: string };

  it("reads validation text into checks", () => {
    expect(raw.services.rabbitmq.validate).toBe("rabbitmq");
    expect(raw.services.postgres.validate).toBe("postgres");
    expect(raw.services["invoice-api"].validate).toEqual({ http: "/ready" });
    expect(raw.services["payment-api"].validate).toEqual({ http: "/healthz" });
    expect(raw.services.ledger.validate).toBeUndefined();
    expect(noteAt(notes, lineOf(text, "| ledger |"), /validation "Smoke test by hand"/)).toBe(true);
    expect(raw.services["invoice-api"].dependsOn).toEqual(["postgres", "rabbitmq"]);
    expect(parseYaml(yaml)).toEqual(raw);
  });

  it("flattens batches of a sequential phase and keeps parallel batches", () => {
    expect(raw.phases[0]).toMatchObject({ name: "data", sequential: true, services: ["rabbitmq", "postgres"] });
    expect(raw.phases[1].batches).toEqual([
      { name: "intake", services: ["invoice-api", "payment-api"] },
      { name: "back-office", services: ["ledger", "invoice-api"] },
    ]);
    expect(raw.phases[1].expected).toBe("1h-2h");
  });

  it("notes every disagreement with both lines", () => {
    expect(noteAt(notes, lineOf(text, "| invoice-api | 128Mi"), /listed again/)).toBe(true);
    expect(raw.services["invoice-api"].memory).toBe("256Mi");
    expect(noteAt(notes, lineOf(text, "(3 batches)"), /2 batch section/)).toBe(true);
    expect(noteAt(notes, lineOf(text, "**Services**: 5 services"), /tables list 4 service/)).toBe(true);
    expect(noteAt(notes, lineOf(text, "| Phase 2 | 4 | 1.25Gi"), /1\.25Gi.*1\.1Gi/)).toBe(true);
    expect(raw.phases[1].declared).toEqual({ memory: "1.1Gi", cpu: "700m" });
    expect(noteAt(notes, lineOf(text, "| Phase 7 |"), /no phase 7/)).toBe(true);
    expect(noteAt(notes, lineOf(text, "resource usage <65%"), /65% differs from 60%/)).toBe(true);
    expect(raw.phases[1].gate).toEqual({ memory: "60%", healthy: "100%" });
  });

  it("reads triggers in seconds and without a key, and notes an unknown one", () => {
    expect(raw.rollback).toEqual({ memory: "90%", unhealthy: "10%", latency: "500ms", errorRate: "2%" });
    expect(noteAt(notes, lineOf(text, "**Disk**"), /not interpreted/)).toBe(true);
    expect(raw.budget).toBeUndefined();
    expect(noteAt(notes, lineOf(text, "Some introductory prose"), /not interpreted/)).toBe(true);
  });
});

describe("minimal.md: only a title and one table", () => {
  const text = read("minimal.md");
  const { raw, notes } = importMarkdown(text, "tiny.md") as { raw: Raw; notes: ImportNote[] };

  it("reads what is there and notes each missing section", () => {
    expect(isMarkdownPlan(text)).toBe(true);
    expect(raw.services).toEqual({ api: { memory: "64Mi", cpu: "50m" }, worker: { memory: "64Mi", cpu: "50m" } });
    expect(raw.phases).toEqual([{ name: "everything", title: "Phase 1: Everything", sequential: true, services: ["api", "worker"] }]);
    expect(raw.cluster).toBeUndefined();
    expect(notes.map((n) => n.message)).toEqual(
      expect.arrayContaining([expect.stringMatching(/Cluster Capacity/), expect.stringMatching(/rollback/), expect.stringMatching(/no readable deployment order/)]),
    );
  });

  it("names the plan after the file when the title is generic", () => {
    const generic = importMarkdown("# Deployment Plan\n### Phase 1: Apps\n| Service | Memory |\n|---|---|\n| api | 64Mi |\n", "docs/shop-rollout.txt");
    expect(generic.raw.name).toBe("shop");
  });
});
