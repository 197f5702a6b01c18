import { describe, expect, it } from "vitest";
import { importSources } from "./import-sources.js";
import { ImportError } from "./notes.js";

const deployment = (name: string, extra: string[] = [], container: string[] = []) =>
  [
    "apiVersion: apps/v1",
    "kind: Deployment",
    "metadata:",
    `  name: ${name}`,
    "spec:",
    ...extra,
    `  selector: {matchLabels: {app: ${name}}}`,
    "  template:",
    `    metadata: {labels: {app: ${name}}}`,
    "    spec:",
    "      containers:",
    `      - name: ${name}`,
    `        image: example.org/${name}:1`,
    "        ports: [{containerPort: 8080}]",
    ...container,
  ].join("\n");
const service = (name: string) => `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}}\nspec:\n  selector: {app: ${name}}\n  ports: [{port: 8080}]`;

function problems(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ImportError) return error.problems.map((p) => `${p.file}:${p.line}: ${p.message}`);
    throw error;
  }
  throw new Error("expected an ImportError");
}

describe("importSources refuses what it cannot read, all problems at once", () => {
  it("YAML syntax errors in several files, each with file:line", () => {
    const found = problems(() =>
      importSources([
        { file: "a.yaml", text: `${deployment("a")}\n---\nkind: [unclosed\n` },
        { file: "b.yaml", text: `${deployment("b")}\n        bad: : :\n` },
      ]),
    );
    expect(found.some((p) => /^a\.yaml:16: not valid YAML/.test(p))).toBe(true);
    expect(found.some((p) => /^b\.yaml:\d+: not valid YAML/.test(p))).toBe(true);
  });

  it("names a plan, a kustomization and an unknown file, and a Compose file mixed with manifests", () => {
    const found = problems(() =>
      importSources([
        { file: "plan.yaml", text: "name: x\ncluster: {nodes: [{memory: 1Gi, cpu: 1}]}\nservices: {a: {memory: 1Mi}}\n" },
        { file: "kustomization.yaml", text: "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [a.yaml]\n" },
        { file: "notes.txt", text: "just words\n" },
      ]),
    );
    expect(found).toEqual([
      "plan.yaml:1: already a plan: use it with check, plan or simulate directly",
      "kustomization.yaml:1: a kustomization: import its output instead (kustomize build DIR | opdeploy import -)",
      "notes.txt:1: neither Kubernetes YAML (apiVersion and kind) nor a Compose file (a services mapping)",
    ]);
    const mixed = problems(() => importSources([{ file: "k.yaml", text: deployment("a") }, { file: "compose.yaml", text: "services: {web: {image: nginx}}\n" }]));
    expect(mixed[0]).toMatch(/^compose\.yaml:1: a Compose file and Kubernetes manifests \(k\.yaml\)/);
  });

  it("skips a file it cannot use inside a folder, with a note", () => {
    const imported = importSources([
      { file: "dir/a.yaml", text: `${deployment("a")}\n---\n${service("a")}`, fromFolder: true },
      { file: "dir/values.yaml", text: "replicaCount: 2\n", fromFolder: true },
    ]);
    expect(imported.notes[0]).toMatchObject({ file: "dir/values.yaml", kind: "skipped" });
    expect(imported.plan.services.size).toBe(1);
  });

  it("manifests without a Deployment or StatefulSet", () => {
    expect(problems(() => importSources([{ file: "s.yaml", text: service("a") }]))).toEqual(["s.yaml:1: no Deployment or StatefulSet found: nothing to make a plan of"]);
  });
});

describe("importSources on Kubernetes details", () => {
  it("breaks a reference cycle with a note, so the plan has an order", () => {
    const env = (to: string) => ["        env:", `        - {name: PEER_ADDR, value: "${to}:8080"}`];
    const imported = importSources([{ file: "c.yaml", text: [deployment("a", [], env("b")), service("a"), deployment("b", [], env("a")), service("b")].join("\n---\n") }]);
    const edges = [...imported.plan.services.values()].flatMap((s) => s.dependsOn.map((d) => `${s.name}->${d}`));
    expect(edges.length).toBeLessThan(2);
    expect(imported.notes.filter((n) => n.message.includes("dependency cycle")).length).toBe(2 - edges.length);
    expect(imported.plan.phases.length).toBeGreaterThan(0);
  });

  it("a limit without a request counts as the request (API defaulting); StatefulSet claims make it persistent", () => {
    const limitsOnly = ["        resources: {limits: {memory: 256Mi, cpu: 250m}}"];
    const sts = deployment("db", ["  replicas: 3", "  volumeClaimTemplates:", "  - metadata: {name: data}", "    spec: {resources: {requests: {storage: 5Gi}}}"], limitsOnly).replace("kind: Deployment", "kind: StatefulSet");
    const imported = importSources([{ file: "s.yaml", text: sts }]);
    const db = imported.plan.services.get("db")!;
    expect(db.requests).toEqual({ memory: 256 * 2 ** 20, cpu: 250 });
    expect([db.kind, db.persistent, db.storage, db.replicas]).toEqual(["StatefulSet", true, 5 * 2 ** 30, 3]);
  });

  it("adds a native sidecar's request to the pod's, and says so", () => {
    const sidecar = [
      "        resources: {requests: {memory: 100Mi, cpu: 100m}}",
      "      initContainers:",
      "      - {name: proxy, image: envoy:1, restartPolicy: Always, resources: {requests: {memory: 50Mi, cpu: 20m}}}",
      "      - {name: migrate, image: m:1, resources: {requests: {memory: 120Mi, cpu: 10m}}}",
    ];
    const imported = importSources([{ file: "p.yaml", text: deployment("app", [], sidecar) }]);
    // app 100Mi + sidecar 50Mi = 150Mi; the ordinary init container runs beside the sidecar started before it: 120 + 50 = 170Mi
    expect(imported.plan.services.get("app")!.requests).toEqual({ memory: 170 * 2 ** 20, cpu: 120 });
    expect(imported.notes.some((n) => n.message.startsWith('init container "proxy" is a sidecar') && n.message.includes("50Mi"))).toBe(true);
  });

  it("notes kinds it does not import and a second workload of the same name", () => {
    const daemon = deployment("agent").replace("kind: Deployment", "kind: DaemonSet");
    const imported = importSources([{ file: "m.yaml", text: [deployment("a", ["  strategy: {type: Recreate}"]), daemon, deployment("a")].join("\n---\n") }]);
    expect(imported.plan.services.get("a")!.strategy).toBe("Recreate");
    expect(imported.notes.some((n) => n.kind === "skipped" && n.message.startsWith("DaemonSet agent is not imported"))).toBe(true);
    expect(imported.notes.some((n) => n.kind === "skipped" && n.message.includes("same name"))).toBe(true);
  });
});
