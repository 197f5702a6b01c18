// THIRD-PARTY-NOTICES for an esbuild bundle. A bundle inlines its dependencies, so the licences
// that would have travelled inside node_modules must travel with the bundle instead (MIT, ISC,
// BSD and Apache-2.0 all ask for the notice to be reproduced). The list comes from the bundle's
// metafile — only modules that put bytes into an output count, so tree-shaken packages are not
// listed — and each entry carries the package's own licence files verbatim. Used by
// packages/cli/scripts/bundle.mjs and packages/action/scripts/bundle.mjs (see docs/adr/0002).
import { readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

const LICENCE_FILE = /^(licen[cs]e|copying|notice)([.-].*)?$/i;
const RULE = "=".repeat(78);

/** The package directory of a metafile input inside node_modules, or undefined for our own code. */
function packageDirOf(input, workingDir) {
  const marker = "node_modules/";
  const at = input.lastIndexOf(marker);
  if (at < 0) return undefined;
  const rest = input.slice(at + marker.length).split("/");
  const nameParts = rest[0]?.startsWith("@") ? rest.slice(0, 2) : rest.slice(0, 1);
  return path.resolve(workingDir, input.slice(0, at + marker.length) + nameParts.join("/"));
}

function licenceOf(manifest) {
  const field = manifest.license ?? manifest.licenses;
  if (typeof field === "string") return field;
  if (Array.isArray(field)) return field.map((l) => l.type ?? l).join(" OR ");
  return field?.type ?? "UNKNOWN";
}

function repositoryOf(manifest) {
  const repo = typeof manifest.repository === "string" ? manifest.repository : manifest.repository?.url;
  return repo ?? manifest.homepage;
}

/** Every third-party package with code in the outputs: name, version, licence and licence texts. */
export function bundledPackages(metafile, workingDir) {
  const dirs = new Set();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      if (bytesInOutput === 0) continue;
      const dir = packageDirOf(input, workingDir);
      if (dir) dirs.add(dir);
    }
  }
  const byId = new Map();
  for (const dir of dirs) {
    const manifest = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8"));
    const id = `${manifest.name}@${manifest.version}`;
    if (byId.has(id)) continue;
    const texts = readdirSync(dir)
      .filter((file) => LICENCE_FILE.test(file))
      .sort()
      .map((file) => readFileSync(path.join(dir, file), "utf8").trim());
    byId.set(id, { name: manifest.name, version: manifest.version, licence: licenceOf(manifest), repository: repositoryOf(manifest), texts });
  }
  return [...byId.values()].sort((a, b) => (a.name === b.name ? a.version.localeCompare(b.version) : a.name < b.name ? -1 : 1));
}

/**
 * Writes `<outdir>/THIRD-PARTY-NOTICES.txt`. esbuild's `legalComments: "external"` files
 * (`*.LEGAL.txt`, one per output) are folded into it and removed, so the output folder holds one
 * notices file. Deterministic: the same inputs give the same bytes (the Action's dist is committed).
 */
export function writeThirdPartyNotices({ metafile, workingDir, outdir, product }) {
  const packages = bundledPackages(metafile, workingDir);
  const sections = packages.map((pkg) => {
    const head = [`${pkg.name} ${pkg.version} — ${pkg.licence}`, ...(pkg.repository ? [pkg.repository] : [])];
    const body = pkg.texts.length > 0 ? pkg.texts.join("\n\n") : `(The package ships no licence file; its package.json declares ${pkg.licence}.)`;
    return [RULE, ...head, "", body].join("\n");
  });
  const legalFiles = readdirSync(outdir, { recursive: true })
    .filter((file) => file.endsWith(".LEGAL.txt"))
    .sort()
    .map((file) => path.join(outdir, file));
  // esbuild writes "Bundled license information:" then blank-line separated "<module path>:\n  <comment>".
  const comments = [...new Set(legalFiles.flatMap((file) => readFileSync(file, "utf8").split(/\n\s*\n/).map((c) => c.trim())))]
    .filter((c) => c.length > 0 && c !== "Bundled license information:");
  for (const file of legalFiles) rmSync(file);
  const text = [
    `${product} bundles the third-party packages below; each is listed with the licence it is published under.`,
    `${packages.length} packages.`,
    "",
    ...sections,
    ...(comments.length > 0 ? [RULE, "Licence comments kept from the bundled code", "", comments.join("\n\n")] : []),
    "",
  ].join("\n");
  const file = path.join(outdir, "THIRD-PARTY-NOTICES.txt");
  writeFileSync(file, text);
  return { file, packages: packages.length };
}
