/**
 * `opdeploy import` for manifests and Compose files: sources in (the CLI reads files, folders and
 * standard input), a plan with notes out. Kubernetes sources may be many (a folder, several
 * files); a Compose file stands alone. Markdown plan documents keep their own importer
 * (markdown/import.ts).
 */
import { parseManifests, type ManifestText } from "../manifests/parse-manifests.js";
import { importCompose } from "./compose.js";
import { detectInputFormat, type InputFormat } from "./detect.js";
import { importKubernetes } from "./kubernetes-yaml.js";
import { ImportError, type InputNote } from "./notes.js";
import { toPlan, type NodeSize, type PlanImport } from "./to-plan.js";

/** A file to import: name and text. */
export interface ImportSource extends ManifestText {
  /** Found while walking a folder (an unreadable file there is skipped with a note, not an error). */
  fromFolder?: boolean;
}

/** Options of {@link importSources}. */
export interface ImportSourcesOptions {
  /** How the written plan names a source file in `manifests:` (relative to the plan); undefined leaves it out. */
  manifestPath?(file: string): string | undefined;
  profiles?: readonly string[];
  node?: NodeSize;
  name?: string;
}

const WHY: Partial<Record<InputFormat, string>> = {
  plan: "already a plan: use it with check, plan or simulate directly",
  kustomization: "a kustomization: import its output instead (kustomize build DIR | opdeploy import -)",
  markdown: "a Markdown plan document: import it on its own",
  unknown: "neither Kubernetes YAML (apiVersion and kind) nor a Compose file (a services mapping)",
  empty: "empty: nothing to import",
};

/**
 * Imports Kubernetes manifests or a Compose file as a plan: effective requests, dependencies,
 * validations and phases, every inference a note. Throws {@link ImportError} listing every
 * problem.
 */
export function importSources(sources: readonly ImportSource[], options: ImportSourcesOptions = {}): PlanImport {
  const kubernetes: ImportSource[] = [];
  const compose: ImportSource[] = [];
  const problems: { file: string; line: number; message: string }[] = [];
  const skipped: InputNote[] = [];
  for (const source of sources) {
    const format = detectInputFormat(source.text);
    if (format === "invalid-yaml") {
      for (const e of parseManifests([source]).errors) problems.push({ file: e.file, line: e.location.line, message: `not valid YAML: ${e.message}` });
    } else if (format === "kubernetes") kubernetes.push(source);
    else if (format === "compose") compose.push(source);
    else if (source.fromFolder) skipped.push({ file: source.file, line: 1, kind: "skipped", message: `not imported: ${WHY[format]}` });
    else problems.push({ file: source.file, line: 1, message: WHY[format]! });
  }
  if (compose.length > 0 && kubernetes.length > 0) {
    problems.push({ file: compose[0]!.file, line: 1, message: `a Compose file and Kubernetes manifests (${kubernetes[0]!.file}) cannot be imported into one plan; import them apart` });
  }
  if (compose.length > 1) {
    problems.push({ file: compose[1]!.file, line: 1, message: `one Compose file at a time; merge overrides first: docker compose -f ${compose[0]!.file} -f ${compose[1]!.file} config | opdeploy import -` });
  }
  if (problems.length === 0 && compose.length === 0 && kubernetes.length === 0) {
    problems.push({ file: sources[0]?.file ?? "-", line: 1, message: "no Kubernetes manifests or Compose file among the inputs" });
  }
  if (problems.length > 0) throw new ImportError(problems);
  const app =
    compose.length === 1
      ? importCompose(compose[0]!, options.profiles ? { profiles: options.profiles } : {})
      : importKubernetes(kubernetes, options.manifestPath ? { manifestPath: options.manifestPath } : {});
  app.notes.notes.unshift(...skipped);
  const used = compose.length === 1 ? compose : kubernetes;
  return toPlan(app, used.map((s) => s.file), { ...(options.node ? { node: options.node } : {}), ...(options.name ? { name: options.name } : {}) });
}
