/**
 * Shared by the import tests: fixtures read from testdata/import, and the effective request of a
 * pod computed the way the Kubernetes docs state it (sum of app containers, max with each init
 * container, plus overhead), written out here as the tests' own oracle.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import { parseQuantity } from "../../src/quantity/index.js";

export const FIXTURES = fileURLToPath(new URL("../../testdata/import/", import.meta.url));
export const fixture = (path: string) => ({ file: `${FIXTURES}${path}`, text: readFileSync(`${FIXTURES}${path}`, "utf8") });

type Data = Record<string, any>;

function amount(container: Data, resource: "memory" | "cpu"): number {
  const r = container.resources ?? {};
  const written = r.requests?.[resource] ?? r.limits?.[resource]; // a missing request defaults to the limit
  if (written === undefined) return 0;
  const q = parseQuantity(String(written));
  return resource === "memory" ? q.valueNumber() : q.milliValueNumber();
}

/** Σ over every Deployment/StatefulSet of replicas × effective pod request, per resource. */
export function manifestTotals(text: string): { memory: number; cpu: number; pods: number } {
  const totals = { memory: 0, cpu: 0, pods: 0 };
  for (const doc of parseAllDocuments(text)) {
    const o = doc.toJS() as Data | null;
    if (!o || (o.kind !== "Deployment" && o.kind !== "StatefulSet")) continue;
    const spec = o.spec.template.spec as Data;
    const replicas = o.spec.replicas ?? 1;
    for (const resource of ["memory", "cpu"] as const) {
      const app = (spec.containers as Data[]).reduce((sum, c) => sum + amount(c, resource), 0);
      const init = ((spec.initContainers ?? []) as Data[]).reduce((max, c) => Math.max(max, amount(c, resource)), 0);
      totals[resource] += replicas * Math.max(app, init);
    }
    totals.pods += replicas;
  }
  return totals;
}
