/**
 * A service must start after everything it depends on is Ready. Services of one batch start in
 * parallel, so a dependency in the same batch is as wrong as one in a later batch or phase.
 *
 * Services that wrote `"*"` depend on every other service, so every service at or after their
 * batch is a violation: those are reported once per batch (naming the "*" services, how many
 * services come too late and the first few), not once per pair — 500 such services were 249,500
 * findings. Their fix narrows "*" to the services deployed before them, which is what the order
 * already gives them; it changes no deploy order, so `check --fix` applies it.
 */
import type { Plan, Service } from "../plan/model.js";
import { dependsOnService } from "../plan/depends-on.js";
import { comparePlacements, type Placement } from "../report/placement.js";
import type { Finding, FixEdit } from "./finding.js";
import { firstFew, makeFinding, setField } from "./describe.js";
import { placementsOf } from "./shared-analysis.js";

/** How many names a grouped message lists before "…". */
const NAMED = 5;

const where = (p: Placement) => (p.phase.batches.length > 1 ? `${p.phase.name}, ${p.batch.name}` : p.phase.name);


export function checkOrder(plan: Plan): Finding[] {
  const { first } = placementsOf(plan);
  const findings: Finding[] = [];
  for (const service of plan.services.values()) {
    const placed = first.get(service.name);
    if (!placed || service.dependsOnAll) continue; // unplaced-service reports it; "*" below
    const seen = new Set<string>();
    for (const dependency of service.dependsOn) {
      if (seen.has(dependency) || dependency === service.name) continue;
      seen.add(dependency);
      const finding = namedViolation(plan, service, placed, dependency, first.get(dependency));
      if (finding) findings.push(finding);
    }
  }
  for (const finding of starViolations(plan)) findings.push(finding);
  return findings;
}

function namedViolation(plan: Plan, service: Service, placed: Placement, dependency: string, dependencyPlaced: Placement | undefined): Finding | undefined {
  if (!dependencyPlaced || !plan.services.has(dependency)) return undefined; // unknown / unplaced: reported elsewhere
  const order = comparePlacements(dependencyPlaced, placed);
  if (order < 0) return undefined;
  const dependsBack = dependsOnService(plan, plan.services.get(dependency)!, service.name);
  const problem =
    order === 0
      ? `${service.name} (${where(placed)}) depends on ${dependency}, which is deployed in the same parallel batch, so ${service.name} may start before ${dependency} is Ready`
      : `${service.name} (${where(placed)}) depends on ${dependency}, which is deployed later (${where(dependencyPlaced)})`;
  const fix = dependsBack
    ? `${dependency} also depends on ${service.name}; drop ${dependency} from ${service.name}'s dependencies`
    : order === 0
      ? `move ${dependency} to an earlier batch or ${service.name} to a later one`
      : `deploy ${service.name} after ${dependency} (a later phase), or move ${dependency} earlier`;
  return makeFinding("order-violation", {
    message: `${problem}; ${fix}.`,
    services: [service.name, dependency],
    location: service.location,
    phase: placed.phase.name,
  });
}

/**
 * One finding per batch holding services that wrote "*". Placed services are walked in deploy
 * order once, so the work is linear in the plan however many services wrote "*".
 */
function starViolations(plan: Plan): Finding[] {
  const { first } = placementsOf(plan);
  // Placed, defined services by batch, in deploy order.
  const batches: { key: string; placement: Placement; names: string[] }[] = [];
  const batchOf = new Map<string, number>();
  for (const [name, placement] of first) {
    if (!plan.services.has(name)) continue;
    const key = `${placement.phaseIndex}/${placement.batchIndex}`;
    let index = batchOf.get(key);
    if (index === undefined) {
      index = batches.length;
      batchOf.set(key, index);
      batches.push({ key, placement, names: [] });
    }
    batches[index]!.names.push(name);
  }
  batches.sort((a, b) => comparePlacements(a.placement, b.placement));
  const findings: Finding[] = [];
  const before: string[] = [];
  let placedSoFar = 0;
  const total = batches.reduce((n, b) => n + b.names.length, 0);
  batches.forEach((batch, i) => {
    const stars = batch.names.filter((name) => plan.services.get(name)!.dependsOnAll);
    const laterCount = total - placedSoFar - batch.names.length;
    if (stars.length > 0 && (batch.names.length > 1 || laterCount > 0)) {
      const later: string[] = [];
      for (let j = i + 1; j < batches.length && later.length < NAMED; j++) later.push(...batches[j]!.names.slice(0, NAMED - later.length));
      findings.push(starFinding(plan, batch.placement, { stars, sameBatch: batch.names, later, laterCount }, [...before]));
    }
    for (const name of batch.names) before.push(name);
    placedSoFar += batch.names.length;
  });
  return findings;
}

interface StarBatch {
  /** Services of the batch that wrote "*". */
  stars: string[];
  sameBatch: string[];
  /** The first few services deployed after the batch, and how many there are. */
  later: string[];
  laterCount: number;
}

function starFinding(plan: Plan, placement: Placement, { stars, sameBatch, later, laterCount }: StarBatch, earlier: string[]): Finding {
  const parallel = sameBatch.length - 1;
  const who = stars.length === 1 ? `${stars[0]} (${where(placement)}) depends` : `${firstFew(stars)} (${where(placement)}) depend`;
  const parts: string[] = [];
  if (parallel > 0) parts.push(`${parallel} deployed in the same parallel batch (${firstFew(sameBatch.filter((n) => n !== stars[0]))})`);
  if (laterCount > 0) parts.push(`${laterCount} deployed later (${later.join(", ")}${laterCount > later.length ? ", …" : ""})`);
  const edits: FixEdit[] = stars.map((name) => setField(["services", name, "dependsOn"], earlier));
  const violators = [...sameBatch.filter((n) => !stars.includes(n)), ...later];
  return makeFinding("order-violation", {
    message:
      `${who} on all services ("*"), including ${parts.join(" and ")}, so ${stars.length === 1 ? "it" : "they"} may start before those are Ready; ` +
      `replace "*" with the services ${stars.length === 1 ? "it" : "each"} really calls` +
      (earlier.length > 0 ? ` (all deployed before: ${firstFew(earlier)})` : " (nothing is deployed before this batch)") +
      ` — \`opdeploy check --fix\` narrows "*" to those.`,
    services: [...stars, ...violators],
    location: plan.services.get(stars[0]!)!.location,
    phase: placement.phase.name,
    fix: { description: `narrow "*" to the ${earlier.length} service${earlier.length === 1 ? "" : "s"} deployed before`, edits, safe: true },
  });
}
