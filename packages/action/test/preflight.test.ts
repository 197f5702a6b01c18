/**
 * Mode deploy's preflight through the test bundle, against FakeApiServer — a protocol test double
 * of the Kubernetes API, not Kubernetes (packages/simulator/test/kubernetes/fake-api-server.ts).
 */
import { describe, expect, it } from "vitest";
import { PLAN_PATH, planWorkspace, shopPlan } from "./helpers/deploy-fixtures.js";
import { deployTestContext } from "./helpers/fake-cluster-per-test.js";
import { runAction, type ActionRun } from "./helpers/run-action.js";

const KUBE_TOKEN = "kube-TOKEN-preflight-3b7e-never-print";
const PUSH = { eventName: "push", event: { ref: "refs/heads/main", repository: { full_name: "acme/platform" } } };
const ACCESS_REVIEWS = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";
const ctx = deployTestContext(KUBE_TOKEN);

async function deploy(inputs: Record<string, string> = {}): Promise<ActionRun> {
  const run = await runAction({
    inputs: { plan: PLAN_PATH, mode: "deploy", kubeconfig: ctx.server.kubeconfig("shop"), "settle-seconds": "0", comment: "false", ...inputs },
    workspace: await planWorkspace(shopPlan()),
    bundle: ctx.bundle,
    ...PUSH,
  });
  const visible = [run.stderr, run.summary, JSON.stringify(run.outputs), run.stdout.split("\n").filter((l) => !l.startsWith("::add-mask::")).join("\n")].join("\n");
  expect(visible).not.toContain(KUBE_TOKEN);
  return run;
}

const writes = () => ctx.server.requests.filter((r) => r.method !== "GET" && r.path !== ACCESS_REVIEWS);

describe("mode deploy: preflight", () => {
  it("blocking findings refuse the deploy before anything is applied: verdict not-run, findings in the summary and as annotations", async () => {
    ctx.server.denied.add("create coordination.k8s.io/leases");
    ctx.server.missingNamespaces.add("shop");
    const run = await deploy();
    expect(run.code).toBe(1);
    expect(run.outputs.verdict).toBe("not-run");
    expect(run.stdout).toMatch(/^::error::opdeploy: refusing to deploy deploy\/plan\.yaml: preflight found 2 errors, \d+ warnings? against namespace shop .*skip-preflight: true deploys anyway\); nothing was applied$/m);
    expect(run.stdout).toMatch(/^::error title=preflight-permission,file=deploy\/plan\.yaml,.*the deployer may not create coordination\.k8s\.io\/leases in shop/m);
    expect(run.summary).toContain("### opdeploy preflight of `deploy/plan.yaml`: ❌ 2 errors");
    expect(run.summary).toMatch(/^\| `preflight-missing-reference` \| error \| deploy\/plan\.yaml:1 \| namespace shop does not exist/m);
    expect(writes()).toEqual([]);
    expect(ctx.server.list("apps/v1", "deployments", "shop")).toEqual([]);
  });

  it("warnings only: the deploy goes on and the summary shows the preflight section above the report", async () => {
    const run = await deploy();
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs.verdict).toBe("succeeded");
    expect(run.summary.indexOf("### opdeploy preflight of `deploy/plan.yaml`: 0 errors")).toBe(0);
    expect(run.summary).toContain("`preflight-image-unverified`");
  });

  it("skip-preflight: true deploys without asking the cluster anything first", async () => {
    ctx.server.denied.add("create coordination.k8s.io/leases");
    const run = await deploy({ "skip-preflight": "true" });
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs.verdict).toBe("succeeded");
    expect(ctx.server.requests.filter((r) => r.path === ACCESS_REVIEWS)).toEqual([]);
    expect(run.summary).not.toContain("preflight");
  });
});
