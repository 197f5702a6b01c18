import { readdir, stat, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import {
  decodePlan,
  detectInputFormat,
  formatImportNote,
  ImportError,
  importMarkdown,
  importSources,
  MAX_MANIFEST_BYTES,
  parseResourceAmount,
  readBoundedFile,
  type ImportSource,
  type NodeSize,
} from "@openpolicy/core";
import { formatOption, type Command, type ParsedCommand } from "../command.js";
import type { Io } from "../cli-io.js";
import { CliError, EXIT } from "../exit-codes.js";

const YAML_FILE = /\.(ya?ml|json)$/i;
const STDIN = "-";

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_MANIFEST_BYTES * 8) throw new CliError(`opdeploy import: standard input is larger than ${(MAX_MANIFEST_BYTES * 8) / 2 ** 20} MiB`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** YAML and JSON files under a folder, recursively, in a stable order; paths as the user wrote the folder. */
async function walk(folder: string, cwd: string): Promise<string[]> {
  const entries = await readdir(resolve(cwd, folder), { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  const out: string[] = [];
  for (const entry of entries) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(path, cwd)));
    // A symlinked file is read (kustomize bases often link shared files); symlinked folders are
    // not followed, so a link cycle cannot make the walk endless.
    else if (YAML_FILE.test(entry.name) && (entry.isFile() || (entry.isSymbolicLink() && (await stat(resolve(cwd, path)).catch(() => undefined))?.isFile()))) out.push(path);
  }
  return out;
}

/** Every input named on the command line, read: files, folders (recursively) and `-` for standard input. */
async function readInputs(paths: string[], cwd: string): Promise<ImportSource[]> {
  if (paths.filter((p) => p === STDIN).length > 1) throw new CliError("opdeploy import: standard input (-) can be named once");
  const sources: ImportSource[] = [];
  const problems: string[] = [];
  for (const path of paths) {
    if (path === STDIN) {
      sources.push({ file: STDIN, text: await readStdin() });
      continue;
    }
    const info = await stat(resolve(cwd, path)).catch((error: NodeJS.ErrnoException) => error);
    if (info instanceof Error) {
      problems.push(`opdeploy import: cannot read ${path}: ${info.code === "ENOENT" ? "no such file or directory" : (info.code ?? info.message)}`);
      continue;
    }
    const files = info.isDirectory() ? await walk(path, cwd) : [path];
    if (info.isDirectory() && files.length === 0) problems.push(`opdeploy import: ${path} holds no .yaml, .yml or .json files`);
    for (const file of files) {
      const read = await readBoundedFile(resolve(cwd, file), MAX_MANIFEST_BYTES);
      if (read.ok) sources.push({ file, text: read.text, ...(info.isDirectory() ? { fromFolder: true } : {}) });
      else problems.push(`opdeploy import: cannot read ${file}: ${read.reason}`);
    }
  }
  if (problems.length > 0) throw new CliError(problems.join("\n"));
  return sources;
}

/** `--node 16Gi,8` or `--node 16Gi,8,3` (memory, CPU, count of such nodes). */
function nodeOption(raw: string | undefined): NodeSize | undefined {
  if (raw === undefined) return undefined;
  const [memory, cpu, count, ...rest] = raw.split(",").map((s) => s.trim());
  const m = memory !== undefined ? parseResourceAmount(memory, "memory") : undefined;
  const c = cpu !== undefined ? parseResourceAmount(cpu, "cpu") : undefined;
  const n = count === undefined ? 1 : /^[1-9][0-9]{0,3}$/.test(count) ? Number(count) : NaN;
  if (!m?.ok || !c?.ok || Number.isNaN(n) || rest.length > 0) {
    throw new CliError(`opdeploy import: --node must be MEMORY,CPU[,COUNT] such as 16Gi,8 or 8Gi,4,3 (got "${raw}")`);
  }
  return { memory: m.value, cpu: c.value, count: n };
}

/** How the written plan names a manifest: relative to the plan file, as `check` resolves it. */
function manifestPathFor(output: string | undefined, cwd: string): (file: string) => string | undefined {
  const base = output ? dirname(resolve(cwd, output)) : cwd;
  return (file) => (file === STDIN ? undefined : relative(base, resolve(cwd, file)).split(sep).join("/"));
}

async function importMarkdownDocument(file: string, text: string, output: string | undefined, io: Io): Promise<number> {
  // Unchanged from the Markdown-only import: notes as "not imported", the YAML with source lines.
  const imported = importMarkdown(text, file);
  // Validate what we produced with the same decoder `check` uses, so import never writes a
  // plan that cannot be read back.
  decodePlan(imported.raw, { file, format: "markdown", locate: imported.locate });
  for (const note of imported.notes) io.err(`${file}:${note.line}: not imported: ${note.message}`);
  if (output) {
    await writeFile(resolve(io.cwd, output), imported.yaml);
    io.err(`wrote ${output} (${imported.notes.length} line(s) not interpreted, listed above)`);
  } else {
    io.out(imported.yaml);
  }
  return EXIT.ok;
}

async function run(parsed: ParsedCommand, io: Io): Promise<number> {
  // The output is a YAML plan (notes go to stderr); any other --format is refused, not ignored.
  formatOption(parsed, "import", ["yaml"] as const);
  if (parsed.positionals.length === 0) throw new CliError("opdeploy import: missing input (a Markdown plan, manifests, a folder, a Compose file or - for standard input)\nRun 'opdeploy import --help' for usage.");
  const output = parsed.values.output as string | undefined;
  const node = nodeOption(parsed.values.node as string | undefined);
  const sources = await readInputs(parsed.positionals, io.cwd);
  const markdown = sources.filter((s) => detectInputFormat(s.text) === "markdown");
  if (markdown.length > 0 && sources.length === 1) return importMarkdownDocument(markdown[0]!.file, markdown[0]!.text, output, io);
  const profiles = parsed.values.profile as string[] | undefined;
  const name = parsed.values.name as string | undefined;
  let imported: ReturnType<typeof importSources>;
  try {
    imported = importSources(sources, {
      manifestPath: manifestPathFor(output, io.cwd),
      ...(profiles ? { profiles } : {}),
      ...(node ? { node } : {}),
      ...(name ? { name } : {}),
    });
  } catch (error) {
    if (error instanceof ImportError) throw new CliError(error.problems.map((p) => `opdeploy import: ${p.file}:${p.line}: ${p.message}`).join("\n"));
    throw error;
  }
  for (const note of imported.notes) io.err(formatImportNote(note));
  if (sources.some((s) => s.file === STDIN) && imported.format === "kubernetes") {
    io.err("-: note: manifests read from standard input have no file for `manifests:`, so check cannot cross-check them; save them to a file to get that");
  }
  const summary = `${imported.plan.services.size} service(s) in ${imported.plan.phases.length} phase(s), ${imported.notes.length} note(s) listed above`;
  if (output) {
    await writeFile(resolve(io.cwd, output), imported.yaml);
    io.err(`wrote ${output}: ${summary}`);
  } else {
    io.out(imported.yaml);
    io.err(summary);
  }
  return EXIT.ok;
}

export const importCommand: Command = {
  name: "import",
  summary: "Convert a Markdown plan, Kubernetes manifests or a Compose file into the YAML plan format",
  args: "<input>…",
  options: {
    output: { type: "string", short: "o" },
    node: { type: "string" },
    profile: { type: "string", multiple: true },
    name: { type: "string" },
  },
  help: [
    "<input>: a Markdown plan document; Kubernetes YAML files or folders (recursively); a Compose",
    "         file; or - to read standard input (kustomize build … | opdeploy import -)",
    "-o, --output FILE        write the YAML plan there (default: stdout); notes go to stderr",
    "-f, --format yaml        the only output format (a plan is YAML)",
    "--node MEMORY,CPU[,N]    the cluster's nodes (default: one node twice the requests, noted)",
    "--profile NAME           enable a Compose profile (repeatable)",
    "--name NAME              the plan's name (default: the namespace, Compose project or file name)",
  ],
  run,
};
