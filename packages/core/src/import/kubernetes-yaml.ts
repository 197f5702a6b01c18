/**
 * Kubernetes YAML (plain files, `kustomize build` or `helm template` output) read into imported
 * services: one per Deployment or StatefulSet, dependencies from the Service names their
 * configuration refers to (Kubernetes itself has no `depends_on`), every other object named in a
 * note. Positions come from core's manifest reader, so each note points at the line it is about.
 */
import { type FieldPath, type ManifestObject, type ManifestText, parseManifests } from "../manifests/parse-manifests.js";
import { addDependency, type ImportedApp, type ImportedService } from "./imported.js";
import { kubernetesSkipNote, WORKLOAD_KINDS } from "./kubernetes-kinds.js";
import { list, POD_SPEC, readWorkload, record } from "./kubernetes-pod.js";
import { ImportError, NoteSink } from "./notes.js";
import { hostReferences } from "./references.js";

export interface KubernetesImportOptions {
  /** How the plan names a source file in `manifests:`; undefined (standard input) leaves it out. */
  manifestPath?(file: string): string | undefined;
}

const namespaceOf = (o: ManifestObject): string => {
  const ns = record(o.value.metadata).namespace;
  return typeof ns === "string" ? ns : "";
};

function podLabels(workload: ManifestObject): Record<string, unknown> {
  return record(record(record(record(workload.value.spec).template).metadata).labels);
}

/** A Service selects a workload's pods when every selector label is on the pod template (same namespace). */
function selects(service: ManifestObject, workload: ManifestObject): boolean {
  const selector = Object.entries(record(record(service.value.spec).selector));
  const labels = podLabels(workload);
  return namespaceOf(service) === namespaceOf(workload) && selector.length > 0 && selector.every(([k, v]) => labels[k] === v);
}

interface Reference {
  variable?: string;
  value: string;
  file: string;
  line: number;
  what: string;
}

/** Every configuration string a workload's containers read: env values, ConfigMap keys they load, args and commands. */
function configurationStrings(workload: ManifestObject, configMaps: Map<string, ManifestObject>): Reference[] {
  const out: Reference[] = [];
  const podSpec = record(record(record(workload.value.spec).template).spec);
  const fromConfigMap = (name: unknown, key: string | undefined, variable?: string) => {
    const cm = configMaps.get(`${namespaceOf(workload)}/${String(name)}`);
    if (!cm) return;
    for (const [k, v] of Object.entries(record(cm.value.data))) {
      if (key !== undefined && k !== key) continue;
      if (typeof v === "string") out.push({ variable: variable ?? k, value: v, file: cm.file, line: cm.locate(["data", k]).line, what: `ConfigMap ${cm.name} key ${k}` });
    }
  };
  for (const group of ["containers", "initContainers"] as const) {
    list(podSpec[group]).forEach((raw, ci) => {
      const c = record(raw);
      const at = (path: FieldPath) => workload.locate([...POD_SPEC, group, ci, ...path]).line;
      list(c.env).forEach((raw, ei) => {
        const env = record(raw);
        const name = typeof env.name === "string" ? env.name : undefined;
        if (typeof env.value === "string") out.push({ ...(name ? { variable: name } : {}), value: env.value, file: workload.file, line: at(["env", ei, "value"]), what: `env ${name ?? "?"}` });
        const ref = record(record(env.valueFrom).configMapKeyRef);
        if (typeof ref.key === "string") fromConfigMap(ref.name, ref.key, name);
      });
      for (const from of list(c.envFrom)) fromConfigMap(record(record(from).configMapRef).name, undefined);
      for (const field of ["args", "command"] as const) {
        list(c[field]).forEach((arg, ai) => {
          if (typeof arg === "string") out.push({ value: arg, file: workload.file, line: at([field, ai]), what: `${field}[${ai}] of "${String(c.name)}"` });
        });
      }
    });
  }
  return out;
}

/** Dependencies from references to Services of the input, each with a note saying where it was read. */
/** Annotation opdeploy writes on every workload it deploys: the plan's `dependsOn`, comma-separated. */
export const DEPENDS_ON_ANNOTATION = "opdeploy.io/depends-on";

function inferDependencies(sink: NoteSink, workloads: ManifestObject[], services: ManifestObject[], byName: Map<ManifestObject, ImportedService>, configMaps: Map<string, ManifestObject>): void {
  const importedNames = [...byName.values()].map((s) => s.name);
  const importedSet = new Set(importedNames);
  for (const workload of workloads) {
    const service = byName.get(workload);
    if (!service) continue;
    // A workload deployed by opdeploy says its dependencies outright: read them, not guessed.
    const annotations = (workload.value.metadata as { annotations?: Record<string, unknown> } | undefined)?.annotations;
    const declared = annotations?.[DEPENDS_ON_ANNOTATION];
    if (typeof declared === "string") {
      const location = workload.locate(["metadata", "annotations", DEPENDS_ON_ANNOTATION]);
      for (const name of declared.split(",").map((d) => d.trim()).filter(Boolean)) {
        // "*" (written as the plan wrote it) is every other service of the input.
        const targets = name === "*" ? importedNames.filter((other) => other !== service.name) : importedSet.has(name) ? [name] : [];
        for (const target of targets) {
          if (addDependency(service, target)) sink.add(location.file, location.line, "inferred", `${service.name} depends on ${target}: annotation ${DEPENDS_ON_ANNOTATION}${name === "*" ? ' ("*")' : ""}`, service.name);
        }
      }
    }
    const outside = new Set<string>();
    for (const ref of configurationStrings(workload, configMaps)) {
      for (const host of hostReferences(ref.value, ref.variable)) {
        const namespace = host.namespace ?? namespaceOf(workload);
        const target = services.find((s) => s.name === host.name && namespaceOf(s) === namespace);
        if (!target) {
          const shown = host.namespace ? `${host.name}.${host.namespace}` : host.name;
          if (host.namespace !== undefined && !outside.has(shown)) {
            outside.add(shown);
            sink.add(ref.file, ref.line, "skipped", `${ref.what} refers to Service ${host.name} in namespace ${host.namespace}, which is not in the input: no dependency`, service.name);
          }
          continue;
        }
        for (const selected of workloads.filter((w) => selects(target, w))) {
          const dependency = byName.get(selected);
          if (dependency && addDependency(service, dependency.name)) {
            sink.add(ref.file, ref.line, "inferred", `${service.name} depends on ${dependency.name}: ${ref.what} refers to Service ${target.name}`, service.name);
          }
        }
      }
    }
  }
}

function suggestedName(workloads: ManifestObject[], sources: readonly ManifestText[]): { name: string; namespace?: string } {
  const namespaces = [...new Set(workloads.map(namespaceOf).filter((n) => n !== ""))];
  if (namespaces.length === 1) return { name: namespaces[0]!, namespace: namespaces[0]! };
  const stem = (sources[0]?.file ?? "imported").split(/[\\/]/).pop()!.replace(/\.(ya?ml|json)$/i, "");
  const name = stem.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "");
  return { name: name === "" || name === "-" ? "imported" : name };
}

export function importKubernetes(sources: readonly ManifestText[], options: KubernetesImportOptions = {}): ImportedApp {
  const { objects, errors } = parseManifests(sources);
  if (errors.length > 0) throw new ImportError(errors.map((e) => ({ file: e.file, line: e.location.line, message: `not valid YAML: ${e.message}` })));
  const sink = new NoteSink();
  const workloads = objects.filter((o) => WORKLOAD_KINDS.has(o.kind));
  const services = objects.filter((o) => o.kind === "Service");
  const configMaps = new Map(objects.filter((o) => o.kind === "ConfigMap").map((o) => [`${namespaceOf(o)}/${o.name}`, o]));
  const byName = new Map<ManifestObject, ImportedService>();
  const taken = new Map<string, ManifestObject>();
  for (const workload of workloads) {
    const first = taken.get(workload.name);
    if (first) {
      sink.add(workload.file, workload.locate(["metadata", "name"]).line, "skipped", `${workload.kind} ${workload.name} has the same name as the ${first.kind} at ${first.file}:${first.locate(["metadata", "name"]).line}; a plan names each service once, so this one is not imported`);
      continue;
    }
    taken.set(workload.name, workload);
    const manifest = options.manifestPath?.(workload.file);
    byName.set(workload, readWorkload(sink, workload, services.filter((s) => selects(s, workload)), manifest !== undefined ? [manifest] : []));
  }
  for (const o of objects) {
    const message = kubernetesSkipNote(o, WORKLOAD_KINDS.has(o.kind) || (o.kind === "Service" && workloads.some((w) => selects(o, w))));
    if (message) sink.add(o.file, o.locate(["kind"]).line, "skipped", message);
  }
  inferDependencies(sink, workloads, services, byName, configMaps);
  if (byName.size === 0) {
    throw new ImportError([{ file: sources[0]?.file ?? "-", line: 1, message: "no Deployment or StatefulSet found: nothing to make a plan of" }]);
  }
  const namespaces = [...new Set(workloads.map(namespaceOf))];
  if (namespaces.length > 1) sink.add(workloads[0]!.file, 1, "assumed", `the workloads are in several namespaces (${namespaces.map((n) => n || "(none)").join(", ")}); the plan deploys into one`);
  return { format: "kubernetes", ...suggestedName(workloads, sources), services: [...byName.values()], notes: sink };
}
