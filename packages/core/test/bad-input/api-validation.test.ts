/**
 * Issue 9, "API validation before anything runs": what the Kubernetes API server would refuse is a
 * load error with file:line:column, every problem at once — never a stack trace later.
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { dnsLabel } from "../../src/render/names.js";
import { clusterNodeNames, loadPlanFile, parsePlanText, PlanLoadError, type PlanProblem } from "../../src/plan/index.js";

const bad = (name: string) => fileURLToPath(new URL(`../../testdata/bad/${name}`, import.meta.url));

async function problemsOf(file: string): Promise<string[]> {
  const error = await loadPlanFile(file).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(PlanLoadError);
  return (error as PlanLoadError).problems.map((p: PlanProblem) => `${p.line}:${p.column} ${p.path}: ${p.message}`);
}

const MINIMAL = `name: small
cluster:
  nodes: [{memory: 8Gi, cpu: 4}]
phases: [{name: all, services: [a]}]
services:
  a: {memory: 64Mi, cpu: 50m, validate: none}
`;

describe("names are DNS-1123 labels once folded, and unique", () => {
  it("reports names with no Kubernetes form and collisions after the renderer's folding", async () => {
    const problems = await problemsOf(bad("names.yaml"));
    // The collisions are the renderer's own folding, not a copy of it.
    expect(dnsLabel("Web")).toBe(dnsLabel("web"));
    expect(dnsLabel("api.v1")).toBe(dnsLabel("api_v1"));
    expect(problems).toEqual([
      expect.stringMatching(/^3:1 name: the plan name "计划" has no Kubernetes form: object names are DNS-1123 labels/),
      expect.stringMatching(/^11:3 services\.web: services "Web" and "web" would both be named "web" in Kubernetes/),
      expect.stringMatching(/^13:3 services\.api_v1: services "api\.v1" and "api_v1" would both be named "api-v1" in Kubernetes/),
      expect.stringMatching(/^14:3 services\.服务: the service name "服务" has no Kubernetes form/),
      expect.stringMatching(/^15:3 services\.db: services "db-headless" and "db" would both be named "db-headless" in Kubernetes \(a StatefulSet's headless Service\)/),
    ]);
  });

  it("accepts names the renderer folds without losing them (Web alone, dots, capitals)", () => {
    const plan = parsePlanText(MINIMAL.replace("name: small", "name: OpenPolicy Platform 2.0").replaceAll(/\ba\b/g, "Api.V1"), "p.yaml");
    expect([...plan.services.keys()]).toEqual(["Api.V1"]);
  });

  it("checks an explicit namespace the same way", () => {
    expect(() => parsePlanText(MINIMAL.replace("name: small", "name: small\nnamespace: ——"), "p.yaml")).toThrow(/2:1: namespace: the namespace "——" has no Kubernetes form/);
  });
});

describe("node names", () => {
  it("must not collide once groups are numbered (the simulated cluster used to throw 'duplicate node name')", () => {
    const twoNodes = (nodes: string) => MINIMAL.replace("nodes: [{memory: 8Gi, cpu: 4}]", `nodes: [${nodes}]`);
    expect(() => parsePlanText(twoNodes("{name: worker, memory: 8Gi, cpu: 4}, {name: worker, memory: 4Gi, cpu: 2}"), "p.yaml")).toThrow(
      /p\.yaml:3:\d+: cluster\.nodes\[1\]\.name: two nodes would be named "worker" \(node groups 1 and 2\)/,
    );
    expect(() => parsePlanText(twoNodes("{name: worker-1, memory: 8Gi, cpu: 4}, {name: worker, count: 2, memory: 4Gi, cpu: 2}"), "p.yaml")).toThrow(
      /two nodes would be named "worker-1"/,
    );
    const plan = parsePlanText(twoNodes("{name: big, memory: 8Gi, cpu: 4}, {name: worker, count: 2, memory: 4Gi, cpu: 2}, {memory: 1Gi, cpu: 1}"), "p.yaml");
    expect(clusterNodeNames(plan.cluster)).toEqual([["big"], ["worker-1", "worker-2"], ["node-1"]]);
  });
});

describe("rollout strategies the API server rejects (ValidateRollingUpdateDeployment)", () => {
  it("refuses maxSurge 0 with maxUnavailable 0 (also as 0%) and maxUnavailable above 100%", async () => {
    expect(await problemsOf(bad("rollout.yaml"))).toEqual([
      expect.stringMatching(/^10:\d+ services\.zero-zero\.rollingUpdate\.maxUnavailable: maxUnavailable may not be 0 when `maxSurge` is 0/),
      expect.stringMatching(/^11:\d+ services\.zero-percent\.rollingUpdate\.maxUnavailable: maxUnavailable may not be 0 when `maxSurge` is 0/),
      expect.stringMatching(/^12:\d+ services\.too-unavailable\.rollingUpdate\.maxUnavailable: maxUnavailable 150% must not be greater than 100%/),
    ]);
  });

  it("judges the bounds after defaulting: maxSurge 0 alone keeps the default maxUnavailable 25%", () => {
    const plan = parsePlanText(MINIMAL.replace("validate: none}", "validate: none, rollingUpdate: {maxSurge: 0}}"), "p.yaml");
    expect(plan.services.get("a")!.rollingUpdate).toEqual({ maxSurge: 0, maxUnavailable: "25%" });
  });
});

describe("quantities Kubernetes would round into nothing", () => {
  it("refuses memory in milli (with the Mi it meant) and memory below one byte; CPU in milli is fine", async () => {
    expect(await problemsOf(bad("quantities.yaml"))).toEqual([
      '9:11 services.milli.memory: "128m" is 128 thousandths of a byte (`m` means milli, and Kubernetes rounds it up to whole bytes); did you mean 128Mi?',
      '10:37 services.fraction.resources.requests.memory: "0.5" is less than 1 byte (Kubernetes would round it up to 1 byte); write memory in bytes or with Ki, Mi, Gi',
    ]);
  });
});

describe("limits below requests", () => {
  it("are refused at load, as the API server refuses the pod (simulate used to crash on them)", () => {
    const text = MINIMAL.replace("a: {memory: 64Mi, cpu: 50m, validate: none}", "a: {resources: {requests: {memory: 2Gi, cpu: 500m}, limits: {memory: 1Gi, cpu: 250m}}, validate: none}");
    expect(() => parsePlanText(text, "p.yaml")).toThrow(
      /6:\d+: services\.a\.resources\.limits\.memory: the memory limit 1Gi is below the request 2Gi; Kubernetes rejects such a pod[^\n]*\n.*services\.a\.resources\.limits\.cpu: the cpu limit 250m is below the request 500m/,
    );
  });
});

describe("phases naming services the plan does not define", () => {
  it("is a load error at the list entry, with the closest name", async () => {
    expect(await problemsOf(bad("unknown-phase-service.yaml"))).toEqual([
      '11:26 phases[1].batches[0].services[1]: phase "apps" lists "rabitmq-consumer", which is not a service of this plan; did you mean "rabbitmq-consumer"?',
    ]);
  });
});

describe("imagePullPolicy", () => {
  it("is undefined unless written, and takes the three Kubernetes values", () => {
    expect(parsePlanText(MINIMAL, "p.yaml").services.get("a")!.imagePullPolicy).toBeUndefined();
    const plan = parsePlanText(MINIMAL.replace("validate: none}", "validate: none, imagePullPolicy: Never}"), "p.yaml");
    expect(plan.services.get("a")!.imagePullPolicy).toBe("Never");
    expect(() => parsePlanText(MINIMAL.replace("validate: none}", "validate: none, imagePullPolicy: Allways}"), "p.yaml")).toThrow(
      /services\.a\.imagePullPolicy: expected one of "Always" \| "IfNotPresent" \| "Never", got the text "Allways"; did you mean "Always"\?/,
    );
  });
});
