/** Table cases for the kstatus rules (cli-utils pkg/kstatus/status/core.go, generic.go). */
import { describe, expect, it } from "vitest";
import { deploymentStatus, podStatus, statefulSetStatus } from "../../src/cluster/kubernetes/kstatus.js";

const available = { type: "Available", status: "True" };
const progressed = { type: "Progressing", status: "True", reason: "NewReplicaSetAvailable" };
const dep = (status: object, spec: object = { replicas: 3, progressDeadlineSeconds: 600 }, generation = 2) => ({ metadata: { generation }, spec, status });

describe("deploymentStatus", () => {
  it.each([
    ["generation not observed", dep({ observedGeneration: 1, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3, conditions: [available, progressed] }), "InProgress", "LatestGenerationNotObserved"],
    ["progress deadline exceeded", dep({ observedGeneration: 2, conditions: [{ type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded", message: "ReplicaSet has timed out progressing." }] }), "Failed", "ProgressDeadlineExceeded"],
    ["fewer replicas than spec", dep({ observedGeneration: 2, replicas: 2, updatedReplicas: 2 }), "InProgress", "LessReplicas"],
    ["not all updated", dep({ observedGeneration: 2, replicas: 3, updatedReplicas: 1 }), "InProgress", "LessUpdated"],
    ["old pods still terminating", dep({ observedGeneration: 2, replicas: 4, updatedReplicas: 3 }), "InProgress", "ExtraPods"],
    ["updated not yet available", dep({ observedGeneration: 2, replicas: 3, updatedReplicas: 3, availableReplicas: 2, readyReplicas: 3 }), "InProgress", "LessAvailable"],
    ["not all ready", dep({ observedGeneration: 2, replicas: 3, updatedReplicas: 3, availableReplicas: 3, readyReplicas: 2 }), "InProgress", "LessReady"],
    ["new ReplicaSet not reported available", dep({ observedGeneration: 2, replicas: 3, updatedReplicas: 3, availableReplicas: 3, readyReplicas: 3, conditions: [available] }), "InProgress", "ReplicaSetNotAvailable"],
    ["Available not True", dep({ observedGeneration: 2, replicas: 3, updatedReplicas: 3, availableReplicas: 3, readyReplicas: 3, conditions: [progressed, { type: "Available", status: "False" }] }), "InProgress", "DeploymentNotAvailable"],
    ["all good", dep({ observedGeneration: 2, replicas: 3, updatedReplicas: 3, availableReplicas: 3, readyReplicas: 3, conditions: [available, progressed] }), "Current", undefined],
    ["no progress deadline: Progressing not required", dep({ observedGeneration: 2, replicas: 1, updatedReplicas: 1, availableReplicas: 1, readyReplicas: 1, conditions: [available] }, { replicas: 1 }), "Current", undefined],
    ["replicas default to 1", dep({ observedGeneration: 2, replicas: 0 }, {}), "InProgress", "LessReplicas"],
    ["being deleted", { metadata: { generation: 1, deletionTimestamp: "2025-01-01T00:00:00Z" }, spec: {}, status: {} }, "InProgress", "Terminating"],
  ])("%s", (_name, object, status, reason) => {
    const result = deploymentStatus(object);
    expect(result.status).toBe(status);
    expect(result.reason).toBe(reason);
  });
});

const sts = (status: object, spec: object = { replicas: 2 }) => ({ metadata: { generation: 1 }, spec, status: { observedGeneration: 1, ...status } });

describe("statefulSetStatus", () => {
  it.each([
    ["OnDelete is user-managed", sts({}, { replicas: 2, updateStrategy: { type: "OnDelete" } }), "Current"],
    ["fewer replicas", sts({ replicas: 1 }), "InProgress"],
    ["not all ready", sts({ replicas: 2, readyReplicas: 1 }), "InProgress"],
    ["extra pods", sts({ replicas: 3, readyReplicas: 3 }), "InProgress"],
    ["partition rollout incomplete", sts({ replicas: 3, readyReplicas: 3, updatedReplicas: 0 }, { replicas: 3, updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: 1 } } }), "InProgress"],
    ["partition rollout complete", sts({ replicas: 3, readyReplicas: 3, updatedReplicas: 2 }, { replicas: 3, updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: 1 } } }), "Current"],
    ["not all current", sts({ replicas: 2, readyReplicas: 2, currentReplicas: 1 }), "InProgress"],
    ["revision mismatch", sts({ replicas: 2, readyReplicas: 2, currentReplicas: 2, currentRevision: "db-1", updateRevision: "db-2" }), "InProgress"],
    ["all good", sts({ replicas: 2, readyReplicas: 2, currentReplicas: 2, currentRevision: "db-2", updateRevision: "db-2" }), "Current"],
  ])("%s", (_name, object, status) => {
    expect(statefulSetStatus(object).status).toBe(status);
  });
});

describe("podStatus", () => {
  const now = Date.parse("2025-01-01T00:01:00Z");
  const unschedulable = (created: string) => ({ metadata: { creationTimestamp: created }, status: { phase: "Pending", conditions: [{ type: "PodScheduled", status: "False", reason: "Unschedulable" }] } });
  it.each([
    ["succeeded", { status: { phase: "Succeeded" } }, "Current"],
    ["failed", { status: { phase: "Failed" } }, "Failed"],
    ["running and ready", { status: { phase: "Running", conditions: [{ type: "Ready", status: "True" }] } }, "Current"],
    ["running, not ready", { status: { phase: "Running", conditions: [{ type: "Ready", status: "False" }] } }, "InProgress"],
    ["crash looping", { status: { phase: "Running", containerStatuses: [{ name: "c", state: { waiting: { reason: "CrashLoopBackOff" } } }] } }, "Failed"],
    ["unschedulable within the 15 s window", unschedulable("2025-01-01T00:00:50Z"), "InProgress"],
    ["unschedulable past the window", unschedulable("2025-01-01T00:00:30Z"), "Failed"],
    ["no phase yet", { status: {} }, "InProgress"],
  ])("%s", (_name, pod, status) => {
    expect(podStatus(pod, now).status).toBe(status);
  });
});
