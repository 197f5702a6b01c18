import { describe, expect, it } from "vitest";
import { openPolicyPlan, OPENPOLICY_SERVICE_NAMES } from "../../test/helpers/openpolicy-plan.js";
import { planBuilder } from "../../test/helpers/plan-builder.js";
import { buildDependencyGraph, criticalPath, findCycles, stronglyConnectedComponents, topologicalGenerations } from "./index.js";

describe("buildDependencyGraph", () => {
  it("points edges from the dependency to the dependent and keeps unknown names aside", () => {
    const plan = planBuilder()
      .service("db")
      .service("api", { dependsOn: ["db", "db", "cache"] })
      .build();
    const graph = buildDependencyGraph(plan);
    expect(graph.order).toBe(2);
    expect(graph.size).toBe(1);
    expect(graph.hasDirectedEdge("db", "api")).toBe(true);
    expect(graph.hasDirectedEdge("api", "db")).toBe(false);
    expect(graph.getAttribute("unknownDependencies")).toEqual([{ service: "api", dependency: "cache" }]);
  });

  it("marks edges that come from a \"*\" expansion", () => {
    const plan = planBuilder().service("a").service("b").service("gw", { dependsOnAll: true }).build();
    const graph = buildDependencyGraph(plan);
    expect(graph.inNeighbors("gw")).toEqual(["a", "b"]);
    expect(graph.getDirectedEdgeAttribute("a", "gw", "fromStar")).toBe(true);
  });

  it("builds the 26 services of the seed with api-gateway depending on the 25 others", () => {
    const graph = buildDependencyGraph(openPolicyPlan());
    expect(graph.order).toBe(26);
    expect(graph.inDegree("api-gateway")).toBe(25);
    expect(graph.getAttribute("unknownDependencies")).toEqual([]);
  });
});

describe("findCycles", () => {
  it("reports the seed's api-gateway tangle as one cycle with all members", () => {
    const cycles = findCycles(buildDependencyGraph(openPolicyPlan()));
    expect(cycles).toEqual([
      { path: ["api-gateway", "web", "api-gateway"], members: ["api-gateway", "web", "admin", "mobile-api"], throughStar: true },
    ]);
  });

  it("returns the shortest cycle of a component, as a depends-on path", () => {
    // a → b → c → a and a shortcut c → b: shortest cycle is b → c → b.
    const plan = planBuilder()
      .service("a", { dependsOn: ["b"] })
      .service("b", { dependsOn: ["c"] })
      .service("c", { dependsOn: ["a", "b"] })
      .service("d", { dependsOn: ["a"] })
      .build();
    const cycles = findCycles(buildDependencyGraph(plan));
    expect(cycles).toEqual([{ path: ["b", "c", "b"], members: ["a", "b", "c"], throughStar: false }]);
    // Each step of the path is a real dependency.
    for (const [i, name] of cycles[0]!.path.slice(0, -1).entries()) {
      expect(plan.services.get(name)!.dependsOn).toContain(cycles[0]!.path[i + 1]);
    }
  });

  it("finds self-dependencies and separate components, and nothing in a DAG", () => {
    const plan = planBuilder()
      .service("self", { dependsOn: ["self"] })
      .service("x", { dependsOn: ["y"] })
      .service("y", { dependsOn: ["x"] })
      .service("z", { dependsOn: ["x"] })
      .build();
    expect(findCycles(buildDependencyGraph(plan)).map((c) => c.path)).toEqual([["self", "self"], ["x", "y", "x"]]);
    const dag = planBuilder().service("a").service("b", { dependsOn: ["a"] }).build();
    expect(findCycles(buildDependencyGraph(dag))).toEqual([]);
  });

  it("copes with a long chain closed into one big cycle (iterative Tarjan, no recursion)", () => {
    const b = planBuilder();
    const n = 5000;
    for (let i = 0; i < n; i++) b.service(`s${i}`, { dependsOn: [`s${(i + 1) % n}`] });
    const cycles = findCycles(buildDependencyGraph(b.build()));
    expect(cycles).toHaveLength(1);
    expect(cycles[0]!.members).toHaveLength(n);
    expect(cycles[0]!.path).toHaveLength(n + 1);
  });
});

describe("stronglyConnectedComponents", () => {
  it("partitions every node exactly once", () => {
    const components = stronglyConnectedComponents(buildDependencyGraph(openPolicyPlan()));
    expect(components.flat().sort()).toEqual([...OPENPOLICY_SERVICE_NAMES].sort());
    expect(components.filter((c) => c.length > 1)).toEqual([["api-gateway", "web", "admin", "mobile-api"]]);
  });
});

describe("topologicalGenerations", () => {
  it("groups services in waves when acyclic", () => {
    const plan = planBuilder()
      .service("db")
      .service("cache")
      .service("api", { dependsOn: ["db", "cache"] })
      .service("worker", { dependsOn: ["db"] })
      .service("web", { dependsOn: ["api"] })
      .build();
    expect(topologicalGenerations(plan)).toEqual([["db", "cache"], ["api", "worker"], ["web"]]);
  });

  it("throws a graph: error on a cyclic plan", () => {
    expect(() => topologicalGenerations(openPolicyPlan())).toThrow(/^graph: .*cycle/);
  });
});

describe("criticalPath", () => {
  it("follows the slowest chain of startup seconds", () => {
    const plan = planBuilder()
      .service("db", { startupSeconds: 20 })
      .service("cache", { startupSeconds: 5 })
      .service("api", { dependsOn: ["db", "cache"], startupSeconds: 30 })
      .service("slow-job", { dependsOn: ["cache"], startupSeconds: 100 })
      .service("web", { dependsOn: ["api"], startupSeconds: 10 })
      .build();
    expect(criticalPath(plan)).toEqual({ path: ["cache", "slow-job"], seconds: 105 });
    expect(criticalPath(plan, () => 1)).toEqual({ path: ["db", "api", "web"], seconds: 3 });
  });

  it("drops the \"*\" edges inside the seed's cycle and goes through the scraper", () => {
    const plan = openPolicyPlan();
    const s = (name: string) => plan.services.get(name)!.startupSeconds;
    const result = criticalPath(plan);
    expect(result.path).toEqual(["postgresql", "scraper-service", "api-gateway", "web"]);
    expect(result.seconds).toBe(s("postgresql") + s("scraper-service") + s("api-gateway") + s("web"));
  });

  it("breaks written cycles too, and handles an empty plan", () => {
    const plan = planBuilder()
      .service("a", { dependsOn: ["b"], startupSeconds: 3 })
      .service("b", { dependsOn: ["a"], startupSeconds: 4 })
      .service("c", { dependsOn: ["a", "b"], startupSeconds: 5 })
      .build();
    expect(criticalPath(plan)).toEqual({ path: ["b", "c"], seconds: 9 });
    expect(criticalPath(planBuilder().build())).toEqual({ path: [], seconds: 0 });
  });
});
