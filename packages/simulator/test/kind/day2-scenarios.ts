/**
 * The day-2 scenarios (issue 8) on a real cluster, through the public deploy API
 * (deployPlan / rollbackPlan / listHistory), as the deployer of deploy/rbac.yaml:
 * deploy → re-deploy → upgrade → --phase → rollback → failure (automatic rollback) → resume,
 * then the adoption tools on what is left: diff, snapshot, and why a service is as it is.
 * Each test continues
 * from the cluster state the previous one left, in order, like a user's week.
 *
 * Per-test timeouts follow the waits: a step waits at most the plan's rollback.timeoutSeconds,
 * a deploy has two steps plus the settle time, and a test runs a known number of deploys.
 */
import { describe, expect, it } from "vitest";
import type { Plan } from "@openpolicy/core";
import type { KubernetesCluster } from "../../src/cluster/kubernetes/kubernetes-cluster.js";
import { collectionPath } from "../../src/cluster/kubernetes/kube-api.js";
import { kubeName } from "../../src/cluster/kubernetes/render-workload.js";
import { deployPlan, listHistory, rollbackPlan } from "../../src/deploy/index.js";
import { diffPlan } from "../../src/diff/index.js";
import { snapshotNamespace } from "../../src/snapshot/index.js";
import { diagnoseService } from "../../src/engine/diagnose.js";
import type { DeployOptions, DeployResult } from "../../src/deploy/index.js";
import { Mi, makePlan, makeService } from "../helpers/plan-builder.js";
import type { E2eCluster } from "./e2e-cluster.js";

const STEP_TIMEOUT_SECONDS = 180;
const SETTLE_SECONDS = 5;
const STEPS_PER_DEPLOY = 2;
/** Wall-clock bound of `deploys` deploys (or rollbacks) of the two-service plan, plus a minute of API calls. */
export function day2TestTimeoutMs(deploys: number): number {
  return (deploys * STEPS_PER_DEPLOY * (STEP_TIMEOUT_SECONDS + SETTLE_SECONDS) + 60) * 1000;
}

const CACHE_IMAGE = "redis:7.4-alpine";
const WEB_V1 = "nginx:1.27-alpine";
const WEB_V2 = "nginx:1.28-alpine";
const WEB_BROKEN = "nginx:opdeploy-e2e-does-not-exist";

/** Two phases: infra (cache, gated on health) then apps (web). */
export function day2Plan(namespace: string, webImage: string, name = "e2e-day2"): Plan {
  const cache = { ...makeService("cache", { memory: 32 * Mi, cpu: 50, port: 6379, validate: { kind: "tcp", port: 6379 } }), image: CACHE_IMAGE };
  const web = { ...makeService("web", { memory: 32 * Mi, cpu: 50, port: 80, dependsOn: ["cache"], validate: { kind: "http", path: "/" } }), image: webImage };
  const plan = makePlan({
    name,
    services: [cache, web],
    phases: [{ name: "infra", batches: [["cache"]], gate: { healthy: 100 } }, { name: "apps", batches: [["web"]] }],
    rollback: { timeoutSeconds: STEP_TIMEOUT_SECONDS },
  });
  return { ...plan, namespace };
}

type Outcome = { refused: true; message: string } | { refused: false; result: DeployResult };

/** A refusal may be an error or a non-succeeded result; either must say why. */
async function attempt(deploy: Promise<DeployResult>): Promise<Outcome> {
  try {
    return { refused: false, result: await deploy };
  } catch (error) {
    return { refused: true, message: error instanceof Error ? error.message : String(error) };
  }
}

async function pods(cluster: KubernetesCluster, service: string): Promise<string[]> {
  const status = await cluster.workloadStatus(kubeName(service));
  return (status?.pods ?? []).filter((p) => !p.terminating).map((p) => `${p.name} restarts=${p.restarts}`).sort();
}

async function image(cluster: KubernetesCluster, namespace: string, service: string): Promise<string | undefined> {
  const deployment = await cluster.api.get(collectionPath("apps/v1", "deployments", namespace, kubeName(service)));
  const containers = (deployment?.spec as { template?: { spec?: { containers?: { image?: string }[] } } } | undefined)?.template?.spec?.containers;
  return containers?.[0]?.image;
}

const options = (cluster: KubernetesCluster, extra: DeployOptions = {}): DeployOptions => ({ cluster, settleSeconds: SETTLE_SECONDS, ...extra });

interface Scenario {
  name: string;
  /** Deploys and rollbacks it makes: its timeout follows from them. */
  deploys: number;
  run: (cluster: KubernetesCluster, namespace: string) => Promise<void>;
}

/** In order: each scenario starts from what the previous one left on the cluster. */
const SCENARIOS: Scenario[] = [
  {
    name: "deploy: a fresh install succeeds and is recorded as deployed",
    deploys: 1,
    run: async (cluster, ns) => {
      const result = await deployPlan(day2Plan(ns, WEB_V1), options(cluster));
      expect(result.verdict).toBe("succeeded");
      expect((await listHistory(cluster, result.plan)).at(-1)?.status).toBe("deployed");
      expect(await image(cluster, ns, "web")).toBe(WEB_V1);
    },
  },
  {
    name: "re-deploy of the unchanged plan: succeeds and restarts or replaces no pod",
    deploys: 1,
    run: async (cluster, ns) => {
      const before = { cache: await pods(cluster, "cache"), web: await pods(cluster, "web") };
      expect(before.web).toHaveLength(1);
      const result = await deployPlan(day2Plan(ns, WEB_V1), options(cluster));
      expect(result.verdict).toBe("succeeded");
      expect({ cache: await pods(cluster, "cache"), web: await pods(cluster, "web") }).toEqual(before);
    },
  },
  {
    name: "upgrade: a new web image rolls web only",
    deploys: 1,
    run: async (cluster, ns) => {
      const cacheBefore = await pods(cluster, "cache");
      const webBefore = await pods(cluster, "web");
      const result = await deployPlan(day2Plan(ns, WEB_V2), options(cluster));
      expect(result.verdict).toBe("succeeded");
      expect(await image(cluster, ns, "web")).toBe(WEB_V2);
      expect(await pods(cluster, "cache")).toEqual(cacheBefore);
      expect(await pods(cluster, "web")).not.toEqual(webBefore);
    },
  },
  {
    name: "--phase: deploying phase apps alone counts only what is deployed",
    deploys: 1,
    run: async (cluster, ns) => {
      const result = await deployPlan(day2Plan(ns, WEB_V1), options(cluster, { phase: "apps" }));
      expect(result.verdict).toBe("succeeded");
      expect(await image(cluster, ns, "web")).toBe(WEB_V1);
    },
  },
  {
    name: "--phase: refused, naming the missing phase, when an earlier phase was never deployed",
    deploys: 1,
    run: async (cluster, ns) => {
      const other = day2Plan(ns, WEB_V1, "e2e-phase-only");
      // Own services, so nothing of e2e-day2 counts as this plan's infra.
      const renamed: Plan = { ...other, services: new Map([...other.services].map(([n, s]) => [`p-${n}`, { ...s, name: `p-${n}`, dependsOn: s.dependsOn.map((d) => `p-${d}`) }])) };
      renamed.phases = other.phases.map((p) => ({ ...p, batches: p.batches.map((b) => ({ ...b, services: b.services.map((s) => `p-${s}`) })) }));
      const outcome = await attempt(deployPlan(renamed, options(cluster, { phase: "apps" })));
      const message = outcome.refused ? outcome.message : outcome.result.result?.failure?.message ?? "";
      if (!outcome.refused) expect(outcome.result.verdict).not.toBe("succeeded");
      expect(message).toMatch(/infra/);
      expect(await cluster.workloadStatus(kubeName("p-web"))).toBeUndefined();
    },
  },
  {
    name: "rollback: `opdeploy rollback` restores the revision before the last deployed one",
    deploys: 1,
    run: async (cluster, ns) => {
      const outcome = await rollbackPlan({ cluster, plan: "e2e-day2", timeoutSeconds: STEP_TIMEOUT_SECONDS });
      expect(outcome.verdict).toBe("succeeded");
      // Revisions so far: v1, v1 (unchanged), v2, phase apps with v1 → back to the one before: v2.
      expect(await image(cluster, ns, "web")).toBe(WEB_V2);
      expect(outcome.services.every((s) => s.ok)).toBe(true);
    },
  },
  {
    name: "failure: an image that does not exist fails at once and rolls back; the running web pods stay",
    deploys: 2,
    run: async (cluster, ns) => {
      const webBefore = await pods(cluster, "web");
      const started = Date.now();
      const result = await deployPlan(day2Plan(ns, WEB_BROKEN), options(cluster));
      expect(result.verdict).toBe("rolled-back");
      // ErrImagePull / ImagePullBackOff end the step with the reason, not after the step timeout.
      expect(Date.now() - started).toBeLessThan(STEP_TIMEOUT_SECONDS * 1000);
      expect(result.result?.failure?.message ?? "").toMatch(/ImagePull|ErrImagePull/);
      expect(await image(cluster, ns, "web")).toBe(WEB_V2);
      expect(await pods(cluster, "web")).toEqual(webBefore);
      expect((await listHistory(cluster, result.plan)).at(-1)?.status).toBe("rolled-back");
    },
  },
  {
    name: "resume: a deploy interrupted after its first step continues from there",
    deploys: 2,
    run: async (cluster, ns) => {
      const controller = new AbortController();
      const interrupted = await deployPlan(day2Plan(ns, WEB_V1), options(cluster, {
        signal: controller.signal,
        onProgress: (p) => {
          if (p.message === "cache: succeeded") controller.abort();
        },
      }));
      expect(interrupted.verdict).toBe("interrupted");
      const resumed = await deployPlan(day2Plan(ns, WEB_V1), options(cluster));
      expect(resumed.verdict).toBe("succeeded");
      expect(resumed.resumed).toContain("cache");
      expect(resumed.revision).toBe(interrupted.revision);
      expect(await image(cluster, ns, "web")).toBe(WEB_V1);
    },
  },
  {
    name: "adoption: diff shows nothing for the deployed plan and the web Deployment for an upgrade; snapshot gives the plan back",
    deploys: 0,
    run: async (cluster, ns) => {
      const target = { api: cluster.api, namespace: ns };
      const same = await diffPlan(target, day2Plan(ns, WEB_V1));
      expect(same.changed, JSON.stringify(same.summary)).toBe(false);
      const upgrade = await diffPlan(target, day2Plan(ns, WEB_V2));
      expect(upgrade.objects.filter((o) => o.change === "changed").map((o) => `${o.kind}/${o.name}`)).toEqual(["Deployment/web"]);
      const snapshot = await snapshotNamespace(target, { name: "e2e-day2" });
      const services = snapshot.plan.services;
      expect([...services.keys()].sort()).toEqual(["cache", "web"]);
      // The dependency comes back from the annotation a deploy writes.
      expect(services.get("web")!.dependsOn).toEqual(["cache"]);
      const why = await diagnoseService(cluster, "web", 0);
      expect(why.length).toBeGreaterThan(0);
      expect(why[0]!.phase).toBe("Running");
    },
  },
];

export function describeDay2Scenarios(e2e: () => E2eCluster): void {
  describe("day-2 scenarios (deployer RBAC)", () => {
    for (const scenario of SCENARIOS) {
      it(scenario.name, { timeout: day2TestTimeoutMs(scenario.deploys) }, async () => {
        const cluster = await e2e().connect();
        try {
          await scenario.run(cluster, e2e().namespace);
        } finally {
          await cluster.close();
        }
      });
    }
  });
}
