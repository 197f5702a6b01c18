/**
 * The bundled action cancelled with SIGTERM (what the runner sends 7.5 s after SIGINT, and what
 * a `timeout-minutes` or a killed container sends first), and given a kubeconfig with a YAML
 * error: run as a child process with a runner-like environment against FakeApiServer — a
 * protocol test double of the Kubernetes API, not Kubernetes (see fake-api-server.ts).
 */
import { describe, expect, it } from "vitest";
import { PLAN_PATH, planWorkspace, shopPlan } from "./helpers/deploy-fixtures.js";
import { deployTestContext } from "./helpers/fake-cluster-per-test.js";
import { runAction, type ActionRun } from "./helpers/run-action.js";

const KUBE_TOKEN = "kube-TOKEN-signals-5d2e-never-print";
const PUSH = { eventName: "push", event: { ref: "refs/heads/main", repository: { full_name: "acme/platform" } } };

const ctx = deployTestContext(KUBE_TOKEN);

const log = (run: ActionRun) => `${run.stdout}\n${run.stderr}`;
/** What a reader of the log sees: everything but the mask commands the runner consumes. */
const visible = (run: ActionRun) => [run.stderr, run.summary, ...run.stdout.split("\n").filter((l) => !l.startsWith("::add-mask::"))].join("\n");

describe("SIGTERM", () => {
  it("stops at a step boundary like SIGINT: exit 130, revision resumable, lease released; the next run resumes", async () => {
    let signalled = false;
    const inputs = { plan: PLAN_PATH, mode: "deploy", kubeconfig: ctx.server.kubeconfig("shop"), "settle-seconds": "0", comment: "false" };
    const first = await runAction({
      inputs,
      workspace: await planWorkspace(shopPlan()),
      bundle: ctx.bundle,
      ...PUSH,
      onStdout: (stdout, child) => {
        if (!signalled && /^db: validated$/m.test(stdout)) {
          signalled = true;
          ctx.server.autoReadyMs = 1_500;
          child.kill("SIGTERM");
        }
      },
    });
    expect(signalled).toBe(true);
    expect(first.code, log(first)).toBe(130);
    expect(first.outputs.verdict).toBe("interrupted");
    expect(first.stdout).toMatch(/^::warning::opdeploy: SIGTERM received \(workflow cancelled\): stopping at the next step boundary/m);
    const statuses = ctx.server.list("v1", "secrets", "shop").filter((s) => s.metadata.labels?.owner === "opdeploy").map((s) => s.metadata.labels.status);
    expect(statuses).toEqual(["deploying"]);
    expect(ctx.server.get("coordination.k8s.io/v1", "leases", "shop", "opdeploy-shop")!.spec.holderIdentity).toBeUndefined();

    ctx.server.autoReadyMs = 5;
    const second = await runAction({ inputs, workspace: await planWorkspace(shopPlan()), bundle: ctx.bundle, ...PUSH });
    expect(second.code, log(second)).toBe(0);
    expect(second.outputs).toMatchObject({ verdict: "succeeded", revision: "1" });
    expect(second.stdout).toMatch(/^opdeploy: resuming revision 1: 1 step\(s\) already done \(db\)$/m);
  }, 60_000);
});

describe("a kubeconfig with a YAML error", () => {
  it("fails the step naming the line, and no credential from it reaches the log or the summary", async () => {
    const broken = ctx.server.kubeconfig("shop").replace(`    token: ${KUBE_TOKEN}`, `   token: ${KUBE_TOKEN}\n    password: pw-signals-never-print`);
    const run = await runAction({
      inputs: { plan: PLAN_PATH, mode: "deploy", kubeconfig: broken, "settle-seconds": "0", comment: "false" },
      workspace: await planWorkspace(shopPlan()),
      bundle: ctx.bundle,
      ...PUSH,
    });
    expect(run.code, log(run)).toBe(1);
    expect(run.stdout).toMatch(/^::error::opdeploy: cannot connect to the cluster \(kubeconfig from the kubeconfig input\): .*not valid YAML at line \d+, column \d+/m);
    for (const secret of [KUBE_TOKEN, "pw-signals-never-print", "token:"]) expect(visible(run)).not.toContain(secret);
    expect(ctx.server.requests).toEqual([]);
  }, 60_000);
});
