/**
 * kindnet's manifest as kind v0.25.0 installs it (pkg/cluster/internal/create/actions/installcni/
 * cni.go) and the kubeconfigs handed to the tests and to `simulate --on kind`.
 */
import { KubeConfig } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { parseAllDocuments, stringify } from "yaml";
import { ADMIN_CONF, CNI_TEMPLATE } from "./kind-test-data.js";
import { renderCniManifest } from "../../src/cluster/kubernetes/kind/cni.js";
import { kubeconfigForServer, kubeconfigWithToken } from "../../src/cluster/kubernetes/kind/kubeconfig.js";

const VALUES = { podSubnet: "10.244.0.0/16", controlPlaneEndpoint: "opdeploy-control-plane:6443" };

function objects(manifest: string): Record<string, unknown>[] {
  const docs = parseAllDocuments(manifest);
  if (!Array.isArray(docs)) throw new Error("not a stream");
  for (const doc of docs) expect(doc.errors.map((e) => e.message)).toEqual([]);
  return docs.map((doc) => doc.toJSON() as Record<string, unknown>).filter((o) => o !== null);
}

describe("the CNI manifest (installcni)", () => {
  it("renders {{ .PodSubnet }} with the cluster's pod subnet and leaves no template action", () => {
    const rendered = renderCniManifest(CNI_TEMPLATE, VALUES);
    expect(rendered).not.toContain("{{");
    const daemonSet = objects(rendered).find((o) => o.kind === "DaemonSet") as { spec: { template: { spec: { containers: { env: { name: string; value?: string }[] }[] } } } };
    const env = daemonSet.spec.template.spec.containers[0]!.env;
    expect(env.find((e) => e.name === "POD_SUBNET")?.value).toBe("10.244.0.0/16");
  });

  it("adds CONTROL_PLANE_ENDPOINT as the last env var of the DaemonSet's first container, as kind's JSON patch does", () => {
    const rendered = renderCniManifest(CNI_TEMPLATE, VALUES);
    const daemonSet = objects(rendered).find((o) => o.kind === "DaemonSet") as { spec: { template: { spec: { containers: { env: { name: string; value?: string }[] }[] } } } };
    const env = daemonSet.spec.template.spec.containers[0]!.env;
    expect(env.map((e) => e.name)).toEqual(["HOST_IP", "POD_SUBNET", "CONTROL_PLANE_ENDPOINT"]);
    expect(env.at(-1)?.value).toBe("opdeploy-control-plane:6443");
  });

  it("keeps every object, one per document, for kubectl create", () => {
    expect(objects(renderCniManifest(CNI_TEMPLATE, VALUES)).map((o) => o.kind)).toEqual(["ClusterRoleBinding", "DaemonSet"]);
  });

  it("uses another pod subnet when given one", () => {
    expect(renderCniManifest(CNI_TEMPLATE, { ...VALUES, podSubnet: "10.32.0.0/12" })).toContain("value: 10.32.0.0/12");
  });

  it("refuses template fields it does not know instead of applying them unrendered", () => {
    const template = CNI_TEMPLATE.replace("{{ .PodSubnet }}", "{{ .PodSubnet }}\n        - name: X\n          value: {{ .ServiceSubnet }}");
    expect(() => renderCniManifest(template, VALUES)).toThrow("template fields this fixture does not know: .ServiceSubnet");
  });

  it("passes a manifest without kind's markers through untouched (a user's own file at that path)", () => {
    const plain = "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x }\n";
    expect(renderCniManifest(plain, VALUES)).toBe(plain);
  });
});

describe("kubeconfigs", () => {
  it("points admin.conf at the mapped port and keeps its credentials", () => {
    const kc = new KubeConfig();
    kc.loadFromString(kubeconfigForServer(ADMIN_CONF, "https://127.0.0.1:32771"));
    expect(kc.getCurrentCluster()?.server).toBe("https://127.0.0.1:32771");
    expect(kc.getCurrentCluster()?.caData).toBe("Q0EtREFUQQ==");
    expect(kc.getCurrentUser()?.keyData).toBe("S0VZLVNFQ1JFVA==");
  });

  it("gives the deployer a kubeconfig with its token as the current user, and no admin credentials", () => {
    const admin = kubeconfigForServer(ADMIN_CONF, "https://127.0.0.1:32771");
    const deployer = kubeconfigWithToken(admin, "opdeploy-deployer", "eyJhbGciOi.deployer.token");
    const kc = new KubeConfig();
    kc.loadFromString(deployer);
    expect(kc.getCurrentUser()?.name).toBe("opdeploy-deployer");
    expect(kc.getCurrentUser()?.token).toBe("eyJhbGciOi.deployer.token");
    expect(kc.getCurrentCluster()?.server).toBe("https://127.0.0.1:32771");
    expect(kc.getUsers()).toHaveLength(1);
    expect(deployer).not.toContain("S0VZLVNFQ1JFVA==");
  });

  it("reads the kind CLI's kubeconfig the same way (context kind-<name>)", () => {
    const kindCli = stringify({
      apiVersion: "v1",
      kind: "Config",
      "current-context": "kind-opdeploy-e2e",
      clusters: [{ name: "kind-opdeploy-e2e", cluster: { server: "https://127.0.0.1:41435", "certificate-authority-data": "Q0E=" } }],
      contexts: [{ name: "kind-opdeploy-e2e", context: { cluster: "kind-opdeploy-e2e", user: "kind-opdeploy-e2e" } }],
      users: [{ name: "kind-opdeploy-e2e", user: { "client-key-data": "S0VZ" } }],
    });
    const kc = new KubeConfig();
    kc.loadFromString(kubeconfigWithToken(kindCli, "deployer", "t0ken"));
    expect(kc.getCurrentCluster()?.name).toBe("kind-opdeploy-e2e");
    expect(kc.getCurrentUser()?.token).toBe("t0ken");
  });

  it("explains a broken kubeconfig without quoting it", () => {
    expect(() => kubeconfigForServer("users: [", "https://x")).toThrow("kind: /etc/kubernetes/admin.conf is not valid YAML");
    expect(() => kubeconfigWithToken("clusters: []\n", "u", "t")).toThrow("is not a kubeconfig (clusters, users, contexts and current-context are required)");
    const dangling = ADMIN_CONF.replace("current-context: kubernetes-admin@opdeploy", "current-context: other");
    expect(() => kubeconfigWithToken(dangling, "u", "t")).toThrow('current-context "other" is not among its contexts');
    // A YAML error next to the key: the message names the file, never the key.
    const broken = ADMIN_CONF.replace("client-key-data: S0VZLVNFQ1JFVA==", "client-key-data: [S0VZLVNFQ1JFVA==");
    let caught: unknown;
    try {
      kubeconfigForServer(broken, "https://x");
    } catch (error) {
      caught = error;
    }
    expect(String(caught)).toBe("Error: kind: /etc/kubernetes/admin.conf is not valid YAML");
  });
});
