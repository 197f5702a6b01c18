import { describe, expect, it } from "vitest";
import { failureReason } from "../src/fail-policy.js";
import { renderWithinBytes } from "../src/fit-report.js";
import { planDisplayName } from "../src/dry-run.js";
import { describeCommentFailure, hiddenMarker, reportMarker } from "../src/pr-comment.js";
import { pullRequestFromEvent } from "../src/pull-request.js";
import { kubeconfigSecrets } from "../src/secrets.js";

describe("failureReason", () => {
  it("follows fail-on", () => {
    expect(failureReason("error", { errors: 0, warnings: 3, simulationVerdict: "succeeded" })).toBeUndefined();
    expect(failureReason("warning", { errors: 0, warnings: 3 })).toBe("3 warnings (fail-on: warning)");
    expect(failureReason("error", { errors: 1, warnings: 0, simulationVerdict: "rolled-back" })).toBe("1 error, the simulated rollout rolled-back (fail-on: error)");
    expect(failureReason("error", { errors: 0, warnings: 0, unsuccessfulRuns: { count: 2, runs: 20 } })).toBe("2 of 20 seeded rehearsals did not succeed (fail-on: error)");
    expect(failureReason("never", { errors: 9, warnings: 9, simulationVerdict: "failed" })).toBeUndefined();
  });
});

describe("pullRequestFromEvent", () => {
  const payload = (head: unknown) => ({ pull_request: { number: 3, base: { sha: "abc1234", repo: { full_name: "Acme/App" } }, head: { repo: head } } });
  it("reads number, base sha and fork-ness", () => {
    expect(pullRequestFromEvent("pull_request", payload({ full_name: "acme/app" }))).toEqual({ number: 3, baseSha: "abc1234", headRepo: "acme/app", baseRepo: "Acme/App", fromFork: false });
    expect(pullRequestFromEvent("pull_request_target", payload({ full_name: "eve/app" }))?.fromFork).toBe(true);
    expect(pullRequestFromEvent("pull_request", payload(null))?.fromFork).toBe(true);
    expect(pullRequestFromEvent("push", payload({ full_name: "acme/app" }))).toBeUndefined();
  });
});

describe("kubeconfigSecrets", () => {
  it("masks the whole value and each credential on its own", () => {
    const config = "users:\n- name: a\n  user:\n    token: \"t0ken-value\"\n    client-key-data: S0VZ\nclusters:\n- cluster: {server: https://k}\n";
    const secrets = kubeconfigSecrets(config);
    expect(secrets).toContain(config);
    expect(secrets).toContain("t0ken-value");
    expect(secrets).toContain("S0VZ");
    expect(secrets).not.toContain("https://k");
    expect(kubeconfigSecrets("  ")).toEqual([]);
  });
});

describe("report limits and names", () => {
  it("fits multi-byte text into a byte limit", () => {
    const render = (max: number) => "→".repeat(Math.min(max, 10_000));
    const text = renderWithinBytes(render, 3_000);
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(3_000);
    expect(text.length).toBeGreaterThan(900);
  });

  it("names plans relative to the workspace and marks comments per plan", () => {
    expect(planDisplayName("/ws/deploy/plan.yaml", "/ws")).toBe("deploy/plan.yaml");
    expect(planDisplayName("./deploy/plan.yaml", "/ws")).toBe("deploy/plan.yaml");
    expect(hiddenMarker(reportMarker("deploy/plan.yaml"))).toBe("<!-- opdeploy:report deploy/plan.yaml -->");
    expect(hiddenMarker(reportMarker("a--b.yaml"))).toBe("<!-- opdeploy:report a- -b.yaml -->");
  });

  it("explains comment failures a workflow author can fix", () => {
    const error = Object.assign(new Error("Resource not accessible by integration - https://docs.github.com/rest"), { status: 403 });
    expect(describeCommentFailure(error)).toMatch(/^could not post the PR comment: 403 Resource not accessible by integration.*grant pull-requests: write/);
  });
});
