/**
 * A Service in front of another container port (Service 8080 → targetPort 8081, the container
 * listening on 8081) is a working setup (core/v1 ServicePort: targetPort is the pod's port,
 * port is the one clients use). The plan's port 8080 is then the Service's: no advice may tell the
 * user to move the container or the probe to 8080, which would break it; a wrong targetPort is
 * told to point at the port a container listens on.
 */
import { describe, expect, it } from "vitest";
import { Mi, planBuilder } from "../../test/helpers/plan-builder.js";
import { crossCheckManifests } from "./cross-check.js";

const plan = planBuilder("sp", "plan.yaml")
  .service("web", { port: 8080, memory: 64 * Mi, cpu: 50, limits: { memory: 64 * Mi, cpu: 50 }, validate: { kind: "http", path: "/healthz" } })
  .phase("one", { batches: [["web"]] })
  .build();
plan.services.get("web")!.manifests = ["web.yaml"];

function manifests(targetPort: number): { file: string; text: string }[] {
  const text = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: nginx
          ports: [{containerPort: 8081}]
          resources: {requests: {memory: 64Mi, cpu: 50m}, limits: {memory: 64Mi, cpu: 50m}}
          readinessProbe: {httpGet: {path: /healthz, port: 8081}}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 8080, targetPort: ${targetPort}}]
`;
  return [{ file: "web.yaml", text }];
}

describe("a Service port in front of another container port", () => {
  it("Service 8080 → container 8081 with plan port 8080 is consistent: no finding", () => {
    expect(crossCheckManifests(plan, manifests(8081))).toEqual([]);
    // Not vacuous: the same manifests with the plan saying 9090 are findings.
    const other = structuredClone(plan);
    other.services.get("web")!.port = 9090;
    expect(crossCheckManifests(other, manifests(8081)).map((f) => f.message).join("\n")).toMatch(/plan says the service listens on 9090/);
  });

  it("a wrong targetPort gets one finding whose advice is the container's port, and nothing tells the container or probe to move", () => {
    const findings = crossCheckManifests(plan, manifests(8082));
    expect(findings.map((f) => f.message)).toEqual([`web: Service "web" sends traffic to targetPort 8082 but the pod's containers listen on 8081; set targetPort to 8081.`]);
  });
});
