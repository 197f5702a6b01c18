#!/usr/bin/env node
// Publishes the GitHub Action to its own repository, openpolicy/deploy-action: the Marketplace
// lists one action per repository, read from the action.yml at its root, and that repository must
// hold no workflow files. Its content is rebuilt from this one at every release — action.yml (with
// runs.main pointing at dist/), the bundled dist/index.js and its THIRD-PARTY-NOTICES.txt, the
// LICENSE, and docs/action.md as the README — then committed and tagged vX.Y.Z, with the major tag
// (v1) moved to it so `uses: openpolicy/deploy-action@v1` follows the latest 1.x. A released
// vX.Y.Z tag is never moved. Run by .github/workflows/release.yml; see docs/releasing.md.
//
// node scripts/release/publish-action.mjs --repo <clone of deploy-action> --version X.Y.Z [--dist DIR] [--push]
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { parse } from "yaml";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const SOURCE_REPO = "https://github.com/openpolicy/deploy/blob/main/";
const SEMVER = /^(\d+)\.(\d+)\.(\d+)(-[0-9A-Za-z.-]+)?$/;

/** action.yml for the action repository: the same file, running dist/index.js from its root. */
function actionManifest() {
  const text = readFileSync(path.join(ROOT, "action.yml"), "utf8");
  const rewritten = text.replace(/^(\s+main:\s*)packages\/action\/dist\/index\.js\s*$/m, "$1dist/index.js");
  const manifest = parse(rewritten);
  const missing = ["name", "description", "branding"].filter((key) => !manifest?.[key]);
  if (!manifest?.branding?.icon || !manifest?.branding?.color) missing.push("branding.icon/color");
  if (manifest?.runs?.main !== "dist/index.js") missing.push("runs.main: packages/action/dist/index.js");
  if (missing.length > 0) throw new Error(`action.yml: the Marketplace needs ${[...new Set(missing)].join(", ")}`);
  return rewritten;
}

/** docs/action.md with its repository-relative links made absolute (they point into this repository). */
function readme() {
  const text = readFileSync(path.join(ROOT, "docs", "action.md"), "utf8");
  return text.replace(/\]\((?!https?:|#|mailto:)([^)\s]+)\)/g, (_, target) => {
    const resolved = path.posix.normalize(path.posix.join("docs", target));
    return `](${SOURCE_REPO}${resolved})`;
  });
}

/** Writes the action repository's files into `into` (which must exist). */
export function assembleAction({ dist, into }) {
  for (const file of ["index.js", "THIRD-PARTY-NOTICES.txt"]) {
    if (!existsSync(path.join(dist, file))) throw new Error(`${path.join(dist, file)} is missing: run \`pnpm build\` first`);
  }
  writeFileSync(path.join(into, "action.yml"), actionManifest());
  writeFileSync(path.join(into, "README.md"), readme());
  copyFileSync(path.join(ROOT, "LICENSE"), path.join(into, "LICENSE"));
  mkdirSync(path.join(into, "dist"));
  for (const file of ["index.js", "THIRD-PARTY-NOTICES.txt"]) copyFileSync(path.join(dist, file), path.join(into, "dist", file));
}

function git(repo, args) {
  return execFileSync("git", ["-C", repo, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

/** Replaces the clone's content with this release's, commits, tags vX.Y.Z and moves vX; pushes when asked. */
export function publishAction({ repo, version, dist = path.join(ROOT, "packages", "action", "dist"), push = false }) {
  const match = SEMVER.exec(version);
  if (!match) throw new Error(`--version must be a semantic version like 1.2.3 (got "${version}")`);
  const tag = `v${version}`;
  if (git(repo, ["tag", "--list", tag]) !== "") throw new Error(`${tag} already exists in ${repo}: a released tag is never moved`);
  for (const entry of readdirSync(repo)) if (entry !== ".git") rmSync(path.join(repo, entry), { recursive: true, force: true });
  assembleAction({ dist, into: repo });
  git(repo, ["add", "--all"]);
  git(repo, ["commit", "--allow-empty", "--quiet", "-m", `${tag}`]);
  git(repo, ["tag", "-a", tag, "-m", tag]);
  // Pre-releases (1.2.0-rc.1) get their own tag only: v1 follows stable releases.
  const major = match[4] ? undefined : `v${match[1]}`;
  if (major) git(repo, ["tag", "-f", "-a", major, "-m", `${major} → ${tag}`]);
  if (push) {
    git(repo, ["push", "origin", "HEAD:refs/heads/main"]);
    git(repo, ["push", "origin", `refs/tags/${tag}`]);
    if (major) git(repo, ["push", "--force", "origin", `refs/tags/${major}`]);
  }
  return { tag, major };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { repo: { type: "string" }, version: { type: "string" }, dist: { type: "string" }, push: { type: "boolean" } } });
  if (!values.repo || !values.version) {
    console.error("usage: node scripts/release/publish-action.mjs --repo <clone of deploy-action> --version X.Y.Z [--dist DIR] [--push]");
    process.exit(2);
  }
  try {
    const { tag, major } = publishAction({ repo: values.repo, version: values.version, ...(values.dist ? { dist: values.dist } : {}), push: values.push ?? false });
    console.log(`deploy-action: ${tag}${major ? ` (${major} moved)` : ""}${values.push ? ", pushed" : ""}`);
  } catch (error) {
    console.error(`publish-action: ${error.message}`);
    process.exit(1);
  }
}
