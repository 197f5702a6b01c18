import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { checkPlanDocument } from "../document/check-document.js";
import { readPlanDocument } from "../document/read-plan.js";
import { planTotals } from "../report/plan-totals.js";
import { importSources } from "./import-sources.js";
import { formatImportNote } from "./notes.js";
import type { PlanImport } from "./to-plan.js";
import { fixture, manifestTotals } from "../../test/helpers/import-fixtures.js";

const BOUTIQUE = "online-boutique/kubernetes-manifests.yaml";
const SOCK_SHOP = "sock-shop/complete-demo.yaml";

function lineOf(text: string, line: number): string {
  return text.split("\n")[line - 1] ?? "";
}

/** Writes the plan beside a temp dir with `manifests:` relative to it, then runs `check` as the CLI does. */
async function checkImported(path: string, node?: { memory: number; cpu: number }) {
  const dir = await mkdtemp(join(tmpdir(), "opdeploy-import-"));
  try {
    const imported = importSources([fixture(path)], { manifestPath: (file) => relative(dir, file), ...(node ? { node } : {}) });
    await writeFile(join(dir, "plan.yaml"), imported.yaml);
    const doc = await readPlanDocument(join(dir, "plan.yaml"));
    return { imported, doc, findings: checkPlanDocument(doc) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function dependencies(imported: PlanImport): Record<string, string[]> {
  return Object.fromEntries([...imported.plan.services.values()].map((s) => [s.name, [...s.dependsOn].sort()]));
}

function phases(imported: PlanImport): string[][] {
  return imported.plan.phases.map((p) => p.batches.flatMap((b) => b.services));
}

describe("Online Boutique-shaped manifests", () => {
  const source = fixture(BOUTIQUE);
  const imported = importSources([source], { manifestPath: () => BOUTIQUE });

  it("totals equal the manifests' effective pod requests", () => {
    const expected = manifestTotals(source.text);
    const totals = planTotals(imported.plan).totals;
    expect(imported.plan.services.size).toBe(12);
    expect(totals.memoryBytes).toBe(expected.memory);
    expect(totals.cpuMillis).toBe(expected.cpu);
  });

  it("reads dependencies from *_ADDR env values, the init container included", () => {
    const deps = dependencies(imported);
    expect(deps.checkoutservice).toEqual(["cartservice", "currencyservice", "emailservice", "paymentservice", "productcatalogservice", "shippingservice"]);
    expect(deps.frontend).toEqual(["adservice", "cartservice", "checkoutservice", "currencyservice", "productcatalogservice", "recommendationservice", "shippingservice"]);
    expect(deps.recommendationservice).toEqual(["productcatalogservice"]);
    expect(deps.cartservice).toEqual(["redis-cart"]);
    expect(deps.loadgenerator).toEqual(["frontend"]);
    for (const leaf of ["emailservice", "paymentservice", "productcatalogservice", "currencyservice", "shippingservice", "adservice", "redis-cart"]) expect(deps[leaf]).toEqual([]);
  });

  it("phases are the dependency generations", () => {
    expect(phases(imported)).toEqual([
      ["emailservice", "paymentservice", "productcatalogservice", "currencyservice", "shippingservice", "adservice", "redis-cart"],
      ["recommendationservice", "cartservice"],
      ["checkoutservice"],
      ["frontend"],
      ["loadgenerator"],
    ]);
  });

  it("keeps the container port, infers checks from probes and images, and names the manifest", () => {
    const frontend = imported.plan.services.get("frontend")!;
    expect(frontend.port).toBe(8080);
    expect(frontend.validate).toEqual({ kind: "http", path: "/_healthz" });
    expect(frontend.startupSeconds).toBe(10);
    expect(imported.plan.services.get("redis-cart")!.validate).toEqual({ kind: "redis" });
    expect(imported.plan.services.get("redis-cart")!.kind).toBe("Deployment");
    expect(imported.plan.services.get("emailservice")!.validate).toEqual({ kind: "tcp", port: 8080 });
    for (const s of imported.plan.services.values()) expect(s.manifests).toEqual([BOUTIQUE]);
  });

  it("notes what it dropped at the line that says it", () => {
    const about = (service: string, words: string) => imported.notes.filter((n) => n.service === service && n.message.includes(words));
    const grpc = about("emailservice", "gRPC health check on 8080");
    expect(grpc).toHaveLength(1);
    expect(lineOf(source.text, grpc[0]!.line)).toContain("readinessProbe:");
    const service80 = about("frontend", "port 80 → targetPort 8080");
    expect(service80).toHaveLength(1);
    expect(lineOf(source.text, service80[0]!.line)).toContain("- name: http");
    const grace = about("paymentservice", "terminationGracePeriodSeconds: 5");
    expect(lineOf(source.text, grace[0]!.line)).toContain("terminationGracePeriodSeconds: 5");
    const init = about("loadgenerator", 'init container "frontend-check"');
    expect(lineOf(source.text, init[0]!.line)).toContain("- name: frontend-check");
    const env = about("checkoutservice", "depends on cartservice");
    expect(lineOf(source.text, env[0]!.line)).toContain('"cartservice:7070"');
    for (const note of imported.notes) expect(note.file).toBe(source.file);
  });

  it("writes every note into the plan as a comment", () => {
    const comments = imported.yaml.split("\n").filter((l) => l.trimStart().startsWith("#")).join("\n");
    for (const note of imported.notes) expect(comments).toContain(formatImportNote(note));
  });

  it("passes check on the cluster it sizes, cross-checked against the manifests", async () => {
    const { findings, doc } = await checkImported(BOUTIQUE);
    expect(doc.manifests).toHaveLength(1);
    expect(findings.filter((f) => f.severity === "error")).toEqual([]);
    expect(findings.some((f) => f.rule === "manifest-mismatch")).toBe(true); // the cross-check ran
  });

  it("on a cluster too small, check says so", async () => {
    const { findings } = await checkImported(BOUTIQUE, { memory: 512 * 2 ** 20, cpu: 500 });
    expect(findings.some((f) => f.severity === "error" && (f.rule === "capacity-exceeded" || f.rule === "unschedulable"))).toBe(true);
  });
});

describe("Sock Shop-shaped manifests", () => {
  const source = fixture(SOCK_SHOP);
  const imported = importSources([source], { manifestPath: () => SOCK_SHOP });

  it("sums the RabbitMQ pod's two containers and takes the orders pod's larger init container", () => {
    const rabbit = imported.plan.services.get("rabbitmq")!;
    expect(rabbit.requests).toEqual({ memory: (384 + 32) * 2 ** 20, cpu: 250 + 50 });
    expect(rabbit.limits).toEqual({ memory: (512 + 64) * 2 ** 20, cpu: 500 + 100 });
    expect(rabbit.validate).toEqual({ kind: "rabbitmq" });
    const orders = imported.plan.services.get("orders")!;
    expect(orders.requests).toEqual({ memory: 300 * 2 ** 20, cpu: 500 });
    expect(imported.notes.some((n) => n.service === "rabbitmq" && n.kind === "dropped" && n.message.includes('container "rabbitmq-exporter"'))).toBe(true);
  });

  it("totals equal the manifests' effective pod requests, databases without requests counted as 0", () => {
    const expected = manifestTotals(source.text);
    const totals = planTotals(imported.plan).totals;
    expect(imported.plan.services.size).toBe(14);
    expect(totals.memoryBytes).toBe(expected.memory);
    expect(totals.cpuMillis).toBe(expected.cpu);
    expect(imported.plan.services.get("carts-db")!.requests).toEqual({ memory: 0, cpu: 0 });
    expect(imported.notes.some((n) => n.service === "carts-db" && n.message.includes("BestEffort"))).toBe(true);
  });

  it("finds dependencies in URLs, DSNs, JAVA_OPTS and *_HOST values; a Service outside the input is a note", () => {
    const deps = dependencies(imported);
    expect(deps.carts).toEqual(["carts-db"]);
    expect(deps.catalogue).toEqual(["catalogue-db"]);
    expect(deps["front-end"]).toEqual(["carts", "catalogue", "orders", "session-db", "user"]);
    expect(deps.orders).toEqual(["orders-db", "payment", "shipping"]);
    expect(deps["queue-master"]).toEqual(["rabbitmq"]);
    expect(deps.shipping).toEqual(["rabbitmq"]);
    expect(deps.user).toEqual(["user-db"]);
    const zipkin = imported.notes.find((n) => n.service === "shipping" && n.message.includes("zipkin"))!;
    expect(zipkin.kind).toBe("skipped");
    expect(lineOf(source.text, zipkin.line)).toContain("zipkin.jaeger.svc.cluster.local");
    expect(phases(imported)).toEqual([
      ["carts-db", "catalogue-db", "orders-db", "payment", "rabbitmq", "session-db", "user-db"],
      ["carts", "catalogue", "queue-master", "shipping", "user"],
      ["orders"],
      ["front-end"],
    ]);
  });

  it("takes the plan's name and namespace from the manifests and notes the Namespace object", () => {
    expect(imported.plan.name).toBe("sock-shop");
    expect(imported.plan.namespace).toBe("sock-shop");
    expect(imported.plan.services.get("front-end")!.replicas).toBe(2);
    expect(imported.plan.services.get("front-end")!.port).toBe(8079);
    expect(imported.notes.some((n) => n.kind === "skipped" && n.message.startsWith("Namespace sock-shop"))).toBe(true);
  });

  it("passes check (the exporter's named targetPort resolves against the sidecar)", async () => {
    const { findings } = await checkImported(SOCK_SHOP);
    expect(findings.filter((f) => f.severity === "error")).toEqual([]);
  });

  it("reads the same plan from stdin-like input without manifests", async () => {
    const fromStdin = importSources([{ file: "-", text: (await readFile(source.file, "utf8")) }], { manifestPath: (f) => (f === "-" ? undefined : f) });
    expect([...fromStdin.plan.services.values()].every((s) => s.manifests.length === 0)).toBe(true);
    expect(planTotals(fromStdin.plan).totals.memoryBytes).toBe(planTotals(imported.plan).totals.memoryBytes);
  });
});
