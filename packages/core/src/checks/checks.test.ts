import { describe, expect, it } from "vitest";
import { openPolicyPlan, OPENPOLICY_PLAN_FILE } from "../../test/helpers/openpolicy-plan.js";
import { Gi, Mi, planBuilder } from "../../test/helpers/plan-builder.js";
import type { Finding, RuleId } from "./index.js";
import { checkPlan, matchesWrittenFigure, readWrittenPrecision, RULES } from "./index.js";

const ofRule = (findings: Finding[], rule: RuleId) => findings.filter((f) => f.rule === rule);

describe("checkPlan on the user's seed plan", () => {
  const findings = checkPlan(openPolicyPlan());

  it("warns about ports 9015 and 9016, each used twice", () => {
    const ports = ofRule(findings, "port-conflict");
    expect(ports.map((f) => f.services)).toEqual([
      ["database-service", "op-import"],
      ["scraper-service", "cache-service"],
    ]);
    expect(ports.every((f) => f.severity === "warning")).toBe(true);
    expect(ports[0]!.message).toContain("9015");
    expect(ports[1]!.message).toContain("9016");
    // Says where it bites and where it does not.
    expect(ports[0]!.message).toMatch(/ClusterIP/);
    expect(ports[0]!.message).toMatch(/NodePort/);
    expect(ports[0]!.message).toMatch(/port-forward/);
    expect(ports[0]!.location).toEqual({ file: OPENPOLICY_PLAN_FILE, line: 62, column: 3 });
  });

  it("reports the api-gateway cycle once, with its members and the \"*\" fix", () => {
    const cycles = ofRule(findings, "dependency-cycle");
    expect(cycles).toHaveLength(1);
    expect(cycles[0]!.services).toEqual(["api-gateway", "web", "admin", "mobile-api"]);
    expect(cycles[0]!.message).toContain("api-gateway → web → api-gateway");
    expect(cycles[0]!.message).toContain('"*"');
    expect(cycles[0]!.location.line).toBe(112);
  });

  it("reports api-gateway's \"*\" order violations as one finding naming every later or same-batch service", () => {
    const violations = ofRule(findings, "order-violation");
    expect(violations).toHaveLength(1);
    const [f] = violations;
    expect(f!.phase).toBe("Phase 4");
    expect(f!.services[0]).toBe("api-gateway");
    expect(f!.services.slice(1).sort()).toEqual(["admin", "cache-service", "mcp-service", "mobile-api", "notification-service", "web"].sort());
    // The same-batch and later services are counted and named.
    expect(f!.message).toMatch(/\d deployed in the same parallel batch \([^)]*mcp-service/);
    expect(f!.message).toMatch(/\d deployed later \([^)]*web/);
    // The fix narrows "*" to exactly the services deployed before Phase 4, and check --fix applies it.
    expect(f!.fix!.safe).toBe(true);
    expect(f!.fix!.edits).toHaveLength(1);
    expect(f!.fix!.edits[0]!.path).toEqual(["services", "api-gateway", "dependsOn"]);
    const earlier = f!.fix!.edits[0]!.value as string[];
    expect(earlier).toHaveLength(19);
    expect(earlier).not.toContain("web");
    expect(earlier).toContain("postgresql");
  });

  it("finds the 50% budget broken at 71.9% of 8Gi allocatable", () => {
    const budget = ofRule(findings, "budget-exceeded");
    expect(budget).toHaveLength(1);
    expect(budget[0]!.message).toContain("total memory requests 5,888Mi are 71.9% of allocatable 8Gi, above the budget of 50%");
    expect(budget[0]!.location.line).toBe(17);
  });

  it("flags the declared phase-2 total (1.15Gi vs 1,152Mi) and no other phase", () => {
    const mismatches = ofRule(findings, "declared-total-mismatch");
    expect(mismatches).toHaveLength(1);
    expect(mismatches[0]!.phase).toBe("Phase 2");
    expect(mismatches[0]!.message).toContain("1.15Gi");
    expect(mismatches[0]!.message).toContain("1,152Mi");
    expect(mismatches[0]!.location.line).toBe(72);
  });

  it("finds nothing else wrong in the seed as modelled", () => {
    expect(new Set(findings.map((f) => f.rule))).toEqual(
      new Set(["port-conflict", "dependency-cycle", "order-violation", "budget-exceeded", "declared-total-mismatch"]),
    );
  });

  it("sorts errors first, then by line", () => {
    const severities = findings.map((f) => f.severity);
    expect(severities.indexOf("warning")).toBeGreaterThan(severities.lastIndexOf("error"));
    for (const severity of ["error", "warning"] as const) {
      const lines = findings.filter((f) => f.severity === severity).map((f) => f.location.line);
      expect(lines).toEqual([...lines].sort((a, b) => a - b));
    }
  });

  it("with the manifests' 2× limits, reports memory overcommit at 143.8% of allocatable", () => {
    const over = ofRule(checkPlan(openPolicyPlan({ limitsFactor: 2 })), "overcommit");
    expect(over).toHaveLength(1);
    expect(over[0]!.message).toContain("11,776Mi = 143.8% of allocatable 8Gi");
  });

  it("as written (no validation on application rows), asks for validation of 22 services", () => {
    const missing = ofRule(checkPlan(openPolicyPlan({ appValidation: "none" })), "missing-validation");
    expect(missing).toHaveLength(22);
    expect(missing.find((f) => f.services[0] === "web")!.message).toMatch(/validate: \{http: \/healthz\}/);
  });
});

describe("rules on small plans", () => {
  it("unknown-dependency suggests the near name", () => {
    const plan = planBuilder().service("api-gateway").service("web", { dependsOn: ["api-gatway"] }).phase("p", { batches: [["api-gateway"], ["web"]] }).build();
    const [f] = ofRule(checkPlan(plan), "unknown-dependency");
    expect(f!.message).toContain('did you mean "api-gateway"?');
    expect(f!.services).toEqual(["web"]);
  });

  it("order-violation for a dependency in a later phase, and none when the order is right", () => {
    const plan = planBuilder()
      .service("db")
      .service("api", { dependsOn: ["db"] })
      .phase("first", { batches: [["api"]] })
      .phase("second", { batches: [["db"]] })
      .build();
    const [f] = ofRule(checkPlan(plan), "order-violation");
    expect(f!.services).toEqual(["api", "db"]);
    expect(f!.phase).toBe("first");
    const ok = planBuilder().service("db").service("api", { dependsOn: ["db"] }).phase("p", { sequential: true, batches: [["db", "api"]] }).build();
    expect(ofRule(checkPlan(ok), "order-violation")).toEqual([]);
  });

  it("unplaced-service and duplicate-placement (twice, and an undefined name)", () => {
    const plan = planBuilder()
      .service("a")
      .service("b")
      .service("lonely")
      .phase("one", { batches: [["a", "b"]] })
      .phase("two", { batches: [["b", "ghost"]] })
      .build();
    const findings = checkPlan(plan);
    expect(ofRule(findings, "unplaced-service").map((f) => f.services)).toEqual([["lonely"]]);
    const dup = ofRule(findings, "duplicate-placement");
    expect(dup.map((f) => f.services[0]).sort()).toEqual(["b", "ghost"]);
    expect(dup.every((f) => f.phase === "two")).toBe(true);
  });

  it("unschedulable when one pod is larger than every node's allocatable (capacity − reserved)", () => {
    const plan = planBuilder()
      .cluster({ nodes: 3, memory: 4 * Gi, cpu: 2000, reserved: { memory: 512 * Mi, cpu: 100 } })
      .service("fits", { memory: 3584 * Mi, cpu: 1900 })
      .service("too-big", { memory: 3585 * Mi, cpu: 100 })
      .phase("p", { batches: [["fits", "too-big"]] })
      .build();
    const found = ofRule(checkPlan(plan), "unschedulable");
    expect(found.map((f) => f.services)).toEqual([["too-big"]]);
    expect(found[0]!.message).toContain("largest node allocatable: 3,584Mi memory");
    // The scheduler's own words (fit.go reasons, FitError.Error, DefaultPreemption's suffix).
    expect(found[0]!.message).toContain(
      "0/3 nodes are available: 3 Insufficient memory. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod..",
    );
  });

  it("capacity-exceeded at the first phase whose cumulative requests pass allocatable", () => {
    const plan = planBuilder()
      .cluster({ nodes: 2, memory: 2 * Gi, cpu: 4000, reserved: { memory: 0, cpu: 0 } })
      .service("a", { memory: 2 * Gi, cpu: 100 })
      .service("b", { memory: 1 * Gi, cpu: 100, replicas: 2 })
      .service("c", { memory: 1 * Gi })
      .phase("one", { batches: [["a"]] })
      .phase("two", { batches: [["b"]] })
      .phase("three", { batches: [["c"]] })
      .build();
    // after one: 2Gi on one node; after two: both nodes full (equality fits); c finds no room.
    const found = ofRule(checkPlan(plan), "capacity-exceeded");
    expect(found).toHaveLength(1);
    expect(found[0]!.phase).toBe("three");
    expect(found[0]!.services).toEqual(["c"]);
    expect(found[0]!.message).toContain("a pod of c stays Pending: 0/2 nodes are available: 2 Insufficient memory.");
    expect(found[0]!.message).toContain("4Gi memory (100.0% of allocatable 4Gi)");
  });

  it("gate-unreachable when the plan's own requests pass the gate (exact at the boundary)", () => {
    const build = (gate: number) =>
      planBuilder()
        .cluster({ memory: 8 * Gi, reserved: { memory: 0, cpu: 0 } })
        .service("a", { memory: 4 * Gi })
        .phase("p", { batches: [["a"]], gate: { memory: gate } })
        .build();
    expect(ofRule(checkPlan(build(50)), "gate-unreachable")).toEqual([]);
    const [f] = ofRule(checkPlan(build(49)), "gate-unreachable");
    expect(f!.message).toContain("50.0% of allocatable");
    expect(f!.phase).toBe("p");
  });

  it("gate and budget percentages use allocatable, not capacity", () => {
    const plan = planBuilder()
      .cluster({ memory: 8 * Gi, reserved: { memory: 1 * Gi, cpu: 0 } })
      .budget({ memory: 55 })
      .service("a", { memory: 4 * Gi })
      .phase("p", { batches: [["a"]] })
      .build();
    // 4Gi is 50% of capacity but 57.1% of the 7Gi allocatable.
    const [f] = ofRule(checkPlan(plan), "budget-exceeded");
    expect(f!.message).toContain("4Gi are 57.1% of allocatable 7Gi, above the budget of 55%");
  });

  it("limit-below-request is an error; overcommit counts limits × replicas", () => {
    const plan = planBuilder()
      .cluster({ memory: 4 * Gi })
      .service("a", { memory: 1 * Gi, limits: { memory: 512 * Mi } })
      .service("b", { memory: 1 * Gi, limits: { memory: 2 * Gi }, replicas: 2 })
      .phase("p", { batches: [["a", "b"]] })
      .build();
    const findings = checkPlan(plan);
    expect(ofRule(findings, "limit-below-request").map((f) => [f.services[0], f.severity])).toEqual([["a", "error"]]);
    const [over] = ofRule(findings, "overcommit");
    expect(over!.message).toContain("4,608Mi = 112.5% of allocatable 4Gi");
  });
});

describe("declared totals and their written precision", () => {
  it("reads the precision of the written figure", () => {
    expect(readWrittenPrecision("1.15Gi", "memory")).toMatchObject({ mantissa: 115n, decimals: 2, unitNumerator: 1n << 30n });
    expect(readWrittenPrecision("1.45", "cpu")).toMatchObject({ mantissa: 145n, decimals: 2, unitNumerator: 1000n });
    expect(readWrittenPrecision("1.45 CPU cores", "cpu")).toMatchObject({ mantissa: 145n, decimals: 2 });
    expect(readWrittenPrecision("600m", "cpu")).toMatchObject({ mantissa: 600n, unitNumerator: 1n });
    expect(readWrittenPrecision("1.1.1", "cpu")).toBeUndefined();
  });

  it("allows exactly the rounding of the last written digit", () => {
    const gi = readWrittenPrecision("1.15Gi", "memory")!;
    expect(matchesWrittenFigure(gi, 1152 * Mi)).toBe(false); // 1.125Gi
    // 1.15Gi ± 0.005Gi: the lower bound 1.145Gi is 1,229,434,388.48 bytes.
    expect(matchesWrittenFigure(gi, 1_229_434_389)).toBe(true);
    expect(matchesWrittenFigure(gi, 1_229_434_388)).toBe(false);
    expect(matchesWrittenFigure(readWrittenPrecision("3Gi", "memory")!, 3072 * Mi)).toBe(true);
    // 5,888Mi = 5.75Gi sits exactly half-way: "5.8Gi" (half up) and "5.7Gi" (half down) both pass, "5.6Gi" does not.
    expect(matchesWrittenFigure(readWrittenPrecision("5.8Gi", "memory")!, 5888 * Mi)).toBe(true);
    expect(matchesWrittenFigure(readWrittenPrecision("5.6Gi", "memory")!, 5888 * Mi)).toBe(false);
    expect(matchesWrittenFigure(readWrittenPrecision("5.75Gi", "memory")!, 5888 * Mi)).toBe(true);
    expect(matchesWrittenFigure(readWrittenPrecision("1.45", "cpu")!, 1450)).toBe(true);
    expect(matchesWrittenFigure(readWrittenPrecision("1.45", "cpu")!, 1456)).toBe(false);
    expect(matchesWrittenFigure(readWrittenPrecision("2.75", "cpu")!, 2750)).toBe(true);
  });

  it("without the written text, compares exactly", () => {
    const plan = planBuilder()
      .service("a", { memory: 100 * Mi, cpu: 100 })
      .phase("p", { batches: [["a"]], declared: { memory: 100 * Mi, cpu: 101 } })
      .build();
    const found = ofRule(checkPlan(plan), "declared-total-mismatch");
    expect(found).toHaveLength(1);
    expect(found[0]!.message).toContain("CPU");
  });
});

it("every finding's severity comes from RULES", () => {
  for (const f of checkPlan(openPolicyPlan({ limitsFactor: 2, appValidation: "none" }))) {
    expect(f.severity).toBe(RULES[f.rule].severity);
  }
});
