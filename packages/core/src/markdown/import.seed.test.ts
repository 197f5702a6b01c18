import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import { describe, expect, it } from "vitest";
import { formatNote, importMarkdown, isMarkdownPlan } from "./index.js";

// The user's own document lives beside the repository (/work/shared/seed), not inside it.
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");
const seedPath = path.resolve(repoRoot, "../shared/seed/000_08b890caca7d35fc.txt");
const examplePath = path.resolve(repoRoot, "examples/openpolicy/PLAN.md");
const seedMissing = !existsSync(seedPath);
if (seedMissing) console.warn(`markdown seed tests skipped: ${seedPath} not found`);

const seedText = seedMissing ? "" : readFileSync(seedPath, "utf8");
const seedLines = seedText.split(/\r?\n/);
const load = () => importMarkdown(seedText, "PLAN.txt");

type RawService = { memory?: string; cpu?: string; port?: number; dependsOn?: string[]; validate?: unknown };
type RawPhase = {
  name: string;
  title: string;
  description?: string;
  sequential?: boolean;
  services?: string[];
  batches?: { name: string; services: string[] }[];
  gate?: Record<string, string>;
  declared?: Record<string, string>;
  expected?: string;
};
const servicesOf = (raw: Record<string, unknown>) => raw.services as Record<string, RawService>;
const phasesOf = (raw: Record<string, unknown>) => raw.phases as RawPhase[];

/** The 1-based line of the first seed line containing `needle` (so expectations follow the file). */
const lineOf = (needle: string): number => seedLines.findIndex((l) => l.includes(needle)) + 1;

describe.skipIf(seedMissing)("importMarkdown on the user's seed plan", () => {
  it("is detected as a Markdown plan", () => {
    expect(isMarkdownPlan(seedText)).toBe(true);
  });

  it("reads all 26 services with their exact figures", () => {
    const services = servicesOf(load().raw);
    expect(Object.keys(services)).toHaveLength(26);
    expect(services["database-service"]).toEqual({ memory: "128Mi", cpu: "50m", port: 9015, dependsOn: ["postgresql"] });
    expect(services["op-import"]?.port).toBe(9015);
    expect(services["cache-service"]?.port).toBe(9016);
    expect(services["scraper-service"]).toEqual({ memory: "1Gi", cpu: "500m", port: 9016, dependsOn: ["postgresql"], validate: { http: "/healthz" } });
    expect(services.postgresql).toEqual({ memory: "1Gi", cpu: "500m", port: 5432, validate: "postgres" });
    expect(services.redis).toEqual({ memory: "512Mi", cpu: "200m", port: 6379, validate: "redis" });
    expect(services.rabbitmq).toEqual({ memory: "512Mi", cpu: "250m", port: 5672, validate: "rabbitmq" });
    expect(services["api-gateway"]?.dependsOn).toEqual(["*"]);
    expect(services.etl?.dependsOn).toEqual(["postgresql", "rabbitmq"]);
    expect(services.web).toEqual({ memory: "128Mi", cpu: "50m", port: 3000, dependsOn: ["api-gateway"] });
    // Tables without a Validation column leave the check out (the checker warns about it).
    expect(services["database-service"]?.validate).toBeUndefined();
    // Every service row of the document became a service, in document order.
    const rowNames = seedLines.map((l) => /^\| \*\*([a-z][a-z0-9-]*)\*\* \| \d/.exec(l)?.[1]).filter((n) => n !== undefined);
    expect(Object.keys(services)).toEqual(rowNames);
  });

  it("reads the 5 phases, their order and batches", () => {
    const phases = phasesOf(load().raw);
    expect(phases.map((p) => p.name)).toEqual(["infrastructure", "business", "operational", "user-interface", "utility"]);
    expect(phases[0]?.title).toBe("Phase 1: Infrastructure Foundation");
    expect(phases[0]?.sequential).toBe(true);
    expect(phases[0]?.services).toEqual(["postgresql", "scraper-service", "redis", "rabbitmq"]);
    expect(phases[1]?.batches).toEqual([
      { name: "data", services: ["database-service", "storage-service", "search-service"] },
      { name: "business-logic", services: ["etl", "op-import", "queue-service"] },
      { name: "security", services: ["auth-service", "config-service", "policy-service"] },
    ]);
    expect(phases[2]?.batches?.map((b) => b.name)).toEqual(["monitoring", "intelligence"]);
    expect(phases[2]?.batches?.map((b) => b.services.length)).toEqual([3, 3]);
    // Phases 4 and 5 are parallel without batch sections: one parallel group.
    expect(phases[3]?.sequential).toBeUndefined();
    expect(phases[3]?.services).toEqual(["api-gateway", "notification-service", "mcp-service"]);
    expect(phases[4]?.services).toEqual(["cache-service", "web", "admin", "mobile-api"]);
    expect(phases.map((p) => p.expected)).toEqual(["15m-20m", "20m-25m", "15m-20m", "10m-15m", "10m-15m"]);
  });

  it("reads gates, declared totals, triggers, budget and capacity", () => {
    const raw = load().raw;
    const phases = phasesOf(raw);
    expect(phases.map((p) => p.gate)).toEqual([40, 60, 70, 75, 80].map((m) => ({ memory: `${m}%`, healthy: "100%" })));
    expect(phases.map((p) => p.declared)).toEqual([
      { memory: "3Gi", cpu: "1.45" },
      { memory: "1.15Gi", cpu: "600m" },
      { memory: "768Mi", cpu: "300m" },
      { memory: "384Mi", cpu: "200m" },
      { memory: "512Mi", cpu: "200m" },
    ]);
    expect(raw.rollback).toEqual({ memory: "85%", unhealthy: "20%", latency: "500ms", errorRate: "5%" });
    expect(raw.budget).toEqual({ memory: "50%" });
    expect(raw.cluster).toEqual({ nodes: [{ count: 1, memory: "8Gi", cpu: "16" }], reserved: { memory: 0, cpu: 0 } });
    expect(raw.name).toBe("openpolicy");
  });

  it("locates fields on their source lines", () => {
    const { locate } = load();
    const dbLine = lineOf("| **database-service** |");
    expect(locate(["services", "database-service"])).toEqual({ line: dbLine, column: seedLines[dbLine - 1]!.indexOf("**database-service**") + 1 });
    const memory = locate(["services", "database-service", "memory"]);
    expect(memory.line).toBe(dbLine);
    expect(seedLines[dbLine - 1]!.slice(memory.column - 1)).toMatch(/^128Mi/);
    // Deeper paths fall back to the nearest located field.
    expect(locate(["services", "database-service", "resources", "limits", "memory"]).line).toBe(dbLine);
    expect(locate(["phases", 1]).line).toBe(lineOf("### **Phase 2: Core Business Services"));
    expect(locate(["phases", "1", "batches", 2]).line).toBe(lineOf("#### **Batch 2.3: Security Services**"));
    expect(locate(["phases", 1, "batches", 1, "services", 1]).line).toBe(lineOf("| **op-import** |"));
    expect(locate(["phases", 1, "declared", "memory"]).line).toBe(lineOf("**Total Phase 2 Resources**"));
    expect(locate(["phases", 0, "gate", "memory"]).line).toBe(lineOf("- **Phase 1**: <40% memory usage"));
    expect(locate(["rollback", "latency"]).line).toBe(lineOf(">500ms average response time"));
    expect(locate(["budget", "memory"]).line).toBe(lineOf("**Memory Usage**: <50%"));
    expect(locate(["cluster", "nodes", 0, "memory"]).line).toBe(lineOf("**Cluster Capacity**"));
    expect(locate(["no", "such", "field"])).toEqual({ line: 1, column: 1 });
  });

  it("notes what it does not interpret, with line numbers", () => {
    const { notes } = load();
    const formatted = notes.map(formatNote);
    expect(formatted).toContain(`line ${lineOf("**Resource Efficiency**")}: Resource Efficiency: Optimized and balanced — not interpreted`);
    // The softer 45% target is mentioned, not dropped.
    expect(notes.some((n) => n.line === lineOf("**Memory Usage**: <50%") && n.message.includes("45%"))).toBe(true);
    // Every section the importer does not read is reported once, e.g. the checklist and scripts.
    expect(notes.some((n) => n.line === lineOf("- [ ] **Cluster Status**") && n.message.includes("Pre-Deployment Checklist"))).toBe(true);
    expect(notes.some((n) => n.message.includes("Automated Deployment Scripts"))).toBe(true);
    // Every **Key**: value line is used or noted.
    const usedKeys = /^(Memory Usage|Services Running|Services|Purpose|Deployment Order|Total Phase \d Resources|Expected Duration|Success Criteria|Validation|Cluster Capacity|Phase \d|Resource Usage|Service Failures|Performance Issues|Error Rate)$/;
    seedLines.forEach((line, index) => {
      const m = /^\s*(?:[-*]\s+(?:\[ \]\s+)?|\d+\.\s+)?\*\*([^*]+)\*\*:\s/.exec(line);
      if (!m || usedKeys.test(m[1]!)) return;
      const n = index + 1;
      const covered = notes.some((note) => note.line <= n && n <= (note.endLine ?? note.line));
      expect(covered, `line ${n} "${line.trim()}" neither used nor noted`).toBe(true);
    });
    for (const n of notes) expect(n.line).toBeGreaterThanOrEqual(1);
  });

  it("writes YAML that parses back to the raw plan, with source comments", () => {
    const { yaml, raw } = load();
    expect(parseYaml(yaml)).toEqual(raw);
    expect(yaml).toContain(`# from PLAN.txt:${lineOf("| **database-service** |")}`);
    expect(yaml).toContain(`# from PLAN.txt:${lineOf("### **Phase 1: Infrastructure Foundation")}`);
  });

  it("reads examples/openpolicy/PLAN.md to the same plan (apart from prose)", () => {
    const prose = (raw: Record<string, unknown>) => {
      const copy = structuredClone(raw);
      delete copy.description;
      for (const phase of phasesOf(copy)) delete phase.description;
      return copy;
    };
    const example = readFileSync(examplePath, "utf8");
    expect(isMarkdownPlan(example)).toBe(true);
    const imported = importMarkdown(example, "PLAN.md");
    expect(prose(imported.raw)).toEqual(prose(load().raw));
    // The example is a rewrite, not a copy: no long sentence of the seed appears in it.
    const seedSentences = seedLines.map((l) => l.replace(/[*#|-]/g, "").trim()).filter((l) => l.length > 40 && !/^\d/.test(l));
    expect(seedSentences.length).toBeGreaterThan(20);
    for (const sentence of seedSentences) expect(example.includes(sentence), sentence).toBe(false);
  });
});
