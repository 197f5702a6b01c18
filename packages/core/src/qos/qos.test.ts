/**
 * Cases ported from kubernetes/kubernetes pkg/apis/core/v1/helper/qos/qos_test.go
 * (TestComputePodQOS, TestCollectPodLevelResources, TestCollectContainerLevelResources), plus the
 * API defaulting they rely on (pkg/apis/core/v1/defaults.go SetDefaults_Pod, defaultPodRequests).
 */
import { describe, expect, it } from "vitest";
import { QosError, qosClass, type ContainerInput, type PodSpecInput, type QOSClass, type ResourceListInput } from "./index.js";

/** getResourceList upstream: "" leaves the resource out. */
function rl(cpu: string, memory: string): ResourceListInput {
  const out: ResourceListInput = {};
  if (cpu !== "") out.cpu = cpu;
  if (memory !== "") out.memory = memory;
  return out;
}
const container = (requests: ResourceListInput, limits: ResourceListInput): ContainerInput => ({ resources: { requests, limits } });

interface Case {
  name: string;
  spec: PodSpecInput;
  expected: QOSClass;
  podLevelResources?: boolean;
}

const upstream: Case[] = [
  { name: "guaranteed", spec: { containers: [container(rl("100m", "100Mi"), rl("100m", "100Mi"))] }, expected: "Guaranteed" },
  {
    name: "guaranteed-guaranteed",
    spec: { containers: [container(rl("100m", "100Mi"), rl("100m", "100Mi")), container(rl("100m", "100Mi"), rl("100m", "100Mi"))] },
    expected: "Guaranteed",
  },
  { name: "best-effort-best-effort", spec: { containers: [container(rl("", ""), rl("", "")), container(rl("", ""), rl("", ""))] }, expected: "BestEffort" },
  { name: "best-effort", spec: { containers: [container(rl("", ""), rl("", ""))] }, expected: "BestEffort" },
  { name: "best-effort-burstable", spec: { containers: [container(rl("", ""), rl("", "")), container(rl("1", ""), rl("2", ""))] }, expected: "Burstable" },
  {
    name: "best-effort-guaranteed",
    spec: { containers: [container(rl("", ""), rl("", "")), container(rl("10m", "100Mi"), rl("10m", "100Mi"))] },
    expected: "Burstable",
  },
  { name: "burstable-cpu-guaranteed-memory", spec: { containers: [container(rl("", "100Mi"), rl("", "100Mi"))] }, expected: "Burstable" },
  { name: "burstable-no-limits", spec: { containers: [container(rl("100m", "100Mi"), rl("", ""))] }, expected: "Burstable" },
  {
    name: "burstable-guaranteed",
    spec: { containers: [container(rl("1", "100Mi"), rl("2", "100Mi")), container(rl("100m", "100Mi"), rl("100m", "100Mi"))] },
    expected: "Burstable",
  },
  {
    name: "burstable-unbounded-but-requests-match-limits",
    spec: { containers: [container(rl("100m", "100Mi"), rl("200m", "200Mi")), container(rl("100m", "100Mi"), rl("", ""))] },
    expected: "Burstable",
  },
  { name: "burstable-1", spec: { containers: [container(rl("10m", "100Mi"), rl("100m", "200Mi"))] }, expected: "Burstable" },
  { name: "burstable-2", spec: { containers: [container(rl("0", "0"), rl("100m", "200Mi"))] }, expected: "Burstable" },
  {
    name: "best-effort-hugepages",
    spec: { containers: [container({ ...rl("0", "0"), "hugepages-2Mi": "1Gi" }, { ...rl("0", "0"), "hugepages-2Mi": "1Gi" })] },
    expected: "BestEffort",
  },
  {
    name: "init-container",
    spec: { containers: [container(rl("", ""), rl("", ""))], initContainers: [container(rl("10m", "100Mi"), rl("100m", "200Mi"))] },
    expected: "Burstable",
  },
  {
    name: "guaranteed-with-pod-level-resources",
    spec: { containers: [container(rl("", ""), rl("", ""))], resources: { requests: rl("10m", "100Mi"), limits: rl("10m", "100Mi") } },
    expected: "Guaranteed",
    podLevelResources: true,
  },
  {
    name: "guaranteed-with-pod-and-container-level-resources",
    spec: { containers: [container(rl("3m", "10Mi"), rl("5m", "20Mi"))], resources: { requests: rl("10m", "100Mi"), limits: rl("10m", "100Mi") } },
    expected: "Guaranteed",
    podLevelResources: true,
  },
  {
    name: "burstable-with-pod-level-resources",
    spec: { containers: [container(rl("", ""), rl("", ""))], resources: { requests: rl("10m", "10Mi"), limits: rl("20m", "50Mi") } },
    expected: "Burstable",
    podLevelResources: true,
  },
  {
    name: "burstable-with-pod-and-container-level-resources",
    spec: { containers: [container(rl("5m", "10Mi"), rl("5m", "10Mi"))], resources: { requests: rl("10m", "10Mi"), limits: rl("20m", "50Mi") } },
    expected: "Burstable",
    podLevelResources: true,
  },
  {
    name: "burstable-with-pod-and-container-level-requests",
    spec: { containers: [container(rl("5m", "10Mi"), rl("", ""))], resources: { requests: rl("10m", "10Mi"), limits: rl("", "") } },
    expected: "Burstable",
    podLevelResources: true,
  },
  {
    name: "burstable-with-pod-and-container-level-resources-2",
    spec: {
      containers: [container(rl("5m", "10Mi"), rl("", "")), container(rl("5m", "10Mi"), rl("5m", "10Mi"))],
      resources: { requests: rl("10m", "10Mi"), limits: rl("5m", "") },
    },
    expected: "Burstable",
    podLevelResources: true,
  },
];

describe("qosClass (upstream TestComputePodQOS)", () => {
  it.each(upstream)("$name → $expected", ({ spec, expected, podLevelResources }) => {
    expect(qosClass(spec, podLevelResources === undefined ? {} : { podLevelResources })).toBe(expected);
  });

  it("uses the containers when the PodLevelResources gate is off", () => {
    const spec: PodSpecInput = {
      containers: [container(rl("", ""), rl("", ""))],
      resources: { requests: rl("10m", "100Mi"), limits: rl("10m", "100Mi") },
    };
    expect(qosClass(spec, { podLevelResources: false })).toBe("BestEffort");
    expect(qosClass(spec)).toBe("Guaranteed");
  });
});

describe("qosClass: container-level summing (TestCollectContainerLevelResources)", () => {
  it("two containers and an init container, all with cpu+memory limits, requests below limits → Burstable", () => {
    const spec: PodSpecInput = {
      containers: [container(rl("100m", "100Mi"), rl("200m", "200Mi")), container(rl("300m", "400Mi"), rl("800m", "1000Mi"))],
      initContainers: [container(rl("50m", "50Mi"), rl("100m", "100Mi"))],
    };
    expect(qosClass(spec)).toBe("Burstable");
  });

  it("only a cpu limit (zero requests ignored) → Burstable", () => {
    expect(qosClass({ containers: [container(rl("0", "0"), rl("100m", ""))] })).toBe("Burstable");
  });

  it("an init container missing its cpu limit spoils Guaranteed", () => {
    const spec: PodSpecInput = {
      containers: [container(rl("1", "1Gi"), rl("1", "1Gi"))],
      initContainers: [container(rl("50m", "50Mi"), rl("", "50Mi"))],
    };
    expect(qosClass(spec)).toBe("Burstable");
    // With its limit, requests (defaulted from limits) equal limits everywhere.
    spec.initContainers = [container({}, rl("50m", "50Mi"))];
    expect(qosClass(spec)).toBe("Guaranteed");
  });
});

describe("qosClass: defaulting and Kubernetes' quantity rules", () => {
  it("limits imply requests (SetDefaults_Pod)", () => {
    expect(qosClass({ containers: [{ resources: { limits: { cpu: "500m", memory: "256Mi" } } }] })).toBe("Guaranteed");
    expect(qosClass({ containers: [{ resources: { limits: { cpu: "500m" } } }] })).toBe("Burstable");
  });

  it("only cpu and memory count", () => {
    expect(qosClass({ containers: [container({ "ephemeral-storage": "1Gi", "nvidia.com/gpu": "1" }, { "nvidia.com/gpu": "1" })] })).toBe("BestEffort");
    expect(
      qosClass({ containers: [container({ cpu: "1", memory: "1Gi", "ephemeral-storage": "1Gi" }, { cpu: "1", memory: "1Gi", "ephemeral-storage": "2Gi" })] }),
    ).toBe("Guaranteed");
  });

  it("zero counts as none", () => {
    expect(qosClass({ containers: [container(rl("0", "0Mi"), rl("0", "0"))] })).toBe("BestEffort");
    expect(qosClass({ containers: [container({}, rl("0", "0"))] })).toBe("BestEffort");
  });

  it("compares values, not spellings; numbers are read as quantities", () => {
    expect(qosClass({ containers: [container({ cpu: "1", memory: "1Gi" }, { cpu: "1000m", memory: "1024Mi" })] })).toBe("Guaranteed");
    expect(qosClass({ containers: [container({ cpu: 0.5, memory: 1073741824 }, { cpu: "500m", memory: "1Gi" })] })).toBe("Guaranteed");
    expect(qosClass({ containers: [container({ cpu: "1", memory: "1G" }, { cpu: "1", memory: "1Gi" })] })).toBe("Burstable");
  });

  it("rounds every value up to millis first (SetDefaults_ResourceList)", () => {
    expect(qosClass({ containers: [container({ cpu: "100.1m", memory: "1Gi" }, { cpu: "100.9m", memory: "1Gi" })] })).toBe("Guaranteed");
  });

  it("sums across containers: two Guaranteed containers stay Guaranteed, a sidecar init container counts too", () => {
    const spec: PodSpecInput = {
      containers: [container(rl("250m", "128Mi"), rl("250m", "128Mi"))],
      initContainers: [{ restartPolicy: "Always", resources: { requests: rl("50m", "32Mi"), limits: rl("50m", "32Mi") } }],
    };
    expect(qosClass(spec)).toBe("Guaranteed");
  });

  it("pod-level limits only: requests default to the limits (defaultPodRequests) → Guaranteed", () => {
    expect(qosClass({ containers: [{}], resources: { limits: rl("1", "1Gi") } })).toBe("Guaranteed");
  });

  it("pod-level limits only, containers requesting less: pod requests default to the containers' aggregate → Burstable", () => {
    expect(qosClass({ containers: [container(rl("2m", "1Mi"), {}), container(rl("1m", "5Mi"), {})], resources: { limits: rl("5m", "7Mi") } })).toBe(
      "Burstable",
    );
  });

  it("pod-level requests only: limits default from containers when all have them (defaultPodLimits)", () => {
    expect(
      qosClass({ containers: [container({}, rl("500m", "512Mi")), container({}, rl("500m", "512Mi"))], resources: { requests: rl("1", "1Gi") } }),
    ).toBe("Guaranteed");
    expect(qosClass({ containers: [container({}, rl("500m", "512Mi")), container({}, {})], resources: { requests: rl("1", "1Gi") } })).toBe("Burstable");
  });

  it("names the offending field when a value is not a quantity", () => {
    expect(() => qosClass({ containers: [container({ memory: "1GB" }, {})] })).toThrow(QosError);
    expect(() => qosClass({ containers: [container({ memory: "1GB" }, {})] })).toThrow(
      /^qos: spec\.containers\[0\]\.resources\.requests\.memory: quantity: "1GB" is not a valid quantity/,
    );
  });
});
