/**
 * Inputs shaped like what a kind node holds, written for these tests (not copied from kind).
 */
import { stringify } from "yaml";

/**
 * Shaped like the node image's /kind/manifests/default-cni.yaml (kind
 * pkg/build/nodeimage/const_cni.go): the two marker comments, then RBAC and the kindnet
 * DaemonSet whose POD_SUBNET is `{{ .PodSubnet }}`.
 */
export const CNI_TEMPLATE = `
# kindnetd networking manifest
# would you kindly template this file
# would you kindly patch this file
---
kind: ClusterRoleBinding
apiVersion: rbac.authorization.k8s.io/v1
metadata:
  name: kindnet
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: kindnet }
subjects:
- kind: ServiceAccount
  name: kindnet
  namespace: kube-system
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: kindnet
  namespace: kube-system
spec:
  selector:
    matchLabels: { app: kindnet }
  template:
    metadata:
      labels: { app: kindnet }
    spec:
      hostNetwork: true
      containers:
      - name: kindnet-cni
        image: docker.io/kindest/kindnetd:example
        env:
        - name: HOST_IP
          valueFrom:
            fieldRef: { fieldPath: status.hostIP }
        - name: POD_SUBNET
          value: {{ .PodSubnet }}
---
`;

/** The shape kubeadm writes admin.conf in: `users` is the LAST key (the old regex missed it). */
export const ADMIN_CONF = stringify({
  apiVersion: "v1",
  clusters: [{ cluster: { "certificate-authority-data": "Q0EtREFUQQ==", server: "https://opdeploy-control-plane:6443" }, name: "opdeploy" }],
  contexts: [{ context: { cluster: "opdeploy", user: "kubernetes-admin" }, name: "kubernetes-admin@opdeploy" }],
  "current-context": "kubernetes-admin@opdeploy",
  kind: "Config",
  preferences: {},
  users: [{ name: "kubernetes-admin", user: { "client-certificate-data": "Q0VSVA==", "client-key-data": "S0VZLVNFQ1JFVA==" } }],
});
