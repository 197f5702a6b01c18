/**
 * The deploy engine itself (deployPlan, rollbackPlan: revisions, lease, resume, restore) on the
 * simulated cluster with in-memory history: deploy → re-deploy → upgrade → `opdeploy rollback` →
 * a failed step rolled back → `--phase` → interrupt and resume. The same code runs against
 * Kubernetes (test/kubernetes/deploy.test.ts, on the fake API server for the wire).
 */
import { fileURLToPath } from "node:url";
import { loadPlanFile } from "@openpolicy/core";
import type { Plan } from "@openpolicy/core";
import { describe, expect, it } from "vitest";
import { SimulatedCluster, simulatedNodes } from "../../src/index.js";
import { DeployLockedError, deployPlan, listHistory, memoryDeployState, rollbackPlan } from "../../src/deploy/index.js";
import type { DeployState } from "../../src/deploy/index.js";

const example = (file: string) => fileURLToPath(new URL(`../../../../examples/openpolicy/${file}`, import.meta.url));

function freshCluster(plan: Plan, faults: ConstructorParameters<typeof SimulatedCluster>[0]["faults"] = []): SimulatedCluster {
  return new SimulatedCluster({ nodes: simulatedNodes(plan), seed: 1, overhead: plan.cluster.overhead, faults, namespace: plan.namespace });
}

function withImage(plan: Plan, name: string, image: string): Plan {
  const services = new Map(plan.services);
  services.set(name, { ...structuredClone(plan.services.get(name)!), image });
  return { ...plan, services };
}

/** The pod-template revision a workload runs. */
const revisionOf = async (cluster: SimulatedCluster, name: string) => (await cluster.workloadStatus(name))?.revision;

describe("deploy on the simulated cluster, through the deploy engine", () => {
  it("deploy, re-deploy (no pod restarted), upgrade, manual rollback to the recorded objects", async () => {
    const plan = await loadPlanFile(example("plan.fixed.yaml"));
    const state: DeployState = memoryDeployState();
    const cluster = freshCluster(plan);
    const v1 = await deployPlan(plan, { cluster, state });
    expect(v1.verdict).toBe("succeeded");
    expect(v1.revision).toBe(1);
    const eventsBefore = cluster.eventCount();
    const again = await deployPlan(plan, { cluster, state });
    expect(again.verdict).toBe("succeeded");
    expect(again.revision).toBe(2);
    const podEvents = cluster.eventsFromIndex(eventsBefore).filter((e) => ["Scheduled", "Killing", "BackOff"].includes(e.reason));
    expect(podEvents).toEqual([]);

    // An upgrade of one service rolls exactly that one.
    const webBefore = await revisionOf(cluster, "web");
    const adminBefore = await revisionOf(cluster, "admin");
    const upgraded = await deployPlan(withImage(plan, "web", "web:2.0.0"), { cluster, state });
    expect(upgraded.verdict).toBe("succeeded");
    expect(await revisionOf(cluster, "web")).not.toBe(webBefore);
    expect(await revisionOf(cluster, "admin")).toBe(adminBefore);

    // `opdeploy rollback` (to revision 2): web back to its recorded objects, the rest unchanged.
    const back = await rollbackPlan({ cluster, state, plan: "openpolicy" });
    expect(back).toMatchObject({ verdict: "succeeded", from: 3, to: 2, revision: 4 });
    expect(back.services.find((s) => s.service === "web")).toMatchObject({ action: "restored", ok: true });
    expect(back.services.filter((s) => s.action !== "unchanged").map((s) => s.service)).toEqual(["web"]);
    expect(await revisionOf(cluster, "web")).toBe(webBefore);
    const history = (await listHistory(cluster, "openpolicy", state)).map((r) => [r.version, r.status]);
    expect(history).toEqual([
      [1, "superseded"],
      [2, "superseded"],
      [3, "rolled-back"],
      [4, "deployed"],
    ]);
  });

  it("a failed step: the culprit reads failed with its reason, its healthy batch-mates rolled-back", async () => {
    const plan = await loadPlanFile(example("plan.fixed.yaml"));
    const cluster = freshCluster(plan, [{ kind: "crash", service: "admin" }]);
    const outcome = await deployPlan(plan, { cluster, state: memoryDeployState() });
    expect(outcome.verdict).toBe("rolled-back");
    const utility = outcome.result!.phases.find((p) => p.name === "utility")!;
    const admin = utility.steps.find((s) => s.service === "admin")!;
    expect(admin.status).toBe("failed");
    expect(admin.message).toMatch(/^admin: container restarted \d+ times \(CrashLoopBackOff\)$/);
    const mates = utility.steps.filter((s) => s.service !== "admin");
    expect(mates.length).toBe(3);
    for (const step of mates) expect(step.status).toBe("rolled-back");
  });

  it("--phase: refused before phase 1, then phase by phase; a revision records everything deployed", async () => {
    const plan = await loadPlanFile(example("plan.fixed.yaml"));
    const state = memoryDeployState();
    const cluster = freshCluster(plan);
    await expect(deployPlan(plan, { cluster, state, phase: "business" })).rejects.toThrow(/needs the earlier phases in place first/);
    expect(await listHistory(cluster, "openpolicy", state)).toEqual([]);
    expect((await deployPlan(plan, { cluster, state, phase: "infrastructure" })).verdict).toBe("succeeded");
    const second = await deployPlan(plan, { cluster, state, phase: "business" });
    expect(second.verdict).toBe("succeeded");
    const revisions = await listHistory(cluster, "openpolicy", state);
    expect(Object.keys(revisions[1]!.manifests.services)).toEqual(expect.arrayContaining(["postgresql", "redis", "database-service", "etl"]));
    expect(await cluster.workloadStatus("monitoring-service")).toBeUndefined();
  });

  it("an interrupted deploy resumes: completed steps are not applied again; a held lease refuses a second deployer", async () => {
    const plan = await loadPlanFile(example("plan.fixed.yaml"));
    const state = memoryDeployState();
    const cluster = freshCluster(plan);
    const abort = new AbortController();
    const first = await deployPlan(plan, {
      cluster,
      state,
      signal: abort.signal,
      onProgress: (p) => {
        if (p.message === "redis: succeeded") abort.abort();
      },
    });
    expect(first.verdict).toBe("interrupted");
    const resumed = await deployPlan(plan, { cluster, state });
    expect(resumed.verdict).toBe("succeeded");
    expect(resumed.revision).toBe(first.revision);
    expect(resumed.resumed).toEqual(expect.arrayContaining(["postgresql", "scraper-service", "redis"]));

    const held = state.lease("opdeploy-openpolicy", { holderIdentity: "someone-else" });
    await held.acquire();
    await expect(deployPlan(plan, { cluster, state })).rejects.toBeInstanceOf(DeployLockedError);
    await held.release();
  });
});
